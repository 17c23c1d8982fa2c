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

export async function openDatabase(options: { databaseUrl?: string | undefined; dataDir?: string | undefined }): Promise<DatabaseConnection> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, mode: 'external', close: async () => {} };
  }
  const embedded = await startEmbeddedPostgresProcess(options.dataDir ? { dataDir: options.dataDir } : {});
  return { url: embedded.url, mode: 'embedded', close: () => embedded.stop() };
}

export function createKnex(url: string, poolMax = 6): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString: url, types: pgTypes as never },
    pool: { min: 0, max: poolMax },
  });
}

export function createPgPool(url: string, max = 3): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types: pgTypes });
  // An idle client can lose its server (restart, failover, a dropped test database); without a
  // listener that 'error' event would crash the process. The pool replaces the client on next use.
  pool.on('error', (err) => console.error(`[db] idle connection lost: ${err.message}`));
  return pool;
}
