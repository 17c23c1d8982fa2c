// Why a file binding's test cannot load its CRM's real schema in this run, or null when it can: the
// schemas load with psql into a PostgreSQL server (DATABASE_URL), not the embedded engine.
import { existsSync } from 'node:fs';
import path from 'node:path';

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
