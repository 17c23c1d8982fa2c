// `npm run bench:floor`: the portal's own cost. The dashboard, the invoice list and the sign out
// other sessions confirmation (the floor page: it reads only what every signed-in page reads)
// against three baselines sending the same bytes, measured in interleaved rounds in one run: after
// the same round trips, the bare route (Express and pg, nothing else: bench/bare.ts) and the
// stack's floor (the design's stack with nothing of the portal in it: express-session with
// connect-pg-simple, knex, EJS: bench/stack-floor.ts); and the same statements (Express and pg
// sending the very statements the portal sent for the page, in the same round trips:
// bench/same-statements.ts), whose ratio is the portal's code alone. Each in its own process,
// NODE_ENV=production, on the demo seed with 1,000 rows (as bench/run.ts's pages table); the round
// trips and statements are counted and kept in the portal's process as the pages are captured.
// Prints req/s medians, each portal's ratio to each baseline (the median of each round's ratio)
// and each process's CPU per request, with what its statements cost PostgreSQL (on a private
// cluster, which nothing else uses).
//
//   npx tsx bench/floor.ts                  5 rounds of 3 s per page and process
//   npx tsx bench/floor.ts --profile        the portal under node --cpu-prof: its main thread's time
//                                           during the load, by what it was spent on, µs per request
//   npx tsx bench/floor.ts --keep-profiles  the same, and the .cpuprofile files kept (their folder is
//                                           printed) for a closer look, frame by frame
//   npx tsx bench/floor.ts --against=REF    the portal as of commit REF measured beside this one, in
//                                           the same rounds (what a change did, before / after)
//   npx tsx bench/floor.ts --write          also writes the section "The signed-in floor" of
//                                           BENCHMARKS.md
//   --rounds=N --seconds=S                  rounds and seconds per measurement
//   --only=dashboard                        only the pages whose names contain one of these words
//   DATABASE_URL=postgres://...             the server to create the databases on; unset: a private cluster
import autocannon from 'autocannon';
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  capturePage,
  createDatabase,
  identities,
  postgresServer,
  ROOT,
  type CapturedPage,
  type Served,
  serve,
  startBaselines,
  stopChild,
} from './bench-apps.ts';
import { writeSection } from './benchmarks-file.ts';
import { processCpuMs, processTreeCpuMs } from './proc-stats.ts';
import { median } from './median.ts';

const argument = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const PROFILE = process.argv.includes('--profile') || process.argv.includes('--keep-profiles');
const KEEP_PROFILES = process.argv.includes('--keep-profiles');
const WRITE = process.argv.includes('--write');
const AGAINST = argument('against');
const ROUNDS = Number(argument('rounds') ?? 5);
const SECONDS = Number(argument('seconds') ?? 3);
const CONNECTIONS = 10;
// A finer grain than V8's default 1 ms, so a request of about a millisecond is seen in parts.
const PROFILE_INTERVAL_US = 250;

/** The pages measured; their round trips are counted as they are captured. */
const ALL_PAGES = [
  { name: 'dashboard', short: 'dashboard', path: '/portal/demo/' },
  { name: 'invoice list', short: 'invoice list', path: '/portal/demo/invoices' },
  { name: 'sign out other sessions confirmation', short: 'floor page', path: '/portal/demo/account/sessions/revoke-others' },
] as const;
const ONLY = argument('only')?.split(',');
const PAGES = ALL_PAGES.filter((page) => !ONLY || ONLY.some((word) => page.name.includes(word)));
type PageName = (typeof ALL_PAGES)[number]['name'];

/**
 * What a sample of the profile was spent on: the first frame, from the running function out to its
 * callers, that one of these names. A function of no bucket (a built-in, node's internals, a
 * library used everywhere) counts for the nearest caller that has one: a hash computed for
 * express-session is the session's, one computed for the ETag is the ETag's.
 */
const BUCKETS: Array<{ bucket: string; matches: (url: string, fn: string) => boolean }> = [
  { bucket: 'session', matches: (url) => /node_modules\/(express-session|connect-pg-simple)\/|\/src\/core\/sessions\//.test(url) },
  { bucket: 'csrf', matches: (url) => /\/src\/core\/web\/csrf(-retry)?\.ts/.test(url) },
  { bucket: 'i18n', matches: (url) => /node_modules\/i18next\/|\/src\/core\/i18n\//.test(url) },
  { bucket: 'ejs render', matches: (url) => /node_modules\/ejs\/|\.ejs$|\/src\/core\/web\/(render|escape-html)\.ts/.test(url) },
  {
    bucket: 'pg/knex',
    matches: (url) => /node_modules\/(pg|pg-pool|pg-protocol|pg-types|knex|postgres-[a-z]+)\//.test(url),
  },
  {
    bucket: 'logging/metrics',
    matches: (url) => /node_modules\/(pino|pino-std-serializers|sonic-boom|prom-client|tdigest)\/|\/src\/core\/ops\//.test(url),
  },
  { bucket: 'security headers', matches: (url) => /node_modules\/helmet\/|\/src\/core\/web\/security-headers\.ts/.test(url) },
  {
    bucket: 'etag/send',
    matches: (url, fn) =>
      /node_modules\/(etag|fresh)\//.test(url) || (/node_modules\/express\/lib\/response\.js/.test(url) && /^(send|json|end)$/.test(fn)),
  },
  {
    bucket: 'express routing',
    matches: (url) => /node_modules\/(express|router|path-to-regexp|body-parser|parseurl|finalhandler|type-is|accepts)\//.test(url),
  },
  { bucket: 'node http', matches: (url) => /^node:(_http_|http$|net$)/.test(url) },
  { bucket: 'host app', matches: (url) => /\/plugins\//.test(url) },
  { bucket: 'app code', matches: (url) => /\/src\//.test(url) },
];
const GC = 'garbage collection';
const NATIVE = 'native (outside JavaScript)';
const OTHER = 'other';
const BUCKET_ORDER = [...BUCKETS.map((b) => b.bucket), GC, NATIVE, OTHER];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

/** A load window in the clock V8's profiles use (µs, monotonic), and the requests answered in it. */
interface Window {
  page: PageName;
  from: number;
  to: number;
  requests: number;
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** Each page's main-thread time in the windows it was loaded in, by bucket, in µs per request; and its busiest functions. */
function summarise(profile: CpuProfile, windows: Window[]) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const bucketOf = new Map<number, string | null>();
  const classify = (id: number): string | null => {
    if (bucketOf.has(id)) return bucketOf.get(id)!;
    const { functionName, url } = byId.get(id)!.callFrame;
    let bucket: string | null;
    if (functionName === '(idle)') bucket = null;
    else if (functionName === '(garbage collector)') bucket = GC;
    else if (functionName === '(program)') bucket = NATIVE;
    else {
      bucket = BUCKETS.find((b) => b.matches(url, functionName))?.bucket ?? null;
      const up = parent.get(id);
      if (bucket === null) bucket = up === undefined || byId.get(up)!.callFrame.functionName === '(root)' ? OTHER : classify(up);
    }
    bucketOf.set(id, bucket);
    return bucket;
  };
  const spent = new Map<PageName, Map<string, number>>();
  const functions = new Map<PageName, Map<string, number>>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i]!;
    // The time until the next sample is what this one stands for.
    const duration = profile.timeDeltas[i + 1] ?? 0;
    const window = windows.find((w) => at >= w.from && at < w.to);
    if (!window) continue;
    const bucket = classify(profile.samples[i]!);
    if (bucket === null) continue;
    const pageSpent = spent.get(window.page) ?? new Map<string, number>();
    spent.set(window.page, pageSpent.set(bucket, (pageSpent.get(bucket) ?? 0) + duration));
    const { functionName, url, lineNumber } = byId.get(profile.samples[i]!)!.callFrame;
    const name = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|src|views|plugins)\//, '$1/')}:${lineNumber + 1}`;
    const pageFunctions = functions.get(window.page) ?? new Map<string, number>();
    functions.set(window.page, pageFunctions.set(name, (pageFunctions.get(name) ?? 0) + duration));
  }
  const perRequest = new Map<PageName, Map<string, number>>();
  for (const page of PAGES) {
    const requests = windows.filter((w) => w.page === page.name).reduce((sum, w) => sum + w.requests, 0);
    const pageSpent = spent.get(page.name) ?? new Map<string, number>();
    perRequest.set(page.name, new Map(BUCKET_ORDER.map((bucket) => [bucket, (pageSpent.get(bucket) ?? 0) / Math.max(requests, 1)])));
    const top = [...(functions.get(page.name) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
    console.log(`\nbusiest functions (self time), ${page.name}, µs per request:`);
    for (const [name, us] of top) console.log(`  ${(us / Math.max(requests, 1)).toFixed(1).padStart(7)}  ${name}`);
  }
  return perRequest;
}

/** The tree of commit `ref` in a temporary folder, with this checkout's node_modules, to serve it beside this one. */
function checkoutOf(ref: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portal-floor-'));
  execSync(`git -C ${JSON.stringify(ROOT)} archive ${ref} | tar -x -C ${JSON.stringify(dir)}`);
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

interface Target {
  label: string;
  app?: Served;
  url: string;
  pid: number;
  cookie?: string;
  profileDir?: string;
  windows: Window[];
  measured: Map<PageName, Array<{ rps: number; cpuMs: number; databaseCpuMs?: number }>>;
}

/** The private cluster's CPU so far (its postmaster and backends); undefined on a shared server, whose other load would count. */
const databaseCpuMs = () => (server.postmasterPid ? processTreeCpuMs(server.postmasterPid) : undefined);

async function measure(target: Target, page: (typeof PAGES)[number], seconds: number, record: boolean): Promise<void> {
  const cpuBefore = processCpuMs(target.pid);
  const databaseBefore = databaseCpuMs();
  const from = monotonicUs();
  const result = await autocannon({
    url: `${target.url}${page.path}`,
    connections: CONNECTIONS,
    duration: seconds,
    ...(target.cookie ? { headers: { cookie: target.cookie } } : {}),
  });
  const to = monotonicUs();
  if (result.non2xx || result.errors) throw new Error(`${target.label} ${page.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  if (!record) return;
  const requests = result.requests.total;
  target.windows.push({ page: page.name, from, to, requests });
  const rows = target.measured.get(page.name) ?? [];
  target.measured.set(page.name, [
    ...rows,
    {
      rps: requests / ((to - from) / 1e6),
      cpuMs: (processCpuMs(target.pid) - cpuBefore) / requests,
      ...(databaseBefore === undefined ? {} : { databaseCpuMs: (databaseCpuMs()! - databaseBefore) / requests }),
    },
  ]);
}

const IDLE_SECONDS = 5;
let idleDatabaseMsPerSecond: number | undefined;
const loadAtStart = os.loadavg();
const started = new Date();
const server = await postgresServer();
const databases: Array<{ drop(): Promise<void> }> = [];
const checkout = AGAINST ? checkoutOf(AGAINST) : undefined;
const profileRoot = PROFILE ? mkdtempSync(path.join(os.tmpdir(), 'portal-floor-profile-')) : undefined;
const targets: Target[] = [];
const captured = new Map<PageName, CapturedPage>();
try {
  /** Where a process's CPU profile goes (with --profile), and the node arguments that write it there. */
  const profiling = (label: string) => {
    const profileDir = profileRoot ? path.join(profileRoot, label) : undefined;
    if (profileDir) mkdirSync(profileDir);
    const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-interval=${PROFILE_INTERVAL_US}`] : [];
    return { profileDir, nodeArgs };
  };
  const portalOf = async (label: string, root?: string): Promise<Target> => {
    const db = await createDatabase(server.url);
    databases.push(db);
    const { profileDir, nodeArgs } = profiling(label);
    const app = await serve(db.url, 'small', { nodeArgs, ...(root ? { root } : {}) });
    const who = await identities(app);
    return { label, app, url: app.url, pid: app.child.pid!, cookie: who.client, profileDir, windows: [], measured: new Map() };
  };
  const portal = await portalOf('portal');
  const before = checkout ? await portalOf(`portal at ${AGAINST}`, checkout) : undefined;
  // The baselines send the bytes this checkout's portal answers, after the round trips it made.
  for (const page of PAGES) {
    const capture = await capturePage(portal.app!, page.path, portal.cookie);
    captured.set(page.name, capture);
    console.log(`${page.name}: ${capture.roundTrips} round trips, ${capture.statements} statements`);
  }
  // The stack floor is profiled beside the portal: what the portal spends above it, bucket by bucket.
  const floorProfile = profiling('stack floor');
  const baselines = await startBaselines(
    [...captured.values()],
    portal.app!.databaseUrl,
    {},
    {
      sameStatements: true,
      ...(profileRoot ? { floorNodeArgs: floorProfile.nodeArgs } : {}),
    },
  );
  const bare: Target = { label: 'bare', url: baselines.bare.url, pid: baselines.bare.child.pid!, windows: [], measured: new Map() };
  const floor: Target = {
    label: 'stack floor',
    url: baselines.floor.url,
    pid: baselines.floor.child.pid!,
    cookie: baselines.floor.cookie,
    ...(floorProfile.profileDir ? { profileDir: floorProfile.profileDir } : {}),
    windows: [],
    measured: new Map(),
  };
  const same: Target = {
    label: 'same statements',
    url: baselines.same!.url,
    pid: baselines.same!.child.pid!,
    windows: [],
    measured: new Map(),
  };
  targets.push(bare, floor, same, ...(before ? [before] : []), portal);
  console.log(`load average at start ${loadAtStart.map((l) => l.toFixed(1)).join(' / ')}; warming up`);
  for (const page of PAGES) for (const target of targets) await measure(target, page, 2, false);
  // What the cluster spends with every process up and no request: the portals' own timers (the
  // outbox, housekeeping, the news pass) and the server's background work. It counts in every
  // window's PostgreSQL CPU, a share of it in each request's figure.
  const idleFrom = databaseCpuMs();
  if (idleFrom !== undefined) {
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    idleDatabaseMsPerSecond = (databaseCpuMs()! - idleFrom) / IDLE_SECONDS;
    console.log(`PostgreSQL with no request: ${idleDatabaseMsPerSecond.toFixed(1)} ms of CPU a second`);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const page of PAGES) {
      // Each round in the other order, so neither side always follows the other.
      for (const target of round % 2 ? targets : [...targets].reverse()) await measure(target, page, SECONDS, true);
      const last = (t: Target) => t.measured.get(page.name)!.at(-1)!;
      console.log(
        `  round ${round} ${page.name}: ${targets.map((t) => `${t.label} ${last(t).rps.toFixed(0)} req/s, ${last(t).cpuMs.toFixed(2)} ms CPU${last(t).databaseCpuMs === undefined ? '' : ` + ${last(t).databaseCpuMs!.toFixed(2)} ms PostgreSQL`}`).join('; ')}; load ${os.loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
} finally {
  for (const target of targets) if (target.app) await stopChild(target.app.child);
  for (const target of targets) if (!target.app) process.kill(target.pid, 'SIGTERM');
  // A profiled baseline writes its profile as it exits: wait for it (ten seconds at most).
  for (const target of targets.filter((t) => !t.app && t.profileDir)) {
    for (let waited = 0; waited < 10_000 && isRunning(target.pid); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The stack floor drops its session table on the way out: let it, before the database goes.
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const db of databases) await db.drop().catch(() => {});
  server.stop();
  if (checkout) rmSync(checkout, { recursive: true, force: true });
}

const portals = targets.filter((t) => t.app);
const [bare, floor, same] = ['bare', 'stack floor', 'same statements'].map((label) => targets.find((t) => t.label === label)!) as [
  Target,
  Target,
  Target,
];
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const ratioTo = (baseline: Target, target: Target, page: PageName) =>
  median(target.measured.get(page)!.map((row, i) => row.rps / baseline.measured.get(page)![i]!.rps));
const databaseColumn = server.postmasterPid !== undefined;
const throughputTable = [
  `| page | process | req/s (median) | ratio to the stack floor | ratio to the same statements | ratio to bare | CPU ms/request (median) |${databaseColumn ? ' PostgreSQL CPU ms/request (median) |' : ''}`,
  `| --- | --- | ---: | ---: | ---: | ---: | ---: |${databaseColumn ? ' ---: |' : ''}`,
  ...PAGES.flatMap((page) =>
    [bare, floor, same, ...portals].map((target) => {
      const rows = target.measured.get(page.name)!;
      const { roundTrips: trips, statements } = captured.get(page.name)!;
      const label =
        target === bare
          ? `bare route, ${trips} round trips`
          : target === floor
            ? `stack floor, ${trips} round trips`
            : target === same
              ? `same statements, ${statements} in ${trips} round trips`
              : target.label;
      const toFloor = target.app ? `${ratioTo(floor, target, page.name).toFixed(2)} ×` : '';
      const toSame = target.app ? `${ratioTo(same, target, page.name).toFixed(2)} ×` : '';
      const toBare = target === bare ? '' : `${ratioTo(bare, target, page.name).toFixed(2)} ×`;
      const database = databaseColumn ? ` ${median(rows.map((r) => r.databaseCpuMs!)).toFixed(3)} |` : '';
      return `| ${page.name} | ${label} | ${fmt(median(rows.map((r) => r.rps)))} | ${toFloor} | ${toSame} | ${toBare} | ${median(rows.map((r) => r.cpuMs)).toFixed(3)} |${database}`;
    }),
  ),
];

let profileTable: string[] = [];
if (profileRoot) {
  const summaries = [floor, ...portals].map((target) => {
    const file = readdirSync(target.profileDir!).find((name) => name.includes(`.${target.pid}.0.`));
    if (!file) throw new Error(`no CPU profile of ${target.label} in ${target.profileDir}`);
    const profile = JSON.parse(readFileSync(path.join(target.profileDir!, file), 'utf8')) as CpuProfile;
    console.log(`\n${target.label}:`);
    return { target, perRequest: summarise(profile, target.windows) };
  });
  const columns = PAGES.flatMap((page) => summaries.map((s) => ({ page: page.name, ...s })));
  const us = (n: number) => n.toFixed(0);
  profileTable = [
    `| where the time goes (µs per request) | ${columns.map((c) => `${ALL_PAGES.find((page) => page.name === c.page)!.short}${summaries.length > 1 ? `, ${c.target.label}` : ''}`).join(' | ')} |`,
    `| --- | ${columns.map(() => '---:').join(' | ')} |`,
    ...BUCKET_ORDER.map((bucket) => `| ${bucket} | ${columns.map((c) => us(c.perRequest.get(c.page)!.get(bucket)!)).join(' | ')} |`),
    `| **main thread, total** | ${columns.map((c) => `**${us([...c.perRequest.get(c.page)!.values()].reduce((a, b) => a + b, 0))}**`).join(' | ')} |`,
  ];
}

const command = `npx tsx bench/floor.ts${PROFILE ? ' --profile' : ''}${AGAINST ? ` --against=${AGAINST}` : ''} --write`;
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load average at start ${loadAtStart.map((l) => l.toFixed(1)).join(' / ')}`;
const section = [
  '## The signed-in floor',
  '',
  `Written by \`${command}\` on ${started.toISOString().slice(0, 10)}. Machine: ${machine}.`,
  '',
  `The dashboard, the invoice list and the sign out other sessions confirmation (the floor page: it reads only what every signed-in page reads) against three baselines sending the same bytes: after the same number of round trips (counted in the portal's process), the bare route (Express 5 and pg, primary-key queries) and the stack floor (the design's stack with nothing of the portal in it: Express 5, express-session with connect-pg-simple reading a session without touching it, knex for the other round trips, EJS); and the same statements (Express 5 and pg sending the very statements the portal sent for the page, values and prepared names included, in the same round trips), whose ratio leaves out what the page's SQL costs and measures the portal's code alone. Each in its own process with NODE_ENV=production, on the demo seed with 1,000 rows; ${ROUNDS} interleaved rounds of ${SECONDS} s per page and process, autocannon with ${CONNECTIONS} connections. CPU per request is the whole process's (all threads, from /proc)${databaseColumn ? `; PostgreSQL's is its private cluster's, postmaster and backends, in the same window: what the process's statements cost the database (the bare route and the stack floor send primary-key reads; the same statements and the portal, the page's own statements); with every process up and no request, the cluster spent ${idleDatabaseMsPerSecond?.toFixed(1)} ms of CPU a second (the portals' timers and the server's own background work), which each window's figure includes` : ''}${PROFILE ? '; the portals ran under `node --cpu-prof`, which costs them some of it' : ''}.`,
  '',
  ...throughputTable,
  ...(profileTable.length
    ? [
        '',
        `Where the portal's main thread spends a request (a CPU profile sampled every ${PROFILE_INTERVAL_US} µs during the load): each sample counts for the nearest function, from the running one out to its callers, that belongs to one of these; a request waiting on PostgreSQL takes no main-thread time.`,
        '',
        ...profileTable,
      ]
    : []),
  '',
];
console.log(`\n${section.join('\n')}`);
if (WRITE) writeSection('The signed-in floor', section);
if (profileRoot && KEEP_PROFILES) console.log(`The CPU profiles are kept in ${profileRoot}`);
else if (profileRoot) rmSync(profileRoot, { recursive: true, force: true });
process.exit(0);
