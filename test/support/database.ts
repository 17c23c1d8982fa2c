// A fresh database for a test file. With DATABASE_URL set it creates a new database on that server
// (and drops it afterwards); otherwise it starts an embedded PostgreSQL from a snapshot made once
// per process, which skips initdb for every database after the first.
//
// createTestDatabase() gives an empty one. createSeededTestDatabase() gives one holding what
// `npm start` would have made of it: the reference CRM's and the portal's migrations and the demo
// seed. That work (migrations, argon2 hashes of the demo passwords) is done once per process, into
// a template database (`CREATE DATABASE … TEMPLATE` on a server) or a data-folder snapshot (the
// embedded engine); each test file then starts from a copy, and booting the CRM on it finds
// nothing left to migrate or seed.
//
// With CITUS_WORKER_URLS as well (the Citus stage, test/citus/run.ts), DATABASE_URL is a Citus
// coordinator: each database is made on it and on every worker, with the citus extension, and the
// workers are joined to it. No template there: a copy of the coordinator's database would name
// shards the workers never got, so a seeded database is migrated and seeded afresh.
import knexFactory from 'knex';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { DemoLogins } from '../../plugins/reference-crm/seed.ts';
import type { PortalDemoLogin } from '../../plugins/reference-crm/seed-portal-demo.ts';
import { startEmbeddedPostgres } from '../../src/core/db/embedded-postgres.ts';

export interface TestDatabase {
  url: string;
  mode: 'external' | 'embedded';
  /**
   * Gives it up. Within a mocha run on a server, the run's teardown drops it (serverDatabase);
   * elsewhere it answers once it is gone.
   */
  drop(): Promise<void>;
  /**
   * On a server: gives it up at the end of a test file without waiting for the drop (see
   * dropInBackground). Absent where drop() is the only way (the embedded engine, Citus).
   */
  release?(): Promise<void>;
  /** Drops it now, within a run too, and answers once it is gone: for a test of a database that disappears. */
  destroy(): Promise<void>;
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

async function onServer<T>(serverUrl: string, work: (admin: ReturnType<typeof knexFactory>) => Promise<T>): Promise<T> {
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  try {
    return await work(admin);
  } finally {
    await admin.destroy();
  }
}

const DATABASE_PREFIX = 'cp_test_';
const TEMPLATE_PREFIX = 'cp_tpl_';

/**
 * The mocha run this process works for (TEST_RUN, set by the run's global setup before any test
 * process starts), if any: a bench or a script making a database outside a run has none.
 */
const runOfProcess = () => process.env.TEST_RUN || undefined;

/** A new database's name: within a run, the run's name in it, so its teardown finds it. */
const newDatabaseName = () => {
  const run = runOfProcess();
  return `${DATABASE_PREFIX}${run ? `${run}_` : ''}${randomBytes(6).toString('hex')}`;
};

/**
 * Drops a database on the server without waiting for the drop. PostgreSQL ends a DROP DATABASE
 * with a checkpoint of the whole server, which, on a server busy with the other test processes'
 * databases, took 1-5 s. psql runs the drop in a process of its own, detached, so the drop also
 * finishes when the process that asked ends first. Without psql, the drop is awaited.
 */
async function dropInBackground(serverUrl: string, statement: string): Promise<void> {
  const started = await new Promise<boolean>((resolve) => {
    const psql = spawn('psql', ['-X', '-q', '-c', statement, serverUrl], { detached: true, stdio: 'ignore' });
    psql.once('spawn', () => resolve(true));
    psql.once('error', () => resolve(false));
    psql.unref();
  });
  if (!started) await onServer(serverUrl, (admin) => admin.raw(statement));
}

const dropStatement = (name: string) => `drop database if exists ${name} with (force)`;

/**
 * A database on the server. Within a mocha run, giving it up (drop() or release()) leaves it to the
 * run's teardown (dropDatabasesOfRun), which drops them all at its end: PostgreSQL ends every DROP DATABASE with a checkpoint of the
 * whole server, and one a file had the server writing and syncing every other file's pages every
 * two seconds (341 checkpoints in a PostgreSQL pass of the suite; 8 with the drops at its end).
 * Outside a run, drop() answers once it is gone and release() drops it in a process of its own.
 */
async function serverDatabase(serverUrl: string, template?: string, name = newDatabaseName()): Promise<TestDatabase> {
  await onServer(serverUrl, (admin) => admin.raw(template ? `create database ${name} template ${template}` : `create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const statement = dropStatement(name);
  const destroy = () => onServer(serverUrl, (admin) => admin.raw(statement));
  if (runOfProcess() && citusWorkers().length === 0)
    return { url: url.toString(), mode: 'external', drop: async () => {}, release: async () => {}, destroy };
  return { url: url.toString(), mode: 'external', drop: destroy, release: () => dropInBackground(serverUrl, statement), destroy };
}

async function embeddedDatabase(snapshot: Blob): Promise<TestDatabase> {
  const pg = await startEmbeddedPostgres({ loadDataDir: snapshot });
  return { url: pg.url, mode: 'embedded', drop: () => pg.stop(), destroy: () => pg.stop() };
}

const citusWorkers = (): string[] => (process.env.CITUS_WORKER_URLS ?? '').split(',').filter(Boolean);

async function citusDatabase(coordinatorUrl: string, workers: string[]): Promise<TestDatabase> {
  const name = newDatabaseName();
  const nodes = await Promise.all([coordinatorUrl, ...workers].map((server) => serverDatabase(server, undefined, name)));
  for (const node of nodes) await onServer(node.url, (db) => db.raw('create extension if not exists citus'));
  const [coordinator] = nodes;
  await onServer(coordinator!.url, async (db) => {
    const at = new URL(coordinatorUrl);
    await db.raw('select citus_set_coordinator_host(?, ?)', [at.hostname, Number(at.port)]);
    for (const worker of workers) await db.raw('select citus_add_node(?, ?)', [new URL(worker).hostname, Number(new URL(worker).port)]);
  });
  const drop = async () => {
    for (const node of nodes) await node.destroy();
  };
  return { url: coordinator!.url, mode: 'external', drop, destroy: drop };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl && citusWorkers().length > 0) return citusDatabase(serverUrl, citusWorkers());
  return serverUrl ? serverDatabase(serverUrl) : embeddedDatabase(await blank());
}

/** The demo logins the seed returned (what a CRM booted on the database lists as its logins). */
interface SeededLogins {
  staff: DemoLogins;
  clients: PortalDemoLogin[];
}

/** A copy of the migrated and seeded database, with the logins its seed returned. */
export interface SeededTestDatabase extends TestDatabase {
  demoLogins: SeededLogins;
}

/** Boots the reference CRM on a database once, as `npm start` would, and stops it: migrated and seeded. */
async function migrateAndSeed(url: string): Promise<SeededLogins> {
  // Imported here, not at the top: the CRM's modules load only in files that ask for a seeded database.
  const { bootReferenceCrm } = await import('../../plugins/reference-crm/boot.ts');
  const crm = await bootReferenceCrm({ databaseUrl: url, port: 0, sessionSecret: randomBytes(24).toString('hex'), quiet: true });
  await crm.close();
  return { staff: crm.staffLogins, clients: crm.clientLogins };
}

let seededSnapshot: Promise<{ dump: Blob; logins: SeededLogins }> | undefined;

// Templates on a server: one per test process and kind, built at its first use and copied for each
// file after it (`CREATE DATABASE … TEMPLATE`, a file copy, some 0.1 s where building one takes
// seconds: migrations and argon2 hashes for the seeded CRM, a psql load of a host's whole schema).
// They outlive the file that made them, as mocha runs a parallel run's root hooks once per file:
// the run's main process drops them when every file has run (dropDatabasesOfRun, from its global
// teardown). Their names carry the run (TEST_RUN, set by the global setup before the workers start),
// so runs side by side on one server never drop each other's, and a run that died leaves names the
// next run on this machine recognises and drops (dropDatabasesOfDeadRuns). Each file's copy is
// named and dropped the same way (serverDatabase).
const templateRun = () => runOfProcess() ?? String(process.pid);
const templates = new Map<string, Promise<{ name: string; made: unknown }>>();

/**
 * A copy of the database `build` makes once per process under `key` (on DATABASE_URL's server),
 * with what `build` returned, or a database built afresh where copies cannot be made (Citus: a copy
 * of the coordinator's database would name shards the workers never got).
 */
export async function copyOfTemplate<T>(key: string, build: (url: string) => Promise<T>): Promise<{ database: TestDatabase; made: T }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('a template database needs DATABASE_URL (a PostgreSQL server)');
  if (citusWorkers().length > 0) {
    const database = await citusDatabase(serverUrl, citusWorkers());
    return { database, made: await build(database.url) };
  }
  let template = templates.get(key);
  if (!template) {
    template = (async () => {
      const name = `${TEMPLATE_PREFIX}${templateRun()}_${randomBytes(6).toString('hex')}`;
      const database = await serverDatabase(serverUrl, undefined, name);
      try {
        return { name, made: await build(database.url) };
      } catch (error) {
        await database.drop();
        throw error;
      }
    })();
    templates.set(key, template);
    // A build that failed is tried again by the next file, not handed out as failed to every one.
    template.catch(() => templates.delete(key));
  }
  const { name, made } = await template;
  return { database: await serverDatabase(serverUrl, name), made: made as T };
}

export async function createSeededTestDatabase(): Promise<SeededTestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const { database, made } = await copyOfTemplate('reference-crm seeded', migrateAndSeed);
    return { ...database, demoLogins: structuredClone(made) };
  }
  seededSnapshot ??= (async () => {
    const pg = await startEmbeddedPostgres({ loadDataDir: await blank() });
    try {
      const logins = await migrateAndSeed(pg.url);
      return { dump: await pg.dump(), logins };
    } finally {
      await pg.stop();
    }
  })();
  const { dump, logins } = await seededSnapshot;
  return { ...(await embeddedDatabase(dump)), demoLogins: structuredClone(logins) };
}

/** Drops at once: the drops waiting on one checkpoint all end with it. */
const DROPS_AT_ONCE = 4;

/**
 * Drops the databases (templates and files' copies) of the runs `dropped` names, and answers once
 * they are gone. A run's database is named `cp_tpl_<run>_<hex>` or `cp_test_<run>_<hex>`; a
 * `cp_test_<hex>` was made outside a run, and its maker drops it. Awaited, not left to a process of
 * its own: drops still under way when the next run starts slowed its files, and that run's set-up
 * dropped the same databases again.
 */
async function dropDatabasesOfRuns(serverUrl: string, dropped: (run: string) => boolean): Promise<void> {
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: DROPS_AT_ONCE } });
  try {
    const rows: { datname: string }[] = (
      await admin.raw('select datname from pg_database where datname like ? or datname like ?', [
        `${TEMPLATE_PREFIX}%`,
        `${DATABASE_PREFIX}%`,
      ])
    ).rows;
    const doomed = rows
      .map(({ datname }) => datname)
      .filter((datname) => {
        const named = datname.slice(datname.startsWith(TEMPLATE_PREFIX) ? TEMPLATE_PREFIX.length : DATABASE_PREFIX.length);
        return named.includes('_') && dropped(named.slice(0, named.lastIndexOf('_')));
      });
    await Promise.all(
      Array.from({ length: DROPS_AT_ONCE }, async () => {
        for (let name = doomed.pop(); name; name = doomed.pop()) await admin.raw(dropStatement(name));
      }),
    );
  } finally {
    await admin.destroy();
  }
}

/**
 * Drops every database this run's processes made (the global teardown, once every file has run):
 * some 340 drops, each ending with a checkpoint of the server, where dropping them during the run
 * made every checkpoint write out the other files' work.
 */
export async function dropDatabasesOfRun(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl || citusWorkers().length > 0) return;
  const run = templateRun();
  templates.clear();
  await dropDatabasesOfRuns(serverUrl, (other) => other === run);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Drops the databases of runs on this machine whose main process is gone (killed before its
 * teardown): a run is named by its main process's id (the global setup's TEST_RUN).
 */
export async function dropDatabasesOfDeadRuns(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl || citusWorkers().length > 0) return;
  await dropDatabasesOfRuns(serverUrl, (run) => /^[0-9]+$/.test(run) && !alive(Number(run)));
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
    database = createTestDatabase().then((created) => ({
      ...created,
      drop: async () => {},
      release: async () => {},
      destroy: async () => {},
    }));
    kept.set(name, database);
  }
  return database;
}
