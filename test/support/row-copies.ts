// A host's table with a heap of one row's copies in it, as an import gone wrong leaves it: what the
// tests of bounded counts seed on the real Dolibarr and Alga PSA schemas, whatever columns a row has.
import type { Knex } from 'knex';

const NAME = /^[a-z_]+$/;

/**
 * Inserts `times` copies of the row of `table` that `where` names, each with `fresh` in place of
 * some of its columns: SQL expressions over `g`, the copy's number from 1 (`'Imported ' || g`),
 * whose `?` take `freshValues` in order. Keys, numbers and anything unique go in `fresh`.
 */
export async function insertRowCopies(
  db: Knex,
  table: string,
  where: Record<string, unknown>,
  times: number,
  fresh: Record<string, string>,
  freshValues: readonly unknown[] = [],
): Promise<void> {
  for (const name of [table, ...Object.keys(where), ...Object.keys(fresh)])
    if (!NAME.test(name)) throw new Error(`insertRowCopies: "${name}" is no plain name`);
  const columns = Object.entries(fresh).map(([column, sql]) => `'${column}', ${sql}`);
  const conditions = Object.keys(where).map((column) => `r.${column} = ?`);
  await db.raw(
    `insert into ${table}
     select (jsonb_populate_record(null::${table}, to_jsonb(r) || jsonb_build_object(${columns.join(', ')}))).*
       from ${table} r, generate_series(1, ?) g where ${conditions.join(' and ')}`,
    [...freshValues, times, ...Object.values(where)] as Knex.RawBinding[],
  );
}
