// AUDIT_REPORT.md at the repository root: the report for the reference CRM shipped in
// plugins/reference-crm, so a reader sees a real report before running the audit on their own CRM.
// `npm run audit:report` writes it (write-reference-report.ts) and a test regenerates it and fails
// when the committed copy is stale; both go through here so they render the same text.
import { fileURLToPath } from 'node:url';
import { renderMarkdown } from './render-markdown.ts';
import { runAudit } from './run-audit.ts';

export const REFERENCE_REPORT_PATH = fileURLToPath(new URL('../AUDIT_REPORT.md', import.meta.url));

export const REGENERATE_COMMAND = 'npm run audit:report';

// No date or address: the text depends on the reference CRM's schema only, so it is identical on
// embedded PGlite and on real PostgreSQL, today and next year.
export const REFERENCE_REPORT_ORIGIN =
  `*How this file was made:* \`${REGENERATE_COMMAND}\` migrates a throwaway embedded PostgreSQL with the reference CRM's own ` +
  'migrations only (`plugins/reference-crm/migrations`: schema, no data, no portal tables) and runs the same audit as ' +
  '`npm run audit -- --adapter reference-crm`, without `--app-url`, so routes are not probed. ' +
  '`test/audit/committed-report.test.ts` regenerates it and fails when this copy is stale.';

/** The committed report's text for a database holding the reference CRM's schema. */
export async function renderReferenceReport(databaseUrl: string): Promise<string> {
  const report = await runAudit({ databaseUrl, adapter: 'reference-crm' });
  return renderMarkdown(report, { origin: REFERENCE_REPORT_ORIGIN });
}
