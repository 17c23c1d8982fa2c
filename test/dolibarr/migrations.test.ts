// Covers the portal's migrations on a real Dolibarr database: Dolibarr's own tables (every llx_
// table of its schema) keep their exact shape, by the information_schema snapshot and by
// `pg_dump --schema-only`, and their rows, through the portal's migrate and its rollback; the
// rollback leaves only knex's own bookkeeping tables behind. The adapter's claims hold against
// the schema when the portal starts; a claim the schema does not hold stops migrate, naming the
// missing column, before anything is created.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { Knex } from 'knex';
import type pg from 'pg';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { createPgPool } from '../../src/core/db/connect.ts';
import { createUnleashFlags } from '../../src/core/flags/unleash-flags.ts';
import { HostClaimError } from '../../src/core/host/verify-claims.ts';
import { findClaimProblems } from '../../src/portal.ts';
import { createMailer } from '../../src/core/mail/mailer.ts';
import { createPortalLogger } from '../../src/core/ops/logging.ts';
import { createCustomerPortal, type CustomerPortal } from '../../src/portal.ts';
import type { FeatureFlags } from '../../src/core/ports/services.ts';
import { flagsFileFor } from '../support/portal-harness.ts';
import { publicTables, schemaSnapshot } from '../support/schema-snapshot.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';

const run = promisify(execFile);

/** Count and digest of every row of each table, in a stable order. */
async function rowsSnapshot(db: Knex, tables: string[]): Promise<Record<string, string>> {
  const rows: Record<string, string> = {};
  for (const table of tables) {
    const result = await db.raw(
      `select count(*)::text as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from ?? t`,
      [table],
    );
    rows[table] = `${result.rows[0]?.n}:${result.rows[0]?.digest}`;
  }
  return rows;
}

/** pg_dump's DDL for Dolibarr's tables (and what hangs off them: sequences, indexes, triggers, keys). */
async function dumpHostSchema(url: string): Promise<string> {
  const { stdout } = await run('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', '--table=public.llx_*', url], {
    maxBuffer: 64 * 1024 * 1024,
  });
  // Newer pg_dump releases fence the script with \restrict / \unrestrict and a random key per run.
  return stdout.replace(/^\\(un)?restrict .*$/gm, '');
}

const reason = unavailable();

describe("dolibarr host: the portal's migrations leave Dolibarr's schema and rows as they were", function () {
  let host: DolibarrHost;
  let portal: CustomerPortal;
  let sessionPool: pg.Pool;
  let flags: FeatureFlags;
  let flagsFile: string;

  before(async function () {
    if (reason) this.skip();
    host = await startDolibarrHost();
    sessionPool = createPgPool(host.database.url);
    flagsFile = flagsFileFor([host.seed.workspaceSlug]);
    flags = await createUnleashFlags({ bootstrapFile: flagsFile });
    portal = createCustomerPortal({
      adapter: createDolibarrAdapter(host.db, {
        workspaceSlug: host.seed.workspaceSlug,
        dataRoot: host.dataRoot,
        actingUserId: host.seed.users.admin,
      }),
      db: host.db,
      sessionPool,
      flags,
      mailer: createMailer({ from: 'Atelier Lumière <portal@atelier-lumiere.example>', logger: () => {} }),
      config: { appUrl: 'http://localhost', sessionSecret: 'dolibarr-host-secret-'.padEnd(48, 'x'), demoPaymentProvider: true },
      logger: createPortalLogger({ level: 'error' }),
    });
  });
  after(async function () {
    await portal?.close();
    await flags?.close();
    await sessionPool?.end();
    if (flagsFile) rmSync(path.dirname(flagsFile), { recursive: true, force: true });
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('claims only what the real schema has', async function () {
    expect(await findClaimProblems(host.db, createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug }))).to.deep.equal([]);
  });

  it('stops migrate on a claim the schema does not hold, naming the missing column, before anything is created', async function () {
    const adapter = createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug });
    const claimingTooMuch = createCustomerPortal({
      adapter: {
        ...adapter,
        claims: [...adapter.claims, { concept: 'contact', table: 'llx_socpeople', columns: ['email', 'portal_token'] }],
      },
      db: host.db,
      sessionPool,
      flags,
      mailer: createMailer({ from: 'Atelier Lumière <portal@atelier-lumiere.example>', logger: () => {} }),
      config: { appUrl: 'http://localhost', sessionSecret: 'dolibarr-host-secret-'.padEnd(48, 'x'), demoPaymentProvider: true },
      logger: createPortalLogger({ level: 'silent' }),
    });
    try {
      const tablesBefore = await publicTables(host.db);
      const error = await claimingTooMuch.migrate().then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).to.be.instanceOf(HostClaimError);
      expect((error as Error).message).to.include('public.llx_socpeople.portal_token');
      expect((error as Error).message).to.not.include('public.llx_socpeople.email');
      expect((error as Error).message).to.include('dolibarr');
      expect(await publicTables(host.db)).to.deep.equal(tablesBefore);
      expect(tablesBefore.filter((table) => /^(client_|portal_|workspace_client_portal)/.test(table))).to.deep.equal([]);
    } finally {
      await claimingTooMuch.close();
    }
  });

  it('migrates and rolls back without touching a single llx_ table', async function () {
    const { db } = host;
    const hostTables = (await publicTables(db)).filter((table) => table.startsWith('llx_'));
    expect(hostTables.length).to.be.greaterThan(250);
    const shapeBefore = await schemaSnapshot(db, hostTables);
    const dumpBefore = await dumpHostSchema(host.database.url);
    const rowsBefore = await rowsSnapshot(db, hostTables);

    await portal.migrate();
    const added = (await publicTables(db)).filter((table) => !hostTables.includes(table));
    expect(added).to.include.members(['client_users', 'client_sessions', 'portal_owned_tables']);
    expect(added.filter((table) => table.startsWith('llx_'))).to.deep.equal([]);
    expect(await schemaSnapshot(db, hostTables)).to.equal(shapeBefore);
    expect(await dumpHostSchema(host.database.url)).to.equal(dumpBefore);
    expect(await rowsSnapshot(db, hostTables)).to.deep.equal(rowsBefore);

    await portal.rollback();
    expect(await schemaSnapshot(db, hostTables)).to.equal(shapeBefore);
    expect(await dumpHostSchema(host.database.url)).to.equal(dumpBefore);
    expect(await rowsSnapshot(db, hostTables)).to.deep.equal(rowsBefore);
    const left = (await publicTables(db)).filter((table) => !hostTables.includes(table));
    expect(left.sort()).to.deep.equal(['portal_knex_migrations', 'portal_knex_migrations_lock']);
  });
});
