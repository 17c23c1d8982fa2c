// What `check` reads of the live database, read-only: the status values a concept's rows hold,
// whether a concept's joins repeat its rows, and which settings the file reads have no row.
import type { Knex } from 'knex';
import type { Join, SettingsSource, Value, Where } from '../format.ts';
import { and, raw, Scope, sql } from '../sql.ts';

interface Inspected {
  table: string;
  key: string;
  joins?: Join[] | undefined;
  where?: Where | undefined;
}

/** The status values the concept's rows hold (every workspace), most rows first, up to 100. */
export async function statusValues(db: Knex, concept: Inspected, status: Value): Promise<Array<{ value: string | null; rows: number }>> {
  const scope = new Scope(concept.table, concept.joins ?? []);
  const value = scope.text(status);
  return (await db
    .queryBuilder()
    .from(raw(db, scope.from()))
    .whereRaw(raw(db, scope.where(concept.where)))
    .groupByRaw('1')
    .orderByRaw('2 desc, 1')
    .limit(100)
    .select(db.raw(`${value.sql} as value`, value.bindings as Knex.RawBinding[]), db.raw('count(*)::int as rows'))) as Array<{
    value: string | null;
    rows: number;
  }>;
}

/** How many rows the concept's statement gives and how many records they are, over the first 100,000. */
export async function joinedRows(db: Knex, concept: Inspected): Promise<{ rows: number; records: number }> {
  const scope = new Scope(concept.table, concept.joins ?? []);
  const key = scope.column(concept.key);
  const sample = db
    .queryBuilder()
    .from(raw(db, scope.from()))
    .whereRaw(raw(db, scope.where(concept.where)))
    .limit(100_000)
    .select(db.raw(`${key.sql} as k`));
  const [row] = (await db
    .from(sample.as('s'))
    .select(db.raw('count(*)::int as rows'), db.raw('count(distinct k)::int as records'))) as Array<{
    rows: number;
    records: number;
  }>;
  return row ?? { rows: 0, records: 0 };
}

/**
 * Whether the statement is one PostgreSQL accepts on this database (its tables, columns and types),
 * prepared and dropped in a transaction that is rolled back: nothing runs. The error's message, or null.
 */
export async function prepareError(db: Knex, name: string, sql: string): Promise<string | null> {
  let index = 0;
  // knex's `?` placeholders as PostgreSQL's $n, and its escaped `\?` back to a literal `?`.
  const native = sql.replace(/\\\?|\?/g, (match) => (match === '?' ? `$${++index}` : '?'));
  const rolledBack = new Error('rolled back');
  try {
    await db.transaction(async (trx) => {
      await trx.raw(`prepare ${name} as ${native.replace(/\?/g, '\\?')}`);
      await trx.raw(`deallocate ${name}`);
      throw rolledBack;
    });
    return null;
  } catch (err) {
    if (err === rolledBack) return null;
    const message = (err as Error).message;
    return message.startsWith('prepare') ? message.split(' - ').slice(1).join(' - ') || message : message;
  }
}

/** The key columns of each index on a table, in their order (expression parts as null). */
export async function indexColumns(db: Knex, table: string): Promise<Array<Array<string | null>>> {
  const rows = (await db.raw(
    `select i.indexrelid::regclass::text as name, array_agg(a.attname::text order by k.n) as columns
       from pg_index i
       cross join lateral unnest(i.indkey) with ordinality as k(attnum, n)
       left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum and k.attnum > 0
      where i.indrelid = to_regclass(?)
        and k.n <= i.indnkeyatts
      group by i.indexrelid`,
    [table],
  )) as { rows: Array<{ name: string; columns: Array<string | null> }> };
  return rows.rows.map((row) => row.columns);
}

/** Each index on a table: its method and, per key part, the column or expression as PostgreSQL prints it and its operator class. */
export async function indexParts(
  db: Knex,
  table: string,
): Promise<Array<{ method: string; parts: Array<{ definition: string; opclass: string }> }>> {
  const rows = (await db.raw(
    `select am.amname::text as method,
            array_agg(pg_get_indexdef(i.indexrelid, k.n::int, true) order by k.n) as definitions,
            array_agg(oc.opcname::text order by k.n) as opclasses
       from pg_index i
       join pg_class ic on ic.oid = i.indexrelid
       join pg_am am on am.oid = ic.relam
       cross join lateral unnest(i.indkey::int2[], i.indclass::oid[]) with ordinality as k(attnum, opclass, n)
       join pg_opclass oc on oc.oid = k.opclass
      where i.indrelid = to_regclass(?)
        and k.n <= i.indnkeyatts
      group by i.indexrelid, am.amname`,
    [table],
  )) as { rows: Array<{ method: string; definitions: string[]; opclasses: string[] }> };
  return rows.rows.map((row) => ({
    method: row.method,
    parts: row.definitions.map((definition, i) => ({ definition, opclass: row.opclasses[i]! })),
  }));
}

/** The settings among `names` the workspace has no row for (its own, or one shared by every workspace). */
export async function unsetSettings(db: Knex, settings: SettingsSource, names: string[], workspaceId: string): Promise<string[]> {
  if (names.length === 0) return [];
  const scope = new Scope(settings.table);
  const name = scope.column(settings.name);
  const parts = [sql(`${name.sql} in (${names.map(() => '?').join(', ')})`, names)];
  if (settings.workspace !== undefined) {
    const owner = scope.column(settings.workspace);
    const owners = [workspaceId, ...(settings.shared ?? []).map(String)];
    parts.push(sql(`${owner.sql} in (${owners.map(() => '?').join(', ')})`, owners));
  }
  const found = (await db
    .queryBuilder()
    .from(raw(db, scope.from()))
    .whereRaw(raw(db, and(parts)))
    .distinct(db.raw(`${name.sql}::text as name`))) as Array<{ name: string }>;
  const set = new Set(found.map((row) => row.name));
  return names.filter((n) => !set.has(n));
}
