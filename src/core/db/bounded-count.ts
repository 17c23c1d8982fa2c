// Counts shown as a badge on every staff page (unread notifications, unread client messages) stop
// at COUNT_LIMIT: a badge says "99+" past that, and counting every row would make each page slower
// as a workspace's log and messages grow, on every request, whether anyone reads the number or not.
import type { Knex } from 'knex';

export const COUNT_LIMIT = 100;

/** How many rows `rows` selects, up to COUNT_LIMIT (the rows are never fetched, only counted). */
export async function boundedCount(db: Knex | Knex.Transaction, rows: Knex.QueryBuilder): Promise<number> {
  const row = await db
    .from(rows.clear('select').select(db.raw('1')).limit(COUNT_LIMIT).as('bounded'))
    .first<{ count: number }>(db.raw('count(*)::int as count'));
  return Number(row?.count ?? 0);
}

/** A bounded count as a badge shows it: "99+" once it reached the limit. */
export function countText(count: number): string {
  return count >= COUNT_LIMIT ? `${COUNT_LIMIT - 1}+` : String(count);
}
