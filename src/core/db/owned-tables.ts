// The registry of tables the portal created. Migrations create a table only when it is missing and
// record it here; rollback drops only what is recorded, newest first. A host table with the same
// name is therefore kept, never dropped.
import type { Knex } from 'knex';

const OWNED_TABLES = 'portal_owned_tables';

// Catalog lookups in the current schema, as knex's hasTable and hasColumn answer, without their
// information_schema views: those check every column's privileges and cost 10 to 20 ms a call
// beside a host of hundreds of tables, and the migrations ask hundreds of times.
async function tableExists(knex: Knex, table: string): Promise<boolean> {
  const result = await knex.raw<{ rows: Array<{ found: boolean }> }>(
    "select to_regclass(format('%I.%I', current_schema(), ?::text)) is not null as found",
    [table],
  );
  return result.rows[0]?.found === true;
}

async function columnExists(knex: Knex, table: string, column: string): Promise<boolean> {
  const result = await knex.raw<{ rows: Array<{ found: boolean }> }>(
    `select exists (
       select 1 from pg_attribute
       where attrelid = to_regclass(format('%I.%I', current_schema(), ?::text)) and attname = ? and attnum > 0 and not attisdropped
     ) as found`,
    [table, column],
  );
  return result.rows[0]?.found === true;
}

export async function ensureOwnedTablesRegistry(knex: Knex): Promise<void> {
  if (await tableExists(knex, OWNED_TABLES)) return;
  await knex.schema.createTable(OWNED_TABLES, (t) => {
    t.comment('Tables created by the client portal migrations; rollback drops only these.');
    t.increments('seq').comment('Creation order; rollback walks it backwards so dependants go first.');
    t.string('table_name', 128).notNullable().unique();
    t.string('migration', 200).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function createOwnedTable(
  knex: Knex,
  migration: string,
  table: string,
  build: (t: Knex.CreateTableBuilder) => void,
): Promise<boolean> {
  if (await tableExists(knex, table)) return false;
  await knex.schema.createTable(table, build);
  await knex(OWNED_TABLES).insert({ table_name: table, migration });
  return true;
}

export async function dropOwnedTables(knex: Knex, migration: string): Promise<void> {
  const rows: Array<{ table_name: string }> = await knex(OWNED_TABLES).where({ migration }).orderBy('seq', 'desc').select('table_name');
  for (const { table_name } of rows) {
    await knex.schema.dropTableIfExists(table_name);
  }
  await knex(OWNED_TABLES).where({ migration }).delete();
  const left = await knex(OWNED_TABLES).count<{ count: number }[]>({ count: '*' });
  if (Number(left[0]?.count ?? 0) === 0) await knex.schema.dropTableIfExists(OWNED_TABLES);
}

/** True when the portal created this table (so it may add columns to it). */
async function ownsTable(knex: Knex, table: string): Promise<boolean> {
  if (!(await tableExists(knex, OWNED_TABLES))) return false;
  return Boolean(await knex(OWNED_TABLES).where({ table_name: table }).first('table_name'));
}

/**
 * Adds columns to a table the portal owns. A table the portal did not create (a host table that
 * shares the name) is never altered; columns already there are left as they are.
 */
export async function addOwnedColumns(
  knex: Knex,
  table: string,
  columns: Record<string, (t: Knex.AlterTableBuilder) => void>,
): Promise<void> {
  if (!(await ownsTable(knex, table))) return;
  for (const [column, add] of Object.entries(columns)) {
    if (!(await columnExists(knex, table, column))) await knex.schema.alterTable(table, add);
  }
}

/** Drops columns addOwnedColumns added, on a table the portal owns. */
export async function dropOwnedColumns(knex: Knex, table: string, columns: string[]): Promise<void> {
  if (!(await ownsTable(knex, table))) return;
  for (const column of columns) {
    if (await columnExists(knex, table, column)) await knex.schema.alterTable(table, (t) => t.dropColumn(column));
  }
}

/**
 * Runs index DDL (`create index if not exists …`, `drop index if exists …`) on a table the portal
 * owns; a host table that shares the name gets no index from the portal and loses none.
 */
export async function onOwnedTable(knex: Knex, table: string, ...statements: string[]): Promise<void> {
  if (!(await ownsTable(knex, table))) return;
  for (const statement of statements) await knex.raw(statement);
}
