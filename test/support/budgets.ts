// A query budget's check, the one every budget test makes: what a request sent (counted by
// query-counter.ts, never a background timer's statements), less what `leaveOut` names, is exactly
// the budget, each statement naming its workspace (shard routing); a failure lists the statements.
import { expect } from 'chai';
import { type CountedQueries, describeQueries, type QueryCounter } from './query-counter.ts';
import { expectEachNamesItsWorkspace } from './shard-routing.ts';

/**
 * What a request's commit wakes in the request's own async context (the mail outbox's delivery,
 * the staff notifications' dispatch) and transaction control: left out where a budget counts a
 * write's own reads and writes.
 */
export const WOKEN_BY_COMMIT = /portal_mail_outbox|portal_notification_dispatch|^(BEGIN|COMMIT|ROLLBACK);?$/i;

export type ExpectBudget = (what: string, budget: number, action: () => Promise<unknown>) => Promise<CountedQueries>;

/** `expectBudget(what, budget, action)` on `counter`, leaving out the statements `leaveOut` matches. */
export function budgetCheck(counter: () => QueryCounter, leaveOut?: RegExp): ExpectBudget {
  return async (what, budget, action) => {
    const counted = await counter().measure(action);
    const sql = leaveOut ? counted.sql.filter((statement) => !leaveOut.test(statement.trim())) : counted.sql;
    const own = { count: sql.length, sql };
    expect(own.count, describeQueries(what, own)).to.equal(budget);
    expectEachNamesItsWorkspace(own.sql, what);
    return own;
  };
}
