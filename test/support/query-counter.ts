// Counts the SQL round trips an HTTP request costs: every query knex sends (its `query` event,
// transactions' BEGIN and COMMIT included) and every query on the session store's pool
// (connect-pg-simple talks to pg directly). Used by the query-budget tests.
import type { Knex } from 'knex';
import type pg from 'pg';
import { backgroundWorker, trackBackgroundWork } from '../../src/core/ops/background.ts';

// Marked from the moment this module loads (before any test boots an app), so no background work
// already under way when a budget is measured goes unmarked.
trackBackgroundWork();

export interface CountedQueries {
  count: number;
  /** The statements, in order, so a failing budget shows what ran. */
  sql: string[];
}

export interface QueryCounter {
  /** Runs `action` and returns what it cost; queries still running from before are not counted. */
  measure(action: () => Promise<unknown>): Promise<CountedQueries>;
  stop(): void;
}

export function countQueries(target: { db: Knex; sessionPool: pg.Pool }): QueryCounter {
  let recording: string[] | null = null;
  // The portal's own background work (mail outbox, notification emails, housekeeping) runs on
  // timers that may fire during a measurement; it is not the request's cost.
  const onKnexQuery = (query: { sql: string }) => {
    if (!backgroundWorker()) recording?.push(query.sql);
  };
  target.db.on('query', onKnexQuery);

  const pool = target.sessionPool as unknown as { query: (...args: unknown[]) => unknown };
  const original = pool.query;
  pool.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    recording?.push(typeof first === 'string' ? first : String((first as { text?: string } | undefined)?.text ?? first));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };

  return {
    async measure(action) {
      const sql: string[] = [];
      recording = sql;
      try {
        await action();
      } finally {
        recording = null;
      }
      return { count: sql.length, sql };
    },
    stop() {
      target.db.off('query', onKnexQuery);
      pool.query = original;
    },
  };
}

/** A readable failure message: the budget, the count and every statement. */
export function describeQueries(what: string, counted: CountedQueries): string {
  return `${what}: ${counted.count} queries\n${counted.sql.map((sql, i) => `  ${i + 1}. ${sql.replace(/\s+/g, ' ').slice(0, 160)}`).join('\n')}`;
}
