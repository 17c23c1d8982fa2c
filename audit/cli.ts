// `npm run audit -- --database-url URL [--app-url URL] [--host NAME | --adapter NAME] [--out FILE] [--json FILE]`
// Thin: parse flags, run the engine, write the files. Any failure is ONE line on stderr and a
// non-zero exit (2 for bad flags, 1 otherwise); a stack trace only with AUDIT_DEBUG=1.
import { writeFile } from 'node:fs/promises';
import { parseCliArgs, USAGE } from './cli-args.ts';
import { AuditError } from './errors.ts';
import { renderMarkdown } from './render-markdown.ts';
import { runAudit } from './run-audit.ts';

async function main(): Promise<number> {
  const options = parseCliArgs(process.argv.slice(2), process.env);
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const report = await runAudit({ databaseUrl: options.databaseUrl, appUrl: options.appUrl, adapter: options.adapter });
  await write(options.out, renderMarkdown(report));
  if (options.json) await write(options.json, `${JSON.stringify(report, null, 2)}\n`);
  const { implemented, partial, missing, notChecked } = report.summary;
  process.stdout.write(
    `Wrote ${options.out}${options.json ? ` and ${options.json}` : ''}: ${implemented.length} implemented, ${partial.length} partial, ` +
      `${missing.length} missing${notChecked.length > 0 ? `, ${notChecked.length} not checked` : ''} (${report.database.hostTables} host tables, ${report.durationMs} ms).\n`,
  );
  return 0;
}

async function write(path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content, 'utf8');
  } catch (error) {
    throw new AuditError(`Cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (process.env.AUDIT_DEBUG === '1') console.error(error);
    const message = error instanceof AuditError ? error.message : `unexpected error: ${oneLine(error)}`;
    process.stderr.write(`audit: ${message}\n`);
    process.exitCode = error instanceof AuditError ? error.exitCode : 1;
  },
);

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim();
}
