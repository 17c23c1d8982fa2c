// Several reads in one statement, so a page that shows a little of many lists (the portal's
// dashboard) costs one round trip instead of one per list. Each read becomes one column: a list as
// a JSON array of its rows, in the list's own order; a one-row read as a JSON object. JSON carries
// text, numbers, booleans and nulls as the rows' own types do, but timestamps as text: the caller
// names its timestamp columns and gets Dates back, as the read on its own would give.
import type { Knex } from 'knex';
import type { Db } from './db.ts';

export interface TogetherRead {
  /** The column it comes back in: a plain lower-case name. */
  name: string;
  query: Knex.QueryBuilder | Knex.Raw;
  shape: 'rows' | 'row';
  /** Columns of timestamp type, turned back into Dates. */
  timestamps?: readonly string[];
}

const NAME = /^[a-z_]+$/;

export async function readTogether(db: Db, reads: readonly TogetherRead[]): Promise<Record<string, unknown>> {
  if (reads.length === 0) return {};
  const columns = reads.map((read) => {
    if (!NAME.test(read.name)) throw new Error(`readTogether: "${read.name}" is no plain column name`);
    return read.shape === 'rows'
      ? `(select coalesce(json_agg(q), '[]'::json) from ? q) as ${read.name}`
      : `(select row_to_json(q) from ? q) as ${read.name}`;
  });
  // Knex puts a query builder in parentheses, a raw statement not: each gets its own pair.
  const result = await db.raw(`select ${columns.join(', ')}`, reads.map((read) => db.raw('(?)', [read.query])));
  const row = (result.rows as Array<Record<string, unknown>>)[0]!;
  return Object.fromEntries(reads.map((read) => [read.name, revive(row[read.name], read.timestamps ?? [])]));
}

function revive(value: unknown, timestamps: readonly string[]): unknown {
  if (timestamps.length === 0 || value === null) return value;
  const one = (record: Record<string, unknown>) => {
    for (const column of timestamps) {
      const text = record[column];
      if (typeof text === 'string') record[column] = new Date(text);
    }
    return record;
  };
  return Array.isArray(value) ? value.map(one) : one(value as Record<string, unknown>);
}
