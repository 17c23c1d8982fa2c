// What every query module takes: the knex instance or the transaction the caller is inside.
// Passing the transaction down matters on embedded PostgreSQL, where a query issued outside an
// open transaction waits for it forever.
import type { Knex } from 'knex';

export type Db = Knex | Knex.Transaction;

/** PostgreSQL's unique_violation, so callers can retry a generated number. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

/** Runs `work` in a transaction: a new one on a knex instance, a savepoint inside an existing one. */
export function inTransaction<T>(db: Db, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return (db as Knex).transaction(work);
}

/**
 * `column in ('sent', 'overdue')`, with the statuses written into the statement's text rather than
 * sent as parameters. The portal names its reads (src/core/db/prepared-statements.ts), and after a
 * few runs PostgreSQL plans a named statement once for any parameters: with the status a parameter
 * that plan cannot know an open state is rare, so for a client with 100,000 paid invoices the list
 * of open ones walked every one of them by date (95 ms a dashboard). Each value must be one of the
 * closed set it comes from (`allowed`, a constant of the caller), so nothing else reaches the text.
 */
export function statusInSql(column: string, values: readonly string[], allowed: readonly string[]): string {
  if (values.length === 0) return 'false';
  for (const value of values) {
    if (!allowed.includes(value) || !/^[a-z_]+$/.test(value)) throw new Error(`not a status of ${column}: ${JSON.stringify(value)}`);
  }
  return `${column} in (${values.map((value) => `'${value}'`).join(', ')})`;
}
