// Hot reads sent straight to a connection of the knex pool, below knex's query building. On every
// request knex turns a statement's `?` into `$1…` with a regular expression over its whole text and
// walks its raw bindings again; for the portal's dashboard read, a text of a few kilobytes, and the
// contact read of every signed-in page, that is work done again and again for texts that never
// change. A read written once in PostgreSQL's own `$1` form skips it: it is sent through knex's own
// runner for the connection (`_query`), so it is still a named (prepared) statement where the pool
// names its reads, runs inside the transaction it is given, and is counted wherever pg sends it.
import type { Db } from './db.ts';

interface KnexClientInside {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
  _query(connection: unknown, query: { sql: string; bindings: readonly unknown[] }): Promise<{ response: { rows: unknown[] } }>;
}

/** The rows of `text` (placeholders `$1`, `$2`, …) with `values`, on `db`'s pool or inside its transaction. */
export async function readBelowKnex<Row>(db: Db, text: string, values: readonly unknown[]): Promise<Row[]> {
  const client = db.client as unknown as KnexClientInside;
  const connection = await client.acquireConnection();
  try {
    return (await client._query(connection, { sql: text, bindings: values })).response.rows as Row[];
  } finally {
    await client.releaseConnection(connection);
  }
}

/**
 * A statement in knex's raw form (each `?` a value, none a name) in PostgreSQL's (`$1`, `$2`, …);
 * undefined for a text whose `?` are not all values, where the two forms could differ.
 */
export function positioned(sql: string, valueCount: number): string | undefined {
  if (sql.includes('??') || (sql.match(/\?/g) ?? []).length !== valueCount) return undefined;
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
