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
