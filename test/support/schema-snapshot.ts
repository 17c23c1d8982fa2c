// A textual snapshot of a set of tables' shape from information_schema and pg_catalog: columns,
// types, defaults, nullability, constraints and indexes. Two equal snapshots mean the same shape.
import type { Knex } from 'knex';

export async function schemaSnapshot(db: Knex, tables: string[]): Promise<string> {
  const columns = await db.raw(
    `select table_name, column_name, data_type, is_nullable, column_default, character_maximum_length, numeric_precision, numeric_scale
       from information_schema.columns
      where table_schema = 'public' and table_name = any(?)
      order by table_name, ordinal_position`,
    [tables],
  );
  const constraints = await db.raw(
    `select c.conrelid::regclass::text as table_name, c.conname, pg_get_constraintdef(c.oid) as definition
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where n.nspname = 'public' and c.conrelid::regclass::text = any(?)
      order by 1, 2`,
    [tables],
  );
  const indexes = await db.raw(
    `select tablename, indexname, indexdef from pg_indexes
      where schemaname = 'public' and tablename = any(?) order by 1, 2`,
    [tables],
  );
  const triggers = await db.raw(
    `select event_object_table, trigger_name, action_statement from information_schema.triggers
      where trigger_schema = 'public' and event_object_table = any(?) order by 1, 2`,
    [tables],
  );
  return JSON.stringify({ columns: columns.rows, constraints: constraints.rows, indexes: indexes.rows, triggers: triggers.rows }, null, 1);
}

export async function publicTables(db: Knex): Promise<string[]> {
  const result = await db.raw(`select table_name from information_schema.tables where table_schema = 'public' order by 1`);
  return result.rows.map((row: { table_name: string }) => row.table_name);
}
