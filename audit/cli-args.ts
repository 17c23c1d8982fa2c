// Flags of `npm run audit`. Strict: an unknown flag or a missing value is an error, not ignored,
// so a typo never produces a report of the wrong database.
import { parseArgs } from 'node:util';
import { AuditError } from './errors.ts';

export interface CliOptions {
  databaseUrl: string;
  appUrl: string | undefined;
  adapter: string | undefined;
  out: string;
  /** Whether --out was given: without it, the committed report of a checkout is not replaced (see cli.ts). */
  outGiven: boolean;
  json: string | undefined;
  /** A binding file drafted from the audit's picks, its open questions marked. */
  writeBinding: string | undefined;
}

const USAGE =
  'usage: npm run audit -- --database-url URL [--app-url URL] [--host NAME | --adapter NAME] [--out FILE] [--json FILE] [--write-binding FILE]';

/** What --help prints: each flag, what it does and its default. */
export const HELP = `${USAGE}

Reads a CRM's PostgreSQL database (never writes) and reports, for each thing the client portal
serves, where the CRM keeps it and how sure the audit is.

  --database-url URL    the CRM's database (default: DATABASE_URL); a role with select is enough
  --app-url URL         the CRM's web address: a few of its routes are probed, GET only (default: none)
  --host NAME           a binding the project has (alga-psa, dolibarr, reference-crm): its claims
                        are compared with the schema (default: none compared); --adapter is its older name
  --out FILE            the report, in Markdown (default: AUDIT_REPORT.md in the current folder; in a
                        checkout of this project that is the committed report of the reference CRM,
                        which is replaced only when --out names it)
  --json FILE           the same findings as JSON (default: none)
  --write-binding FILE  a binding file drafted from the audit's picks, with a QUESTION for each thing
                        it cannot know (default: none); see docs/bind-your-crm.md
  -h, --help            this text`;

/** Null means "print the usage and stop" (--help). */
export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv): CliOptions | null {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        'database-url': { type: 'string' },
        'app-url': { type: 'string' },
        adapter: { type: 'string' },
        host: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'string' },
        'write-binding': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new AuditError(`${firstSentence((error as Error).message)} (${USAGE})`, 2);
  }
  if (values.help) return null;
  if (positionals.length > 0) throw new AuditError(`Unexpected argument "${positionals[0]}" (${USAGE})`, 2);

  const databaseUrl = str(values['database-url']) ?? env.DATABASE_URL;
  if (!databaseUrl) throw new AuditError(`No database given: pass --database-url or set DATABASE_URL (${USAGE})`, 2);
  for (const flag of ['app-url', 'adapter', 'host', 'out', 'json', 'write-binding']) {
    if (values[flag] === '') throw new AuditError(`--${flag} needs a value (${USAGE})`, 2);
  }
  return {
    databaseUrl,
    appUrl: str(values['app-url']),
    // --host names the binding being audited; --adapter is its older name. Neither: no claims compared.
    adapter: str(values.host) ?? str(values.adapter),
    out: str(values.out) ?? 'AUDIT_REPORT.md',
    outGiven: str(values.out) !== undefined,
    json: str(values.json),
    writeBinding: str(values['write-binding']),
  };
}

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

// node's parseArgs explains at length how to pass positionals; the first sentence is the error.
function firstSentence(text: string): string {
  return (text.split('\n')[0] ?? text).split('. ')[0]?.trim().replace(/\.$/, '') ?? text;
}
