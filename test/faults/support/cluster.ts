// A private PostgreSQL 15 cluster for the fault tests: initdb into a temporary folder, a server on a
// free port, owned by the test so it can stop and restart it mid-run (which the shared server at
// 5432 must never be). initdb refuses to run as root, so under root (CI) the cluster belongs to the
// `postgres` system user and every binary runs through runuser.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../../support/free-port.ts';

const PG_BIN = '/usr/lib/postgresql/15/bin';
export const PGBOUNCER = '/usr/sbin/pgbouncer';

/** Why the fault tests cannot run here, or null when they can. */
export function missingBinaries(): string | null {
  for (const name of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(path.join(PG_BIN, name))) return `PostgreSQL 15 server binaries are not installed (${PG_BIN}/${name} is missing)`;
  }
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root and there is no postgres system user to own a private cluster (initdb refuses root)';
    }
  }
  return null;
}

const asRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL binary as the user that owns the cluster. */
function runAsOwner(binary: string, args: string[]): void {
  if (asRoot()) execFileSync('runuser', ['-u', 'postgres', '--', binary, ...args], { stdio: 'pipe' });
  else execFileSync(binary, args, { stdio: 'pipe' });
}

/** Starts a long-running binary (pgbouncer) as the cluster's owner. */
function spawnAsOwner(binary: string, args: string[]): ChildProcess {
  return asRoot()
    ? spawn('runuser', ['-u', 'postgres', '--', binary, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A folder the cluster's owner may write to. */
function ownedTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  if (asRoot()) execFileSync('chown', ['postgres', dir]);
  chmodSync(dir, 0o700);
  return dir;
}

export interface PrivateCluster {
  port: number;
  dir: string;
  /** postgres://postgres@127.0.0.1:PORT/<database> */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  /** The running postmaster's pid (postmaster.pid's first line): its process tree is the server's CPU. */
  postmasterPid(): number;
  /** pg_ctl stop -m fast: connections are terminated at once, new ones refused. */
  stop(): void;
  start(): void;
  /** Stops the server (if up) and removes its folder. */
  destroy(): void;
}

export async function startPrivateCluster(
  options: { maxConnections?: number; settings?: Record<string, string> } = {},
): Promise<PrivateCluster> {
  const dir = ownedTempDir('portal-faults-pg-');
  const port = await freePort();
  runAsOwner(path.join(PG_BIN, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const settings = Object.entries(options.settings ?? {}).map(([name, value]) => ` -c ${name}=${value}`);
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=${options.maxConnections ?? 200}${settings.join('')}`;
  let running = false;
  const cluster: PrivateCluster = {
    port,
    dir,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: cluster.url(), connectionTimeoutMillis: 5000 });
      await admin.connect();
      try {
        await admin.query(`create database ${pg.escapeIdentifier(name)}`);
      } finally {
        await admin.end();
      }
      return cluster.url(name);
    },
    postmasterPid: () => Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]),
    stop() {
      if (!running) return;
      runAsOwner(path.join(PG_BIN, 'pg_ctl'), ['-D', dir, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    start() {
      if (running) return;
      runAsOwner(path.join(PG_BIN, 'pg_ctl'), ['-D', dir, '-o', serverOptions, '-l', path.join(dir, 'server.log'), '-w', 'start']);
      running = true;
    },
    destroy() {
      try {
        cluster.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  cluster.start();
  return cluster;
}

export interface PgBouncer {
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/<database> through PgBouncer */
  url(database: string): string;
  stop(): Promise<void>;
}

/** PgBouncer (Debian's package) in transaction pool mode in front of the cluster's `database`. */
export async function startPgBouncer(cluster: PrivateCluster, database: string): Promise<PgBouncer> {
  const dir = ownedTempDir('portal-faults-pgbouncer-');
  const port = await freePort();
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    if (asRoot()) execFileSync('chown', ['postgres', file]);
    return file;
  };
  write('users.txt', '"postgres" ""\n');
  const ini = write(
    'pgbouncer.ini',
    [
      '[databases]',
      `${database} = host=127.0.0.1 port=${cluster.port} dbname=${database}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'users.txt')}`,
      'admin_users = postgres',
      'pool_mode = transaction',
      'max_client_conn = 1000',
      'default_pool_size = 40',
      // The app sends statement_timeout and lock_timeout as connection parameters; PgBouncer cannot
      // keep a session setting in transaction mode, so it must be told to ignore them (the server's
      // own defaults apply).
      'ignore_startup_parameters = extra_float_digits,statement_timeout,lock_timeout',
      `logfile = ${path.join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  );
  const child = spawnAsOwner(PGBOUNCER, [ini]);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const started = Date.now();
  for (;;) {
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/${database}`, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      break;
    } catch (err) {
      await client.end().catch(() => {});
      if (child.exitCode !== null || Date.now() - started > 15_000)
        throw new Error(`PgBouncer did not start: ${(err as Error).message}\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    port,
    url: (name) => `postgres://postgres@127.0.0.1:${port}/${name}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
