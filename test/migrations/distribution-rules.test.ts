// The portal's schema against the rules Citus sets for distributing it (src/core/db/distribution.ts),
// and the reference CRM's against its own plan (plugins/reference-crm/migrations/distribution.ts),
// read from the catalog after migrate on plain PostgreSQL (or the embedded engine): every table has
// a placement; a table distributed by workspace has workspace_id, in its primary key, in
// every unique constraint or index and in every foreign key to another such table; a table
// distributed by its own key has that key in its primary key and unique constraints.
//
// A migration that adds a table without a placement, or a key without workspace_id, fails here on
// plain PostgreSQL, before it could fail on a cluster.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { migratePortal } from '../../migrations/index.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { type TablePlacement, TABLE_PLACEMENT } from '../../src/core/db/distribution.ts';
import { CRM_DISTRIBUTION } from '../../plugins/reference-crm/migrations/distribution.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { publicTables } from '../support/schema-snapshot.ts';

interface Constraint {
  table: string;
  type: 'p' | 'u' | 'f';
  columns: string[];
  references: string | null;
}

async function constraintsOf(db: Knex): Promise<Constraint[]> {
  const constraints = await db.raw<{ rows: Constraint[] }>(`
    select c.conrelid::regclass::text as "table", c.contype as type,
           array(select a.attname::text from unnest(c.conkey) with ordinality k(attnum, n)
                 join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.n) as columns,
           case when c.contype = 'f' then c.confrelid::regclass::text end as "references"
      from pg_constraint c
     where c.connamespace = 'public'::regnamespace and c.contype in ('p', 'u', 'f')`);
  // Unique indexes that back no constraint are unique constraints all the same.
  const indexes = await db.raw<{ rows: Constraint[] }>(`
    select t.relname::text as "table", 'u' as type,
           array(select coalesce(a.attname::text, '(expression)') from unnest(x.indkey::int2[]) with ordinality k(attnum, n)
                 left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum order by k.n) as columns,
           null as "references"
      from pg_index x
      join pg_class t on t.oid = x.indrelid
      join pg_namespace s on s.oid = t.relnamespace
     where s.nspname = 'public' and x.indisunique
       and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)`);
  return [...constraints.rows, ...indexes.rows];
}

/** Every rule a table's placement brings, broken, as one line each. */
function violations(
  tables: string[],
  columns: Map<string, Set<string>>,
  constraints: Constraint[],
  plan: Readonly<Record<string, TablePlacement>> = TABLE_PLACEMENT,
): string[] {
  const found: string[] = [];
  for (const table of tables) {
    const placement = plan[table];
    if (!placement) {
      found.push(`${table}: no placement decided`);
      continue;
    }
    if (placement.kind !== 'by-workspace' && placement.kind !== 'by-own-key') continue;
    const key = placement.kind === 'by-workspace' ? 'workspace_id' : placement.column;
    if (!columns.get(table)?.has(key)) found.push(`${table}: no ${key} column`);
    const own = constraints.filter((c) => c.table === table);
    if (!own.some((c) => c.type === 'p')) found.push(`${table}: no primary key`);
    for (const c of own) {
      const list = c.columns.join(', ');
      if (c.type === 'p' && !c.columns.includes(key)) found.push(`${table}: primary key (${list}) without ${key}`);
      if (c.type === 'u' && !c.columns.includes(key)) found.push(`${table}: unique (${list}) without ${key}`);
      const target = c.references ? plan[c.references] : undefined;
      if (c.type === 'f' && placement.kind === 'by-workspace' && target?.kind === 'by-workspace' && !c.columns.includes('workspace_id'))
        found.push(`${table}: foreign key (${list}) → ${c.references} without workspace_id`);
    }
  }
  return found.sort();
}

describe('the portal schema against the rules for distributing it by workspace', function () {
  let database: TestDatabase;
  let db: Knex;
  let hostTables: string[];
  let portalTables: string[];
  let columns: Map<string, Set<string>>;
  let constraints: Constraint[];

  before(async function () {
    database = await createTestDatabase();
    db = createKnex(database.url);
    await migrateReferenceCrm(db);
    hostTables = await publicTables(db);
    await migratePortal(db);
    portalTables = (await publicTables(db)).filter((table) => !hostTables.includes(table));
    const rows = await db('information_schema.columns').where({ table_schema: 'public' }).select('table_name', 'column_name');
    columns = new Map();
    for (const row of rows as Array<{ table_name: string; column_name: string }>) {
      if (!columns.has(row.table_name)) columns.set(row.table_name, new Set());
      columns.get(row.table_name)!.add(row.column_name);
    }
    constraints = await constraintsOf(db);
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
    expect(violations(portalTables, columns, constraints)).to.deep.equal([]);
  });

  it("holds the reference CRM's tables to its own plan: a placement each, workspace_id in every key between its workspace tables", function () {
    expect(hostTables.filter((table) => !CRM_DISTRIBUTION.tables[table])).to.deep.equal([]);
    expect(Object.keys(CRM_DISTRIBUTION.tables).filter((table) => !hostTables.includes(table))).to.deep.equal([]);
    expect(violations(hostTables, columns, constraints, CRM_DISTRIBUTION.tables)).to.deep.equal([]);
    const withWorkspace = hostTables.filter((table) => columns.get(table)?.has('workspace_id'));
    expect(withWorkspace.filter((table) => CRM_DISTRIBUTION.tables[table]?.kind !== 'by-workspace')).to.deep.equal([]);
  });

  it('finds what it checks: a table, a key and a foreign key that break the rules are named', function () {
    const made = violations(
      ['t_ok', 't_bad', 'portal_undecided'],
      new Map([
        ['t_ok', new Set(['workspace_id', 'id'])],
        ['t_bad', new Set(['id', 'parent_id'])],
      ]),
      [
        { table: 't_ok', type: 'p', columns: ['workspace_id', 'id'], references: null },
        { table: 't_bad', type: 'p', columns: ['id'], references: null },
        { table: 't_bad', type: 'u', columns: ['parent_id'], references: null },
        { table: 't_bad', type: 'f', columns: ['parent_id'], references: 't_ok' },
      ],
    );
    // t_ok and t_bad are not in the placement map: only the undecided lines, for all three.
    expect(made).to.deep.equal(['portal_undecided: no placement decided', 't_bad: no placement decided', 't_ok: no placement decided']);
    const real = violations(['portal_messages'], new Map([['portal_messages', new Set(['id', 'conversation_id'])]]), [
      { table: 'portal_messages', type: 'p', columns: ['id'], references: null },
      { table: 'portal_messages', type: 'u', columns: ['conversation_id'], references: null },
      { table: 'portal_messages', type: 'f', columns: ['conversation_id'], references: 'portal_conversations' },
    ]);
    expect(real).to.deep.equal([
      'portal_messages: foreign key (conversation_id) → portal_conversations without workspace_id',
      'portal_messages: no workspace_id column',
      'portal_messages: primary key (id) without workspace_id',
      'portal_messages: unique (conversation_id) without workspace_id',
    ]);
  });
});
