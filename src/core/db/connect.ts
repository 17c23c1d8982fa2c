// Opens the database the portal runs on: the configured PostgreSQL when a URL is given, otherwise
// an embedded one, run in a process of its own so its WebAssembly memory is not the app's.
// Returns the connection URL so every pool (knex, sessions, rate limits) uses it.
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { startEmbeddedPostgresProcess } from './embedded-postgres-process.ts';
import { pgTypes } from './pg-types.ts';

export interface DatabaseConnection {
  url: string;
  mode: 'external' | 'embedded';
  close(): Promise<void>;
}

export async function openDatabase(options: {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
}): Promise<DatabaseConnection> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, mode: 'external', close: async () => {} };
  }
  const embedded = await startEmbeddedPostgresProcess(options.dataDir ? { dataDir: options.dataDir } : {});
  return { url: embedded.url, mode: 'embedded', close: () => embedded.stop() };
}

/**
 * How long a request may wait on the database before it is answered "temporarily unavailable"
 * instead of hanging: while PostgreSQL restarts, new connections are refused or never complete,
 * and a pool with no limit waits for a free slot forever (pg) or for a minute (knex).
 */
export interface DatabaseBounds {
  /** Opening a connection, and waiting for a free one in a pool. */
  connectMs: number;
  /** Server-side statement_timeout, sent as a connection parameter; 0 sends none (PgBouncer refuses unknown parameters unless told to ignore them). */
  statementMs: number;
  /**
   * Server-side lock_timeout, sent as a connection parameter; 0 (or absent) sends none. A write
   * waiting on another's row lock holds a pooled connection all the while: bounded, a burst of
   * writes to one record cannot keep the pool from everyone else's pages, and the waiting one is
   * answered 409 (web/error-handler.ts).
   */
  lockMs?: number;
}

/**
 * What the app uses on a real PostgreSQL server (`DATABASE_CONNECT_TIMEOUT_MS`,
 * `DATABASE_STATEMENT_TIMEOUT_MS`, `DATABASE_LOCK_TIMEOUT_MS`). The portal's transactions hold a
 * lock for milliseconds; a second's wait means something is stuck, and PostgreSQL's deadlock check
 * (deadlock_timeout) runs after a second too.
 */
export function databaseBoundsFrom(env: NodeJS.ProcessEnv): DatabaseBounds {
  const number = (value: string | undefined, fallback: number) => (value !== undefined && /^\d+$/.test(value) ? Number(value) : fallback);
  return {
    connectMs: number(env.DATABASE_CONNECT_TIMEOUT_MS, 5_000),
    statementMs: number(env.DATABASE_STATEMENT_TIMEOUT_MS, 15_000),
    lockMs: number(env.DATABASE_LOCK_TIMEOUT_MS, 1_000),
  };
}

function boundedConnection(bounds: DatabaseBounds | undefined): Partial<pg.ClientConfig> {
  if (!bounds) return {};
  return {
    connectionTimeoutMillis: bounds.connectMs,
    ...(bounds.statementMs > 0 ? { statement_timeout: bounds.statementMs } : {}),
    ...(bounds.lockMs ? { lock_timeout: bounds.lockMs } : {}),
    // A server that vanished without closing the socket (a network cut, not a restart) is noticed.
    keepAlive: true,
  };
}

export function createKnex(url: string, poolMax = 6, bounds?: DatabaseBounds): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString: url, ...boundedConnection(bounds), types: pgTypes as never },
    pool: { min: 0, max: poolMax },
    ...(bounds ? { acquireConnectionTimeout: bounds.connectMs } : {}),
  });
}

export function createPgPool(url: string, max = 3, bounds?: DatabaseBounds): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types: pgTypes, ...boundedConnection(bounds) });
  // An idle client can lose its server (restart, failover, a dropped test database); without a
  // listener that 'error' event would crash the process. The pool replaces the client on next use.
  pool.on('error', (err) => console.error(`[db] idle connection lost: ${err.message}`));
  return pool;
}
