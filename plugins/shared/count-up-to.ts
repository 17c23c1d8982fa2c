// A count the dashboard shows, read the way every binding reads it: at most the rows it can show
// (SUMMARY_COUNT_LIMIT and one more), however many there are.
import type { Knex } from 'knex';

/**
 * How many of a client's newest records a count reads live in the host where the portal keeps the
 * rest as the host's news pass last scanned them (a Dolibarr company's kept tickets, an Alga
 * client's listed quotes and kept tickets). A client with a few has its counts right at once after
 * whatever the host did to them; past these, a heap of thousands counts as the scan left it, right
 * within the news pass's interval, as the kept dashboard is. The client's own acts through the
 * portal note the kept row in their transaction: right at once either way.
 */
export const COUNTED_LIVE = 100;

/** A count's limit, checked to be a positive integer: it is written into the statement's text. */
export function countLimitOf(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`countLimit must be a positive integer, not ${limit}`);
  return limit;
}

/**
 * How many rows `rows` selects, up to countLimit, as a subquery of one column, `n`: at most that
 * many rows are read and none is fetched. The limit is written into the text, as every LIMIT the
 * portal sends.
 */
export function countUpTo(db: Knex, rows: Knex.QueryBuilder, countLimit: number): Knex.QueryBuilder {
  return db
    .from(rows.clear('select').select(db.raw('1')).limit(countLimitOf(countLimit)).as('counted'))
    .select(db.raw('count(*)::int as n'));
}
