// Host databases for the audit tests: a fresh test database loaded with one of the host fixtures
// (the reference CRM's migrations, the generated 450-table schema,
// the schemas modeled on Odoo, SuiteCRM and Perfex, or nothing at all).
import { createServer } from 'node:net';
import pg from 'pg';
import { createKnex } from '../../src/core/db/connect.ts';
import { migratePortal } from '../../src/migrations/index.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { generateLargeSchemaSql } from '../fixtures/large-schema/generate-large-schema.ts';
import { generateOdooSql } from '../fixtures/odoo/schema.ts';
import { generatePerfexSql } from '../fixtures/perfex/schema.ts';
import { generateSuiteCrmSql } from '../fixtures/suitecrm/schema.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export type HostFixture = 'empty' | 'reference-crm' | 'reference-crm+portal' | 'large-schema' | 'odoo' | 'suitecrm' | 'perfex';

// Fixtures modeled on public CRMs' published schemas, each generated as one SQL script.
const GENERATED: Partial<Record<HostFixture, () => string>> = {
  'large-schema': () => generateLargeSchemaSql(),
  odoo: generateOdooSql,
  suitecrm: generateSuiteCrmSql,
  perfex: generatePerfexSql,
};

export async function runSql(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function loadHostFixture(db: TestDatabase, fixture: HostFixture): Promise<void> {
  if (fixture === 'empty') return;
  const generate = GENERATED[fixture];
  if (generate) {
    await runSql(db.url, generate());
    return;
  }
  const knex = createKnex(db.url, 1);
  try {
    await migrateReferenceCrm(knex);
    if (fixture === 'reference-crm+portal') await migratePortal(knex);
  } finally {
    await knex.destroy();
  }
}

export async function createHostDatabase(fixture: HostFixture): Promise<TestDatabase> {
  const db = await createTestDatabase();
  try {
    await loadHostFixture(db, fixture);
  } catch (error) {
    await db.drop();
    throw error;
  }
  return db;
}

/** A local port nothing listens on (taken, then released), for "cannot connect" cases. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
