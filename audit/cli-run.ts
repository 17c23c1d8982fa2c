// The audit's command line, run in the process that calls it: parse flags, run the engine, write
// the files, and answer the exit code. Any failure is ONE line on stderr and a non-zero code (2 for
// bad flags, 1 otherwise); a stack trace only with AUDIT_DEBUG=1. cli.ts runs it as `npm run audit`.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELP, parseCliArgs } from './cli-args.ts';
import { AuditError } from './errors.ts';
import { renderMarkdown } from './render-markdown.ts';
import { writeBindingDraft } from './binding-file/write-binding.ts';
import { inspectHost } from './run-audit.ts';

/** Where the command line writes what a person reads (stdout) and its one line of failure (stderr). */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs the audit's command line on `argv` (the flags alone) and `env`, and answers its exit code. */
export async function runAuditCli(argv: readonly string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<number> {
  try {
    return await main(argv, env, output);
  } catch (error) {
    if (env.AUDIT_DEBUG === '1') console.error(error);
    const message = error instanceof AuditError ? error.message : `unexpected error: ${oneLine(error)}`;
    output.stderr(`audit: ${message}\n`);
    return error instanceof AuditError ? error.exitCode : 1;
  }
}

/**
 * The report this checkout commits (the reference CRM's). The audit of another database, run from
 * the checkout's folder without --out, would silently replace it; named by --out, it is replaced.
 */
const COMMITTED_REPORT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'AUDIT_REPORT.md');

async function main(argv: readonly string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<number> {
  const options = parseCliArgs([...argv], env);
  if (!options) {
    output.stdout(`${HELP}\n`);
    return 0;
  }
  if (!options.outGiven && path.resolve(options.out) === COMMITTED_REPORT && existsSync(COMMITTED_REPORT))
    throw new AuditError(
      'AUDIT_REPORT.md here is the committed report of the reference CRM (npm run audit:report writes it): pass --out FILE to write this report elsewhere, or --out AUDIT_REPORT.md to replace it',
      2,
    );
  const inspection = await inspectHost({ databaseUrl: options.databaseUrl, appUrl: options.appUrl, adapter: options.adapter });
  const { report } = inspection;
  // Drafted before anything is written: a failure leaves no half of the output behind.
  const binding = options.writeBinding ? await writeBindingDraft(options.databaseUrl, inspection) : null;
  await write(options.out, renderMarkdown(report));
  if (options.json) await write(options.json, `${JSON.stringify(report, null, 2)}\n`);
  if (options.writeBinding && binding) await write(options.writeBinding, binding.text);
  const files = [options.out, options.json, options.writeBinding].filter(Boolean);
  const asked = binding ? ` (${binding.questions} question${binding.questions === 1 ? '' : 's'} to answer in ${options.writeBinding})` : '';
  const { implemented, partial, missing, notChecked } = report.summary;
  output.stdout(
    `Wrote ${files.slice(0, -1).join(', ')}${files.length > 1 ? ' and ' : ''}${files.at(-1)}${asked}: ${implemented.length} implemented, ${partial.length} partial, ` +
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

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim();
}
