// Covers the portal's migrations on the second, Dolibarr-like host: they skip what the host
// already keeps (no client_comments, since the adapter claims llx_comment), and every llx_ table
// keeps its exact shape and rows through migrate, rollback and a second migrate.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { publicTables, schemaSnapshot } from '../support/schema-snapshot.ts';
import { startSecondHost, type SecondHost } from '../support/second-host-harness.ts';

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

async function ownedTables(db: Knex): Promise<string[]> {
  if (!(await db.schema.hasTable('portal_owned_tables'))) return [];
  return (await db('portal_owned_tables').orderBy('seq').select('table_name')).map((row: { table_name: string }) => row.table_name);
}

describe('second host: portal migrations', function () {
  let h: SecondHost;
  let hostTables: string[];

  beforeEach(async function () {
    h = await startSecondHost({ migrate: false });
    hostTables = (await publicTables(h.db)).filter((table) => table.startsWith('llx_'));
  });
  afterEach(async function () {
    await h?.close();
  });

  it('creates no comments table of its own and leaves every llx_ table as it was, through rollback too', async function () {
    expect(hostTables).to.include.members(['llx_socpeople', 'llx_comment', 'llx_entity', 'llx_facture']);
    const shapeBefore = await schemaSnapshot(h.db, hostTables);
    const rowsBefore = await rowsSnapshot(h.db, hostTables);

    await h.portal.migrate();
    const added = (await publicTables(h.db)).filter((table) => !hostTables.includes(table));
    expect(added).to.include.members(['client_users', 'client_sessions', 'client_login_codes', 'client_user_tokens', 'portal_owned_tables']);
    expect(added).to.not.include('client_comments');
    expect(await h.db.schema.hasTable('client_comments')).to.equal(false);
    const owned = await ownedTables(h.db);
    expect(owned).to.include('client_users');
    expect(owned).to.not.include('client_comments');
    expect(await schemaSnapshot(h.db, hostTables)).to.equal(shapeBefore);
    expect(await rowsSnapshot(h.db, hostTables)).to.deep.equal(rowsBefore);

    await h.portal.rollback();
    expect(await schemaSnapshot(h.db, hostTables)).to.equal(shapeBefore);
    expect(await rowsSnapshot(h.db, hostTables)).to.deep.equal(rowsBefore);
    const left = (await publicTables(h.db)).filter((table) => !hostTables.includes(table));
    expect(left.sort()).to.deep.equal(['portal_knex_migrations', 'portal_knex_migrations_lock']);
  });

  it('migrates again after a rollback, still without a comments table', async function () {
    await h.portal.migrate();
    await h.portal.rollback();
    await h.portal.migrate();
    expect(await h.db.schema.hasTable('client_users')).to.equal(true);
    expect(await h.db.schema.hasTable('client_comments')).to.equal(false);
    expect(await ownedTables(h.db)).to.not.include('client_comments');
  });

  it('leaves host rows alone while clients sign in: only the portal\'s own tables gain rows', async function () {
    await h.portal.migrate();
    const before = await rowsSnapshot(h.db, hostTables);
    const workspace = (await h.adapter.workspaces.findBySlug('atelier-nord'))!;
    const result = await h.portal.auth.signInWithPassword(workspace, 'claire@martin.example', 'Claire-bakery-2026', { ip: '127.0.0.1', userAgent: 'test' });
    expect(result.ok).to.equal(true);
    expect(await rowsSnapshot(h.db, hostTables)).to.deep.equal(before);
  });
});
