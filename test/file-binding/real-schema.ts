// Why a file binding's test cannot load its CRM's real schema in this run, or null when it can: the
// schemas load with psql into a PostgreSQL server (DATABASE_URL), not the embedded engine.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Knex } from 'knex';
import { createKnex } from '../../src/core/db/connect.ts';
import { BUILT_SCHEMAS_DIR, loadRealSchema } from '../support/audit-real-schemas.ts';
import type { TestDatabase } from '../support/database.ts';

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

/** A database with Invoice Ninja's schema and its sample company, and a connection to it. */
export async function loadInvoiceNinjaSample(): Promise<{ database: TestDatabase; db: Knex }> {
  const database = await loadRealSchema('invoiceninja.sql', BUILT_SCHEMAS_DIR);
  await promisify(execFile)('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-q', '-o', '/dev/null', '-f', INVOICENINJA_SAMPLE, database.url]);
  return { database, db: createKnex(database.url) };
}
