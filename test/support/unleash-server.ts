// A real Unleash server (the `unleash-server` package) in the test process, on a random port and a
// brand-new PostgreSQL database that is dropped again on stop(). Two tokens are created at start:
// an admin token for the helpers below and a backend (client) token for the development
// environment, which is what the portal's flag client uses.
//
// Unleash writes nothing to the console here: its logger is silenced (errors are kept and shown when
// start-up fails), version checks and the migration lock are off, and its process-wide handlers are
// removed again so they do not hide failures in the tests around it.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { IUnleash, IUnleashOptions, Logger } from 'unleash-server';

export interface UnleashTestServer {
  /** The API base for clients and the admin API: http://127.0.0.1:PORT/api */
  url: string;
  adminToken: string;
  /** A backend token for project `default`, environment `development`. */
  clientToken: string;
  version: string;
  /** Loading the unleash-server package, then migrating the empty database and listening. */
  timings: { importMs: number; startMs: number };
  createFlag(name: string): Promise<void>;
  /** Turns the flag on in `development`. Without strategies it is then on for everyone. */
  enable(name: string): Promise<void>;
  disable(name: string): Promise<void>;
  /** Replaces the flag's strategies in `development` with one limited to these workspace slugs. */
  setWorkspaceConstraint(name: string, slugs: string[]): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
const PROJECT = 'default';
const ENVIRONMENT = 'development';

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `The Unleash integration test needs PostgreSQL at ${redacted(serverUrl)} and could not connect ` +
        `(${(err as Error).message}). Start the local server (pg_ctlcluster --skip-systemctl-redirect ` +
        `<version> main start) or point DATABASE_URL at one.`,
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function quietLogger(errors: string[]): () => Logger {
  const keep = (message: unknown, ...args: unknown[]) => {
    errors.push([message, ...args].map((part) => (part instanceof Error ? part.message : String(part))).join(' '));
  };
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: keep, fatal: keep };
  return () => logger;
}

/** Runs `fn` with Node's deprecation warnings muted: Unleash's own migrations trigger one from pg. */
async function withoutDeprecationWarnings<T>(fn: () => Promise<T>): Promise<T> {
  const before = process.noDeprecation;
  process.noDeprecation = true;
  try {
    return await fn();
  } finally {
    process.noDeprecation = before;
  }
}

/** Unleash writes to process.env while starting (DATABASE_URL becomes the string "undefined"), which
 *  would redirect every later database the tests open; put the environment back as it was. */
async function withEnvironmentKept<T>(fn: () => Promise<T>): Promise<T> {
  const before = { ...process.env };
  try {
    return await fn();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in before)) delete process.env[key];
    for (const [key, value] of Object.entries(before)) process.env[key] = value;
  }
}

export async function startUnleashServer(options: { postgresUrl?: string } = {}): Promise<UnleashTestServer> {
  const serverUrl = options.postgresUrl ?? process.env.DATABASE_URL ?? DEFAULT_SERVER;
  const suffix = randomBytes(6).toString('hex');
  const database = `unleash_test_${suffix}`;
  await onServer(serverUrl, `create database ${database}`);
  const dropDatabase = () => onServer(serverUrl, `drop database if exists ${database} with (force)`);

  const adminToken = `*:*.admin-${suffix}`;
  const clientToken = `${PROJECT}:${ENVIRONMENT}.client-${suffix}`;
  const errors: string[] = [];
  const db = new URL(serverUrl);
  let unleash: IUnleash;
  let importMs = 0;
  let startMs = 0;

  const handlersBefore = new Set(process.listeners('unhandledRejection'));
  try {
    let started = performance.now();
    // Loaded on demand: the package is large and only this test needs it.
    const { start, ApiTokenType, IAuthType } = await import('unleash-server');
    importMs = performance.now() - started;

    const config: IUnleashOptions = {
      db: {
        host: db.hostname,
        port: Number(db.port || 5432),
        user: decodeURIComponent(db.username || 'postgres'),
        password: decodeURIComponent(db.password),
        database,
        ssl: false,
        pool: { min: 0, max: 4 },
      },
      server: { host: '127.0.0.1', port: 0, gracefulShutdownEnable: false, enableRequestLogger: false },
      // The in-memory store: the database store keeps a cleanup timer that outlives stop().
      session: { db: false },
      authentication: {
        type: IAuthType.OPEN_SOURCE,
        enableApiToken: true,
        createAdminUser: false,
        initApiTokens: [
          { secret: adminToken, tokenName: 'test-admin', type: ApiTokenType.ADMIN, environment: '*', projects: ['*'] },
          { secret: clientToken, tokenName: 'test-client', type: ApiTokenType.BACKEND, environment: ENVIRONMENT, projects: [PROJECT] },
        ],
      },
      versionCheck: { enable: false },
      telemetry: false,
      getLogger: quietLogger(errors),
      // The lock wraps migrations in a 30-minute timer that is never cleared and keeps Node alive.
      // One fresh database per run needs no lock.
      experimental: { flags: { migrationLock: false } },
    };

    started = performance.now();
    unleash = await withEnvironmentKept(() => withoutDeprecationWarnings(() => start(config)));
    startMs = performance.now() - started;
  } catch (err) {
    await dropDatabase().catch(() => {});
    const logged = errors.length ? ` Unleash logged: ${errors.slice(-3).join(' | ')}` : '';
    throw new Error(`unleash-server did not start: ${(err as Error).message}.${logged}`);
  } finally {
    // Unleash installs a process-wide unhandledRejection logger; with its logger silenced it would
    // swallow every unhandled rejection in the test run.
    for (const handler of process.listeners('unhandledRejection')) {
      if (!handlersBefore.has(handler)) process.off('unhandledRejection', handler);
    }
  }

  const address = unleash.server?.address();
  if (!address || typeof address === 'string') throw new Error('unleash-server is not listening on a TCP port');
  const url = `http://127.0.0.1:${address.port}/api`;
  const featureUrl = (name: string) => `${url}/admin/projects/${PROJECT}/features/${encodeURIComponent(name)}`;

  async function admin(method: string, target: string, body?: unknown): Promise<unknown> {
    const response = await fetch(target, {
      method,
      headers: { authorization: adminToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Unleash admin API ${method} ${target} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  let stopped = false;
  return {
    url,
    adminToken,
    clientToken,
    version: unleash.version,
    timings: { importMs, startMs },
    async createFlag(name) {
      await admin('POST', `${url}/admin/projects/${PROJECT}/features`, { name, type: 'release' });
    },
    async enable(name) {
      await admin('POST', `${featureUrl(name)}/environments/${ENVIRONMENT}/on`);
    },
    async disable(name) {
      await admin('POST', `${featureUrl(name)}/environments/${ENVIRONMENT}/off`);
    },
    async setWorkspaceConstraint(name, slugs) {
      const strategiesUrl = `${featureUrl(name)}/environments/${ENVIRONMENT}/strategies`;
      const strategy = {
        name: 'default',
        parameters: {},
        constraints: [{ contextName: 'workspaceSlug', operator: 'IN', values: slugs, inverted: false, caseInsensitive: false }],
      };
      const [first, ...others] = (await admin('GET', strategiesUrl)) as Array<{ id: string }>;
      // Updated in place: Unleash switches the environment off when its last strategy is deleted.
      if (first) await admin('PUT', `${strategiesUrl}/${first.id}`, strategy);
      else await admin('POST', strategiesUrl, strategy);
      for (const other of others) await admin('DELETE', `${strategiesUrl}/${other.id}`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await unleash.stop();
      } finally {
        await dropDatabase();
      }
    },
  };
}
