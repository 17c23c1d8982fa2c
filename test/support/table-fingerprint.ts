// A cheap fingerprint of every table in the database (the host's and the portal's): its row count
// and the newest row version (max xmin), so any insert, update or delete changes it, whether or not
// the table has an updated_at. Tests take one before and after a request that must write nothing.
import type { Knex } from 'knex';

export type TableFingerprint = Record<string, string>;

/**
 * The query reading the fingerprint of every base table of the public schema, built once (the
 * tables do not change during a test) so each fingerprint is one statement.
 */
export async function fingerprintReader(db: Knex, options: { ignore?: string[] } = {}): Promise<() => Promise<TableFingerprint>> {
  const ignored = new Set(options.ignore ?? []);
  const rows = (await db('information_schema.tables')
    .where({ table_schema: 'public', table_type: 'BASE TABLE' })
    .orderBy('table_name')
    .select('table_name')) as Array<{ table_name: string }>;
  const tables = rows.map((row) => row.table_name).filter((name) => !ignored.has(name));
  const sql = tables
    .map((name) => `select '${name}' as t, count(*)::text || '/' || coalesce(max(xmin::text::bigint), 0)::text as f from "${name}"`)
    .join(' union all ');
  // Without parallel workers: PostgreSQL plans this union of a hundred small aggregates as a Gather
  // (its cost passes parallel_setup_cost), and each worker then opens every table again; on two
  // cores a fingerprint took 100–130 ms that way instead of a few.
  return async () => {
    const result = (await db.transaction(async (trx) => {
      await trx.raw('set local max_parallel_workers_per_gather = 0');
      return trx.raw(sql);
    })) as { rows: Array<{ t: string; f: string }> };
    return Object.fromEntries(result.rows.map((row) => [row.t, row.f]));
  };
}

/** The tables whose fingerprints differ, with before → after. */
export function changedTables(before: TableFingerprint, after: TableFingerprint): string[] {
  return Object.keys({ ...before, ...after })
    .filter((name) => before[name] !== after[name])
    .map((name) => `${name}: ${before[name]} → ${after[name]}`);
}
