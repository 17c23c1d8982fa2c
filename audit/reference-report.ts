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
const REFERENCE_REPORT_ORIGIN =
  `*How this file was made:* \`${REGENERATE_COMMAND}\` migrates a throwaway embedded PostgreSQL with the reference CRM's own ` +
  'migrations only (`plugins/reference-crm/migrations`: schema, no data, no portal tables) and runs the same audit as ' +
  '`npm run audit -- --adapter reference-crm --app-url <url>`, where the URL is the reference CRM itself (without the portal) ' +
  'started in-process on a free port (`plugins/reference-crm/host-alone.ts`), so its routes are probed. ' +
  '`test/audit/committed-report.test.ts` regenerates it and fails when this copy is stale.';

/**
 * The committed report's text for a database holding the reference CRM's schema and the running
 * reference CRM at appUrl. The markdown names no address or port, so the text does not depend on
 * which free port the app got.
 */
export async function renderReferenceReport(databaseUrl: string, appUrl: string): Promise<string> {
  const report = await runAudit({ databaseUrl, appUrl, adapter: 'reference-crm' });
  return renderMarkdown(report, { origin: REFERENCE_REPORT_ORIGIN });
}
