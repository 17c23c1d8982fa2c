// How many rows a piece of work made PostgreSQL fetch from given tables, by sequential and index
// scans, counted from the transaction's own statistics (pg_stat_xact_user_tables): the structural
// check that a read does not grow with a client's history, where a timing would be noise.
import type { Knex } from 'knex';

/** What `work` cost `table` in rows fetched, run in one transaction. */
export async function rowsRead<T>(
  db: Knex,
  table: string,
  work: (trx: Knex.Transaction) => Promise<T>,
): Promise<{ value: T; read: number }> {
  const { value, read } = await rowsReadPerTable(db, [table], work);
  return { value, read: read[table] ?? 0 };
}

/** What `work` cost each of `tables` in rows fetched, run in one transaction. */
export async function rowsReadPerTable<T, Table extends string>(
  db: Knex,
  tables: readonly Table[],
  work: (trx: Knex.Transaction) => Promise<T>,
): Promise<{ value: T; read: Record<Table, number> }> {
  return db.transaction(async (trx) => {
    const fetched = async () => {
      const result = await trx.raw<{ rows: Array<{ relname: string; n: string }> }>(
        `select relname, coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) as n
           from pg_stat_xact_user_tables where relname = any(?)`,
        [[...tables]],
      );
      const counts = Object.fromEntries(tables.map((table) => [table, 0])) as Record<Table, number>;
      for (const row of result.rows) counts[row.relname as Table] += Number(row.n);
      return counts;
    };
    const before = await fetched();
    const value = await work(trx);
    const after = await fetched();
    const read = Object.fromEntries(tables.map((table) => [table, after[table] - before[table]])) as Record<Table, number>;
    return { value, read };
  });
}
