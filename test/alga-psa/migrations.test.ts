// Covers the portal's migrations on a real Alga PSA database: Alga's own tables (every table of
// its schema, and its pgboss schema) keep their exact shape, by the information_schema snapshot
// and by `pg_dump --schema-only` of everything but the portal's own tables, and their rows,
// through the portal's migrate and its rollback; the rollback leaves only knex's own bookkeeping
// tables behind. The adapter's claims hold against the schema when the portal starts.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { findClaimProblems } from '../../src/portal.ts';
import type { CustomerPortal } from '../../src/portal.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { publicTables, schemaSnapshot } from '../support/schema-snapshot.ts';
import { portalBesideAlga, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';

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

/** The sequences owned by these tables' columns (serial ids), which pg_dump lists apart from their tables. */
async function ownedSequences(db: Knex, tables: string[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const result = await db.raw(
    `select s.relname as name from pg_class s join pg_depend d on d.objid = s.oid and d.deptype = 'a'
       join pg_class t on t.oid = d.refobjid join pg_namespace n on n.oid = t.relnamespace
      where s.relkind = 'S' and n.nspname = 'public' and t.relname = any(?)`,
    [tables],
  );
  return (result.rows as Array<{ name: string }>).map((row) => row.name);
}

/** pg_dump's DDL for the whole database but the named (portal) tables and their sequences: Alga's tables, pgboss, functions, triggers, types. */
async function dumpHostSchema(db: Knex, url: string, portalTables: string[]): Promise<string> {
  const excluded = [...portalTables, ...(await ownedSequences(db, portalTables))].map((table) => `--exclude-table=public.${table}`);
  const { stdout } = await run('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', ...excluded, url], {
    maxBuffer: 128 * 1024 * 1024,
  });
  // Newer pg_dump releases fence the script with \restrict / \unrestrict and a random key per run.
  return stdout.replace(/^\\(un)?restrict .*$/gm, '');
}

const reason = unavailable();

describe("alga-psa host: the portal's migrations leave Alga's schema and rows as they were", function () {
  this.timeout(300_000);
  let host: AlgaHost;
  let running: PortalOnHost;
  let portal: CustomerPortal;

  before(async function () {
    if (reason) this.skip();
    host = await startAlgaHost();
    ({ running } = await portalBesideAlga(host));
    portal = running.portal;
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('claims only what the real schema has', async function () {
    expect(await findClaimProblems(host.db, host.adapter())).to.deep.equal([]);
  });

  it('migrates and rolls back without touching a single Alga table', async function () {
    const { db } = host;
    const hostTables = await publicTables(db);
    expect(hostTables.length).to.be.greaterThan(400);
    const shapeBefore = await schemaSnapshot(db, hostTables);
    const dumpBefore = await dumpHostSchema(db, host.database.url, []);
    const rowsBefore = await rowsSnapshot(db, hostTables);

    await portal.migrate();
    const added = (await publicTables(db)).filter((table) => !hostTables.includes(table));
    expect(added).to.include.members(['client_users', 'client_sessions', 'portal_owned_tables']);
    expect(await schemaSnapshot(db, hostTables)).to.equal(shapeBefore);
    expect(await dumpHostSchema(db, host.database.url, added)).to.equal(dumpBefore);
    expect(await rowsSnapshot(db, hostTables)).to.deep.equal(rowsBefore);

    await portal.rollback();
    const left = (await publicTables(db)).filter((table) => !hostTables.includes(table));
    expect(left.sort()).to.deep.equal(['portal_knex_migrations', 'portal_knex_migrations_lock']);
    expect(await schemaSnapshot(db, hostTables)).to.equal(shapeBefore);
    expect(await dumpHostSchema(db, host.database.url, left)).to.equal(dumpBefore);
    expect(await rowsSnapshot(db, hostTables)).to.deep.equal(rowsBefore);
  });
});
