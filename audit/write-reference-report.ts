// `npm run audit:report`: regenerates AUDIT_REPORT.md from a throwaway embedded PostgreSQL holding
// the reference CRM's schema, probing the routes of the reference CRM itself started in-process on a
// free port. Nothing outside those is read or written, except the file.
import { writeFile } from 'node:fs/promises';
import { createKnex, startEmbeddedPostgres } from '../src/core/index.ts';
import { startReferenceCrmAlone } from '../plugins/reference-crm/host-alone.ts';
import { migrateReferenceCrm } from '../plugins/reference-crm/migrations/index.ts';
import { REFERENCE_REPORT_PATH, renderReferenceReport } from './reference-report.ts';

async function main(): Promise<void> {
  const pg = await startEmbeddedPostgres();
  try {
    const knex = createKnex(pg.url, 1);
    try {
      await migrateReferenceCrm(knex);
    } finally {
      // Released before the audit connects: embedded PGlite serves one backend session.
      await knex.destroy();
    }
    const host = await startReferenceCrmAlone();
    try {
      await writeFile(REFERENCE_REPORT_PATH, await renderReferenceReport(pg.url, host.url), 'utf8');
    } finally {
      await host.close();
    }
  } finally {
    await pg.stop();
  }
  process.stdout.write(`Wrote ${REFERENCE_REPORT_PATH}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
