// A real Alga PSA database for a test: a database of its own on DATABASE_URL's server, copied from
// one this test process built at its first use (host-template.ts) with Alga's own schema (crm-schemas/alga-psa.sql: its migrations' tables, the pgboss schema,
// functions and triggers) loaded whole with psql, rows seeded the way Alga writes them (seed.ts),
// and the seeded document files under a storage root of their own (Alga's local storage provider).
// `unavailable` says why a run cannot have one (no DATABASE_URL, no schema file), so the test
// files skip with that reason instead of failing.
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Knex } from 'knex';
import { migratePortal } from '../../src/migrations/index.ts';
import { type AlgaPsaAdapter, createAlgaPsaAdapter } from '../../plugins/alga-psa/adapter.ts';
import { derivedSlug } from '../../plugins/alga-psa/workspaces.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import type { TestDatabase } from '../support/database.ts';
import { hostFromTemplate } from '../support/host-template.ts';
import { portalOnHost, type PortalOnHost } from '../support/portal-on-host.ts';
import { NEXTAUTH_SECRET, seedAlga, type AlgaSeed } from './seed.ts';

const run = promisify(execFile);

/** crm-schemas/ beside the repository (../shared/crm-schemas), or where CRM_SCHEMAS_DIR points. */
const schemasDir = process.env.CRM_SCHEMAS_DIR ?? fileURLToPath(new URL('../../../shared/crm-schemas/', import.meta.url));
const ALGA_SCHEMA = path.join(schemasDir, 'alga-psa.sql');

/** Why no real Alga PSA database can be made in this run, or null when one can. */
export function unavailable(): string | null {
  if (!process.env.DATABASE_URL)
    return 'DATABASE_URL is not set: the real Alga PSA schema is loaded with psql into a PostgreSQL server, not the embedded engine';
  if (!existsSync(ALGA_SCHEMA)) return `the Alga PSA schema is not at ${ALGA_SCHEMA} (set CRM_SCHEMAS_DIR)`;
  return null;
}

export interface AlgaHost {
  database: TestDatabase;
  db: Knex;
  storageRoot: string;
  seed: AlgaSeed;
  /** The binding as the portal would be configured against this database. */
  adapter(): AlgaPsaAdapter;
  close(): Promise<void>;
}

export async function loadAlgaSchema(url: string): Promise<void> {
  // The whole dump, stopping at the first error; it needs only the bundled pgcrypto and pg_trgm.
  await run('psql', ['-v', 'ON_ERROR_STOP=1', '-q', '-o', '/dev/null', '-f', ALGA_SCHEMA, url], { maxBuffer: 16 * 1024 * 1024 });
}

/**
 * An Alga database, seeded; with `portalTables`, the portal's own tables migrated beside Alga's as
 * `portal migrate` leaves them before the portal serves (the binding reads and writes some of
 * them: its listed records of invoices and quotes, its ticket order).
 */
export async function startAlgaHost(options: { portalTables?: boolean } = {}): Promise<AlgaHost> {
  const portalTables = options.portalTables ?? false;
  const key = `alga-psa portal tables ${portalTables}`;
  const { database, filesRoot, seed } = await hostFromTemplate(key, async (url, root) => {
    const db = createKnex(url);
    try {
      await loadAlgaSchema(url);
      const made = await seedAlga(db, root);
      if (portalTables) await migratePortal(db);
      return made;
    } finally {
      await db.destroy();
    }
  });
  const db = createKnex(database.url);
  return {
    database,
    db,
    storageRoot: filesRoot,
    seed,
    adapter: () => createAlgaPsaAdapter(db, { nextAuthSecret: NEXTAUTH_SECRET, storageRoot: filesRoot }),
    close: async () => {
      await db.destroy();
      rmSync(filesRoot, { recursive: true, force: true });
      await database.drop();
    },
  };
}

/** The workspace slug the binding derives for a tenant: from its name, as the seed gives it no logo or colour. */
export async function tenantSlug(db: Knex, tenant: string): Promise<string> {
  const row = await db('tenants').where({ tenant }).first('tenant', 'client_name');
  return derivedSlug({ ...row, logo_url: null, primary_color: null });
}

/** A portal beside the host for its first tenant, with its HTTP server when `serve` is set. */
export async function portalBesideAlga(
  host: AlgaHost,
  options: { serve?: boolean; config?: Parameters<typeof portalOnHost>[0]['config']; smtpUrl?: string; adapter?: HostAdapter } = {},
): Promise<{ running: PortalOnHost; slug: string }> {
  const slug = await tenantSlug(host.db, host.seed.tenant);
  const running = await portalOnHost({
    db: host.db,
    databaseUrl: host.database.url,
    adapter: options.adapter ?? host.adapter(),
    workspaceSlug: slug,
    from: 'Northwind IT <portal@northwind.example>',
    ...(options.serve ? { serve: true } : {}),
    ...(options.config ? { config: options.config } : {}),
    ...(options.smtpUrl ? { smtpUrl: options.smtpUrl } : {}),
  });
  return { running, slug };
}

/**
 * In a describe block: a real Alga database for its tests, started before them and closed after,
 * or, where none can be made, one test that says why and the others skipped.
 */
export function useAlgaHost(options: Parameters<typeof startAlgaHost>[0] = {}): { readonly host: AlgaHost } {
  const reason = unavailable();
  let started: AlgaHost | undefined;
  before(async function () {
    if (reason) this.skip();
    started = await startAlgaHost(options);
  });
  after(async function () {
    await started?.close();
  });
  if (reason) it(`is skipped: ${reason}`, () => {});
  return {
    get host(): AlgaHost {
      if (!started) throw new Error('the Alga database is not started yet (use it inside a test)');
      return started;
    },
  };
}

/** What a copy of a seed task gets of its own (test/support/row-copies.ts): keys and the numbers Alga keeps unique. */
export const IMPORTED_TASK = {
  task_id: 'gen_random_uuid()',
  task_name: "'Imported ' || g",
  wbs_code: "'1.1.9' || g",
  order_key: "'z' || g",
};
