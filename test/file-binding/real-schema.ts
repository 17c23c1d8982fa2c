// Why a file binding's test cannot load its CRM's real schema in this run, or null when it can: the
// schemas load with psql into a PostgreSQL server (DATABASE_URL), not the embedded engine. And
// Invoice Ninja as most of those tests load it: its schema with the shared sample company.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RealCrm } from './serve-binding-file.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** The shared Invoice Ninja sample company (../shared/crm-schemas, or CRM_SCHEMAS_DIR). */
export const INVOICENINJA_SAMPLE = path.join(
  process.env.CRM_SCHEMAS_DIR ?? path.resolve(ROOT, '../shared/crm-schemas'),
  'invoiceninja-sample.sql',
);

export function realSchemaUnavailable(needs: { sample?: boolean } = {}): string | null {
  if (!process.env.DATABASE_URL)
    return 'DATABASE_URL is not set: a CRM schema is loaded with psql into a PostgreSQL server, not the embedded engine';
  if (needs.sample && !existsSync(INVOICENINJA_SAMPLE))
    return `the Invoice Ninja sample is not at ${INVOICENINJA_SAMPLE} (set CRM_SCHEMAS_DIR)`;
  return null;
}

/** Invoice Ninja's schema with its sample company. */
export const INVOICENINJA: RealCrm = {
  schema: 'invoiceninja.sql',
  async seed(_db, url) {
    await promisify(execFile)('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-q', '-o', '/dev/null', '-f', INVOICENINJA_SAMPLE, url]);
  },
};
