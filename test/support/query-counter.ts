// Counts the SQL statements an HTTP request costs, where they go out: every query a pg client of
// this process sends (knex's, with transactions' BEGIN and COMMIT, the session store's, the event
// bus's NOTIFY, and any read made below knex). Used by the query-budget tests.
import pg from 'pg';
import { backgroundWorker, trackBackgroundWork } from '../../src/core/ops/background.ts';
import { sentStatement } from './sent-statement.ts';

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

type QueryFn = (...args: unknown[]) => unknown;
const client = pg.Client.prototype as unknown as { query: QueryFn };
const original = client.query;
/** The measurements under way; the wrapper is in place while there is a counter. */
let recording: string[] | null = null;
let counters = 0;

function counting(this: unknown, ...args: unknown[]): unknown {
  // The portal's own background work (mail outbox, notification emails, housekeeping) runs on
  // timers that may fire during a measurement; it is not the request's cost.
  if (recording && !backgroundWorker()) {
    recording.push(sentStatement(args)?.sql ?? String(args[0]));
  }
  return original.apply(this, args);
}

/**
 * Whether a statement being sent is a request's, not the portal's background work: for tests that
 * count knex's 'query' events, which timers firing during a slow request would otherwise add to.
 */
export const sentByRequest = (): boolean => !backgroundWorker();

/** A counter of every pg client of this process: what the app under test sends while `measure` runs. */
export function countQueries(): QueryCounter {
  if (counters++ === 0) client.query = counting;
  let stopped = false;
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
      if (stopped) return;
      stopped = true;
      if (--counters === 0) client.query = original;
    },
  };
}

/** A readable failure message: the budget, the count and every statement. */
export function describeQueries(what: string, counted: CountedQueries): string {
  return `${what}: ${counted.count} queries\n${counted.sql.map((sql, i) => `  ${i + 1}. ${sql.replace(/\s+/g, ' ').slice(0, 160)}`).join('\n')}`;
}
