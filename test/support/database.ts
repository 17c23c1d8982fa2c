// A fresh, empty database for a test file. With DATABASE_URL set it creates a new database on that
// server (and drops it afterwards); otherwise it starts an embedded PostgreSQL from a blank snapshot
// made once per process, which skips initdb for every database after the first.
import knexFactory from 'knex';
import { randomBytes } from 'node:crypto';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';

export interface TestDatabase {
  url: string;
  mode: 'external' | 'embedded';
  drop(): Promise<void>;
}

let blankSnapshot: Promise<Blob> | undefined;

async function blank(): Promise<Blob> {
  blankSnapshot ??= (async () => {
    const pg = await startEmbeddedPostgres();
    try {
      return await pg.dump();
    } finally {
      await pg.stop();
    }
  })();
  return blankSnapshot;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const pg = await startEmbeddedPostgres({ loadDataDir: await blank() });
    return { url: pg.url, mode: 'embedded', drop: () => pg.stop() };
  }
  const name = `cp_test_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`create database ${name}`);
  } finally {
    await admin.destroy();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    mode: 'external',
    async drop() {
      const dropper = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
      try {
        await dropper.raw(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.destroy();
      }
    },
  };
}

const kept = new Map<string, Promise<TestDatabase>>();

/**
 * A database for a test file that may be run many times in one process. Normally the same as
 * createTestDatabase(). With KEEP_TEST_DATABASES=1 (set by the mutation run, whose test runner
 * re-runs the same files for every mutant) the first database made under a name is handed out again
 * and its drop() does nothing, which spares an embedded database boot per mutant; tests using it
 * must then not depend on starting from empty tables. The process's exit ends the embedded databases.
 */
export async function reusableTestDatabase(name: string): Promise<TestDatabase> {
  if (process.env.KEEP_TEST_DATABASES !== '1') return createTestDatabase();
  let database = kept.get(name);
  if (!database) {
    database = createTestDatabase().then((created) => ({ ...created, drop: async () => {} }));
    kept.set(name, database);
  }
  return database;
}
