// What the benchmarks share: their child processes (the portal as bench/serve.ts boots it, the bare
// route), the databases they run on, and the signed-in identities they load pages as.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startPrivateCluster } from '../test/faults/support/cluster.ts';
import type { BaselinePage } from './baseline-pages.ts';
import type { SentStatement } from './round-trip-meter.ts';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

export interface Served {
  url: string;
  databaseUrl: string;
  databaseMode: string;
  client: { email: string; password: string };
  staff: { email: string; password: string };
  records: Record<string, string>;
  seedSeconds: number;
  /** A Stripe checkout.session.completed for a checkout of the payable invoice, and the secret to sign it. */
  stripeEvent: { path: string; payload: string; webhookSecret: string };
  /** bench/round-trip-meter.ts in the app's process. */
  meterUrl: string;
  child: ChildProcess;
}

/** A page as the baselines serve it: the portal's bytes and the round trips the portal made for them. */
export interface CapturedPage extends BaselinePage {
  roundTrips: number;
  statements: number;
  /** The statements themselves, for the same-statements baseline. */
  sent: SentStatement[];
}

/**
 * The page at `pagePath` as the portal answers it, and the round trips it cost: the fewest of three
 * requests, one at a time (the portal's own timers may send a statement during one of them).
 */
export async function capturePage(app: Served, pagePath: string, cookie: string | undefined): Promise<CapturedPage> {
  let best: CapturedPage | undefined;
  for (let i = 0; i < 3; i++) {
    await fetch(`${app.meterUrl}/start`, { method: 'POST' }).then((res) => res.arrayBuffer());
    const res = await fetch(`${app.url}${pagePath}`, { headers: cookie ? { cookie } : {} });
    const contentType = res.headers.get('content-type') ?? 'text/html';
    // Binary answers (PDFs) travel as base64, so the baselines send the very same bytes.
    const binary = !/^text\/|json|javascript/.test(contentType);
    const content = binary ? { base64: Buffer.from(await res.arrayBuffer()).toString('base64') } : { body: await res.text() };
    const counted = (await (await fetch(`${app.meterUrl}/counted`)).json()) as Pick<CapturedPage, 'statements' | 'roundTrips' | 'sent'>;
    if (res.status !== 200) throw new Error(`${pagePath} answered ${res.status}`);
    if (!best || counted.statements < best.statements) best = { path: pagePath, contentType, ...content, ...counted };
  }
  return best!;
}

/**
 * The baselines of bench/bare.ts and bench/stack-floor.ts serving these pages, and with
 * `sameStatements` bench/same-statements.ts too.
 */
export async function startBaselines(
  pages: CapturedPage[],
  databaseUrl: string,
  extraBareEnv: Record<string, string> = {},
  options: { sameStatements?: boolean; floorNodeArgs?: string[] } = {},
) {
  const pagesFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'portal-bench-')), 'pages.json');
  writeFileSync(pagesFile, JSON.stringify(pages));
  const bare = await startChild('bare.ts', { BARE_PAGES: pagesFile, DATABASE_URL: databaseUrl, ...extraBareEnv });
  const floor = await startChild(
    'stack-floor.ts',
    { BARE_PAGES: pagesFile, DATABASE_URL: databaseUrl },
    options.floorNodeArgs ? { nodeArgs: options.floorNodeArgs } : {},
  );
  const same = options.sameStatements ? await startChild('same-statements.ts', { BARE_PAGES: pagesFile, DATABASE_URL: databaseUrl }) : null;
  return {
    bare: { url: (bare.line as { url: string }).url, child: bare.child },
    floor: { url: (floor.line as { url: string }).url, cookie: (floor.line as { cookie: string }).cookie, child: floor.child },
    same: same ? { url: (same.line as { url: string }).url, child: same.child } : null,
  };
}

/**
 * A script of bench/ in its own process, resolved with the first line of JSON it prints. `nodeArgs`
 * go to node (a CPU profile); `root` is the checkout the script runs from (another commit's, to
 * measure it beside this one).
 */
export function startChild(
  script: string,
  env: Record<string, string>,
  options: { nodeArgs?: string[]; root?: string } = {},
): Promise<{ line: Record<string, unknown>; child: ChildProcess }> {
  const root = options.root ?? ROOT;
  // As deployed: NODE_ENV=production (templates are not checked for edits on every render).
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', path.join(root, 'bench', script)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ line: JSON.parse(line) as Record<string, unknown>, child });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * DATABASE_URL, or a private PostgreSQL cluster in a temporary folder (the fault tests' own, with
 * their settings: fsync and synchronous commit off, locale C). Of a private cluster, the
 * pid of its postmaster: only the benchmark uses it, so the CPU its processes spend is the
 * benchmark's (bench/proc-stats.ts, processTreeCpuMs).
 */
export async function postgresServer(): Promise<{ url: string; stop(): void; postmasterPid?: number }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: () => {} };
  const cluster = await startPrivateCluster();
  return { url: cluster.url(), postmasterPid: cluster.postmasterPid(), stop: () => cluster.destroy() };
}

export async function createDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `portal_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client(serverUrl);
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = new pg.Client(serverUrl);
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/** The portal seeded with scale data of `size`, on a database (undefined: the embedded one). */
export async function serve(
  databaseUrl: string | undefined,
  size: string,
  /** `host`: BENCH_HOST for serve.ts, another kind of host the reference CRM plays ('kept-approvals'). */
  options: { nodeArgs?: string[]; root?: string; host?: string } = {},
): Promise<Served> {
  const env = { BENCH_SIZE: size, DATABASE_URL: databaseUrl ?? '', ...(options.host ? { BENCH_HOST: options.host } : {}) };
  const { line, child } = await startChild('serve.ts', env, options);
  return { ...(line as unknown as Omit<Served, 'child'>), child };
}

/** Cookies of a signed-in client and staff user, and an anonymous visitor's CSRF cookie and token. */
export async function identities(app: Served) {
  const cookieOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  const signInPage = await fetch(`${app.url}/portal/demo/sign-in`);
  const anonCookie = cookieOf(signInPage);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())![1]!;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const clientRes = await fetch(`${app.url}/portal/demo/sign-in/password`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: anonCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ _csrf: csrf, email: app.client.email, password: app.client.password }),
  });
  if (clientRes.status !== 303) throw new Error(`client sign-in answered ${clientRes.status}`);
  const staffPage = await fetch(`${app.url}/signin`);
  const staffCookie0 = cookieOf(staffPage);
  const staffCsrf = /name="_csrf" value="([^"]+)"/.exec(await staffPage.text())![1]!;
  const staffRes = await fetch(`${app.url}/signin`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: staffCookie0, 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ _csrf: staffCsrf, email: app.staff.email, password: app.staff.password }),
  });
  return { anonymous: anonCookie, client: cookieOf(clientRes), staff: cookieOf(staffRes) || staffCookie0, csrf, form };
}
