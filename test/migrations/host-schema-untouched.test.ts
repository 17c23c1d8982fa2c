// The portal's migrations are additive: the host CRM's tables have exactly the same shape before
// migrate, after migrate and after rollback; rollback removes only what the portal created, and a
// host table that happens to share a portal table's name is kept, not replaced or dropped.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createKnex } from '../../src/core/db/connect.ts';
import { migratePortal, rollbackPortal } from '../../src/migrations/index.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { publicTables, schemaSnapshot } from '../support/schema-snapshot.ts';

describe('portal migrations leave the host schema alone', function () {
  let database: TestDatabase;
  let db: Knex;

  beforeEach(async function () {
    database = await createTestDatabase();
    db = createKnex(database.url);
    await migrateReferenceCrm(db);
  });

  afterEach(async function () {
    await db.destroy();
    await database.drop();
  });

  it('keeps every host table identical through migrate and rollback', async function () {
    const hostTables = await publicTables(db);
    expect(hostTables).to.include.members(['workspaces', 'contacts', 'invoices', 'documents']);
    const before = await schemaSnapshot(db, hostTables);

    await migratePortal(db);
    const afterMigrate = await schemaSnapshot(db, hostTables);
    const portalTables = (await publicTables(db)).filter((t) => !hostTables.includes(t));
    expect(portalTables).to.include.members([
      'client_users',
      'client_sessions',
      'workspace_client_portal_settings',
      'client_activity_logs',
      'client_login_codes',
      'client_user_tokens',
      'portal_rate_limits',
      'portal_files',
      'portal_owned_tables',
    ]);
    expect(portalTables.every((t) => /^(client_|portal_|workspace_client_portal_settings)/.test(t))).to.equal(true);

    await rollbackPortal(db);
    const afterRollback = await schemaSnapshot(db, hostTables);

    expect(afterMigrate).to.equal(before);
    expect(afterRollback).to.equal(before);
    const left = (await publicTables(db)).filter((t) => !hostTables.includes(t));
    // Only knex's own bookkeeping for the portal's migrations remains.
    expect(left.sort()).to.deep.equal(['portal_knex_migrations', 'portal_knex_migrations_lock']);
  });

  // The host's own tables under names the portal uses, each unlike the portal's: the portal's
  // migrations give them no index and take none away (a portal index on sess->'portal' would not
  // even build on a host's client_sessions without that column).
  for (const table of ['client_activity_logs', 'client_sessions', 'portal_mail_outbox']) {
    it(`does not create, replace, index or drop a table the host already has under a portal name: ${table}`, async function () {
      await db.schema.createTable(table, (t) => {
        t.increments('id');
        t.string('host_note');
        t.index(['host_note'], `${table}_host_note_idx`);
      });
      await db(table).insert({ host_note: 'the host wrote this' });
      const hostTables = await publicTables(db);
      const before = await schemaSnapshot(db, hostTables);

      await migratePortal(db);
      expect(await schemaSnapshot(db, hostTables)).to.equal(before);
      await rollbackPortal(db);

      expect(await schemaSnapshot(db, hostTables)).to.equal(before);
      const rows = await db(table).select('host_note');
      expect(rows).to.deep.equal([{ host_note: 'the host wrote this' }]);
    });
  }

  it('can migrate again after a rollback', async function () {
    await migratePortal(db);
    await rollbackPortal(db);
    await migratePortal(db);
    expect(await publicTables(db)).to.include('client_users');
  });
});
