// The portal's schema against the rules Citus sets for distributing it (src/core/db/distribution.ts),
// and the reference CRM's against its own plan (plugins/reference-crm/migrations/distribution.ts),
// read from the catalog after migrate on plain PostgreSQL (or the embedded engine): every table has
// a placement; a table distributed by workspace has workspace_id, in its primary key, in
// every unique constraint or index and in every foreign key to another such table, and no foreign
// key with workspace_id sets it null on delete; a table distributed by its own key has that key in
// its primary key and unique constraints.
//
// A migration that adds a table without a placement, a key without workspace_id, or a foreign key
// Citus cannot keep, fails here on plain PostgreSQL, before it could fail on a cluster: the rules
// are test/support/distribution-rules.ts, which the Citus stage applies as well.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { migratePortal } from '../../src/migrations/index.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { TABLE_PLACEMENT } from '../../src/core/db/distribution.ts';
import { CRM_DISTRIBUTION } from '../../plugins/reference-crm/migrations/distribution.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type Constraint, placementViolations, readCatalog, type SchemaCatalog } from '../support/distribution-rules.ts';
import { publicTables } from '../support/schema-snapshot.ts';

describe('the portal schema against the rules for distributing it by workspace', function () {
  let database: TestDatabase;
  let db: Knex;
  let hostTables: string[];
  let portalTables: string[];
  let catalog: SchemaCatalog;

  before(async function () {
    database = await createTestDatabase();
    db = createKnex(database.url);
    await migrateReferenceCrm(db);
    hostTables = await publicTables(db);
    await migratePortal(db);
    portalTables = (await publicTables(db)).filter((table) => !hostTables.includes(table));
    catalog = await readCatalog(db, []);
  });

  after(async function () {
    await db?.destroy();
    await database?.drop();
  });

  it('decides a placement for every table the portal creates, and for none it does not', function () {
    expect(portalTables.length).to.be.greaterThan(30);
    expect(portalTables.filter((table) => !TABLE_PLACEMENT[table])).to.deep.equal([]);
    expect(Object.keys(TABLE_PLACEMENT).filter((table) => !portalTables.includes(table))).to.deep.equal([]);
  });

  it('breaks none of the rules its placement brings, on any table', function () {
    expect(placementViolations({ ...catalog, tables: portalTables }, TABLE_PLACEMENT)).to.deep.equal([]);
  });

  it("holds the reference CRM's tables to its own plan: a placement each, workspace_id in every key between its workspace tables", function () {
    expect(hostTables.filter((table) => !CRM_DISTRIBUTION.tables[table])).to.deep.equal([]);
    expect(Object.keys(CRM_DISTRIBUTION.tables).filter((table) => !hostTables.includes(table))).to.deep.equal([]);
    expect(placementViolations({ ...catalog, tables: hostTables }, CRM_DISTRIBUTION.tables)).to.deep.equal([]);
    const withWorkspace = hostTables.filter((table) => catalog.columns.get(table)?.has('workspace_id'));
    expect(withWorkspace.filter((table) => CRM_DISTRIBUTION.tables[table]?.kind !== 'by-workspace')).to.deep.equal([]);
  });

  it('finds what it checks: a table, a key and a foreign key that break the rules are named', function () {
    const catalogOf = (columns: Record<string, string[]>, constraints: Constraint[]): SchemaCatalog => ({
      tables: Object.keys(columns),
      columns: new Map(Object.entries(columns).map(([table, names]) => [table, new Set(names)])),
      constraints,
    });
    const undecided = catalogOf({ t_ok: ['workspace_id', 'id'], portal_undecided: ['id'] }, [
      { table: 't_ok', type: 'p', columns: ['workspace_id', 'id'], references: null },
    ]);
    expect(placementViolations(undecided, TABLE_PLACEMENT)).to.deep.equal([
      'portal_undecided: no placement decided',
      't_ok: no placement decided',
    ]);
    const keys = catalogOf({ portal_messages: ['id', 'conversation_id'] }, [
      { table: 'portal_messages', type: 'p', columns: ['id'], references: null },
      { table: 'portal_messages', type: 'u', columns: ['conversation_id'], references: null },
      { table: 'portal_messages', type: 'f', columns: ['conversation_id'], references: 'portal_conversations' },
    ]);
    expect(placementViolations(keys, TABLE_PLACEMENT)).to.deep.equal([
      'portal_messages: foreign key (conversation_id) → portal_conversations without workspace_id',
      'portal_messages: no workspace_id column',
      'portal_messages: primary key (id) without workspace_id',
      'portal_messages: unique (conversation_id) without workspace_id',
    ]);
    // Keys Citus refuses however the columns are named: to or from a table kept on the coordinator,
    // and between tables sharded by different columns.
    const plan = {
      t_workspace: { kind: 'by-workspace' },
      t_host: { kind: 'by-own-key', column: 'hostname', why: 'read by host name alone' },
      t_queue: { kind: 'coordinator', why: 'claimed across workspaces' },
      t_ref: { kind: 'reference', why: 'small, named by everything' },
    } as const;
    const crossings = catalogOf(
      {
        t_workspace: ['workspace_id', 'id', 'hostname', 'job_id', 'ref_id'],
        t_host: ['hostname', 'workspace_id'],
        t_queue: ['id', 'workspace_id'],
        t_ref: ['id'],
      },
      [
        { table: 't_workspace', type: 'p', columns: ['workspace_id', 'id'], references: null },
        { table: 't_workspace', type: 'f', columns: ['workspace_id', 'hostname'], references: 't_host' },
        { table: 't_workspace', type: 'f', columns: ['workspace_id', 'job_id'], references: 't_queue' },
        { table: 't_workspace', type: 'f', columns: ['ref_id'], references: 't_ref' },
        // A key with the distribution column that would set it null when its row goes (ON DELETE
        // SET NULL on (workspace_id, id)), or cascade an update to it: Citus refuses both.
        { table: 't_workspace', type: 'f', columns: ['workspace_id', 'id'], references: 't_workspace', onDelete: 'n', onUpdate: 'a' },
        { table: 't_workspace', type: 'f', columns: ['workspace_id', 'ref_id'], references: 't_ref', onDelete: 'c', onUpdate: 'c' },
        { table: 't_host', type: 'p', columns: ['hostname'], references: null },
        { table: 't_queue', type: 'p', columns: ['id'], references: null },
        { table: 't_queue', type: 'f', columns: ['workspace_id', 'id'], references: 't_workspace' },
      ],
    );
    expect(placementViolations(crossings, plan)).to.deep.equal([
      't_queue: foreign key (workspace_id, id) → sharded t_workspace from a table kept whole',
      't_workspace: foreign key (workspace_id, hostname) → t_host, sharded by hostname not workspace_id',
      't_workspace: foreign key (workspace_id, id) → t_workspace sets workspace_id null on delete',
      't_workspace: foreign key (workspace_id, job_id) → t_queue, kept on the coordinator',
      't_workspace: foreign key (workspace_id, ref_id) → t_ref cascades workspace_id on update',
    ]);
  });
});
