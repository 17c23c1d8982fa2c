// One pg client, one READ ONLY transaction, rolled back at the end. The whole audit runs inside it,
// so even a bug in a query cannot change the host: PostgreSQL rejects any write in a read-only
// transaction. A single client (not a pool) also keeps the catalog snapshot consistent.
import pg from 'pg';
import { AuditError, redactUrl } from '../errors.ts';

export interface ReadOnlySession {
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * Runs a query that may fail for reasons that must not end the audit (a table the role may not
   * SELECT from): inside a savepoint, so a failure leaves the transaction usable. Null on failure.
   */
  tryQuery<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[] | null>;
  /** How many statements went to the server, for the benchmark and the report metadata. */
  readonly queryCount: number;
}

export interface SessionOutcome<T> {
  result: T;
  queryCount: number;
  /** True when the transaction never got a transaction id, i.e. it wrote nothing at all. */
  wroteNothing: boolean;
}

const CONNECT_TIMEOUT_MS = 8000;

export async function withReadOnlySession<T>(
  databaseUrl: string,
  work: (session: ReadOnlySession) => Promise<T>,
): Promise<SessionOutcome<T>> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // Without a listener a dropped connection would crash the process with an unhandled 'error'.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw describeConnectionError(error, databaseUrl);
  }

  let queryCount = 0;
  let savepoints = 0;
  const session: ReadOnlySession = {
    async query(sql, params) {
      queryCount += 1;
      const result = await client.query(sql, params);
      return result.rows;
    },
    async tryQuery(sql, params) {
      const name = `audit_sample_${++savepoints}`;
      await session.query(`savepoint ${name}`);
      try {
        const rows = await session.query(sql, params);
        await session.query(`release savepoint ${name}`);
        return rows as never;
      } catch {
        await session.query(`rollback to savepoint ${name}`);
        return null;
      }
    },
    get queryCount() {
      return queryCount;
    },
  };

  try {
    // REPEATABLE READ: every catalog query sees the same snapshot even if migrations run meanwhile.
    await session.query('BEGIN TRANSACTION READ ONLY ISOLATION LEVEL REPEATABLE READ');
    // The audit never waits behind a migration's lock, and never runs away on a huge catalog.
    await session.query("set local lock_timeout = '5s'");
    await session.query("set local statement_timeout = '60s'");
    const result = await work(session);
    // An xid is assigned at the first write; none means this transaction changed nothing.
    const [xact] = await session.query<{ xid: string | null }>('select pg_current_xact_id_if_assigned()::text as xid');
    return { result, queryCount, wroteNothing: xact?.xid == null };
  } catch (error) {
    throw describeQueryError(error);
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end().catch(() => {});
  }
}

interface PgLikeError {
  code?: string;
  message?: string;
  errno?: number;
  address?: string;
  port?: number;
}

function describeConnectionError(error: unknown, databaseUrl: string): AuditError {
  const e = (error ?? {}) as PgLikeError;
  const where = describeTarget(databaseUrl);
  switch (e.code) {
    case 'ECONNREFUSED':
      return new AuditError(`Cannot connect to the database at ${where}: connection refused.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new AuditError(`Cannot connect to the database at ${where}: host not found.`);
    case 'ETIMEDOUT':
      return new AuditError(`Cannot connect to the database at ${where}: timed out.`);
    case '28P01':
    case '28000':
      return new AuditError(`The database at ${where} refused the login: ${oneLine(e.message)}.`);
    case '3D000':
      return new AuditError(`Cannot open the database at ${where}: ${oneLine(e.message)}.`);
    case '42501':
      return new AuditError(`Missing permission on the database at ${where}: ${oneLine(e.message)}.`);
    default:
      if (/timeout/i.test(e.message ?? '')) return new AuditError(`Cannot connect to the database at ${where}: timed out.`);
      return new AuditError(`Cannot connect to the database at ${where}: ${oneLine(e.message ?? String(error))}.`);
  }
}

function describeQueryError(error: unknown): Error {
  if (error instanceof AuditError) return error;
  const e = (error ?? {}) as PgLikeError;
  if (e.code === '42501') return new AuditError(`Missing permission while reading the catalog: ${oneLine(e.message)}.`);
  if (e.code === '57014') return new AuditError('Reading the catalog took too long and was cancelled (statement timeout).');
  if (e.code === '55P03') return new AuditError('The catalog is locked by another session (a migration running?); try again.');
  if (e.code) return new AuditError(`The database answered with an error (${e.code}): ${oneLine(e.message)}.`);
  if (e.message && /Connection terminated|ECONNRESET/i.test(e.message)) {
    return new AuditError(`The database closed the connection during the audit: ${oneLine(e.message)}.`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

function describeTarget(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    const user = decodeURIComponent(url.username || 'default user');
    return `${url.hostname}:${url.port || '5432'}${url.pathname} as ${user}`;
  } catch {
    return redactUrl(databaseUrl);
  }
}

function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}
