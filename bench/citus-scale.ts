// A client's pages on a Citus cluster against one PostgreSQL holding the same 10,000 workspaces,
// measured in one run. Four private PostgreSQL 15 clusters on this machine: one alone, and a Citus
// coordinator with two workers (test/citus/cluster.ts). Each gets the reference CRM migrated and
// seeded as `npm start` makes it (on Citus, its tables and the portal's distributed by workspace),
// then WORKSPACES agencies more, the same rows in both, generated in SQL:
//   each agency  4 client companies with 2 contacts each; 12 invoices a company (a line on each),
//                6 proposals and 6 quotations, 3 tasks; a portal client user for every contact,
//                4 activity entries each, and a conversation of 5 messages a company.
// At 10,000 agencies: 40,000 companies, 480,000 invoices, 240,000 proposals and as many
// quotations, 80,000 client users, 320,000 activity entries, 200,000 messages.
// The demo workspace's client (maria@northwind.test) then opens each page on both, one request at a
// time, in blocks of BLOCK requests, the two sides taking turns and swapping who goes first, so a
// machine that drifts in speed moves both columns alike. For each page and side: the p50 of its
// requests, the round trips one request sends (counted where pg sends them), and what the
// database's processes used of the CPU a request (every node's postmaster and its children, all of
// Citus's three nodes on the cluster's side; background work, such as Citus's maintenance daemon,
// counts as the cluster costs it).
//
//   npx tsx bench/citus-scale.ts
//   npx tsx bench/citus-scale.ts --write    also writes the section "Citus against one PostgreSQL"
//                                           of BENCHMARKS.md
//   CITUS_SCALE_WORKSPACES=1000 ...   fewer agencies (default 10,000)
//   CITUS_SCALE_ROUNDS=60 ...         requests per page and side (default 100, in blocks of 10)
//
// Needs Citus installed in PostgreSQL 15 (docs/scaling.md, "Installing Citus for the check"); where
// it is not, it says so and ends. Prints one line per page, then the rows as JSON (CITUS_SCALE_ROWS).
import os from 'node:os';
import type { Knex } from 'knex';
import pg from 'pg';
import request from 'supertest';
import { bootReferenceCrm, type RunningCrm } from '../plugins/reference-crm/boot.ts';
import { startPrivateCluster, type PrivateCluster } from '../test/faults/support/cluster.ts';
import { citusMissing, startCitusCluster, type CitusCluster } from '../test/citus/cluster.ts';
import { createSeededTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { forgetKeptDashboards } from '../test/support/kept-dashboards.ts';
import { flagsFileFor, signedInAgent } from '../test/support/portal-harness.ts';
import { writeSection } from './benchmarks-file.ts';
import { processTreeCpuMs } from './proc-stats.ts';
import { serveRoundTripMeter } from './round-trip-meter.ts';
import { upperMedian as median } from './median.ts';

const WORKSPACES = Number(process.env.CITUS_SCALE_WORKSPACES ?? 10_000);
const ROUNDS = Number(process.env.CITUS_SCALE_ROUNDS ?? 100);
const BLOCK = 10;
const WRITE = process.argv.includes('--write');
if (!(Number.isInteger(WORKSPACES) && WORKSPACES > 0)) throw new Error('CITUS_SCALE_WORKSPACES is a whole number above 0');
if (!(Number.isInteger(ROUNDS) && ROUNDS >= BLOCK && ROUNDS % BLOCK === 0)) throw new Error(`CITUS_SCALE_ROUNDS is a multiple of ${BLOCK}`);

const missing = citusMissing();
if (missing) {
  console.log(`Not measured: ${missing}.`);
  process.exit(0);
}

type Agent = ReturnType<typeof request.agent>;

/** One database behind one running portal: what a page costs there is read from its nodes. */
interface Side {
  name: string;
  crm: RunningCrm;
  agent: Agent;
  /** The postmasters of its nodes: their process trees are what its statements cost the database. */
  postmasters: number[];
}

const databaseCpuMs = (side: Side): number => side.postmasters.reduce((sum, pid) => sum + processTreeCpuMs(pid), 0);

/**
 * A migrated and seeded database on these nodes (test/support/database.ts reads the server from the
 * environment: with worker URLs it makes the database on every node and joins them).
 */
async function seededDatabase(server: string, workers: string[]): Promise<TestDatabase> {
  const saved = { url: process.env.DATABASE_URL, workers: process.env.CITUS_WORKER_URLS };
  process.env.DATABASE_URL = server;
  process.env.CITUS_WORKER_URLS = workers.join(',');
  try {
    return await createSeededTestDatabase();
  } finally {
    process.env.DATABASE_URL = saved.url;
    process.env.CITUS_WORKER_URLS = saved.workers;
    if (saved.url === undefined) delete process.env.DATABASE_URL;
    if (saved.workers === undefined) delete process.env.CITUS_WORKER_URLS;
  }
}

/**
 * The agencies beside the demo's, each with its clients' records in the CRM and its clients' use of
 * the portal: the same statements on both sides, so both hold the same rows. Returns how long it took.
 */
async function seedAgencies(db: Knex, count: number): Promise<number> {
  const started = performance.now();
  await db.raw(`insert into workspaces (slug, name) select 'agency-' || g, 'Agency ' || g from generate_series(1, ?) g`, [count]);
  const first = Number((await db('workspaces').where('slug', 'agency-1').first('id'))!.id);
  const ours = `workspace_id >= ${first}`;
  await db.raw(
    `insert into clients (workspace_id, name) select w.id, 'Company ' || g from workspaces w, generate_series(1, 4) g where w.id >= ?`,
    [first],
  );
  await db.raw(
    `insert into contacts (workspace_id, client_id, name, email)
     select c.workspace_id, c.id, 'Contact ' || c.id || '-' || g, 'contact-' || c.id || '-' || g || '@example.test'
       from clients c, generate_series(1, 2) g where c.${ours}`,
  );
  await db.raw(
    `insert into invoices (workspace_id, client_id, number, status, currency, issue_date, due_date)
     select c.workspace_id, c.id, 'INV-' || c.id || '-' || g, (array['draft', 'sent', 'paid', 'paid', 'void'])[1 + g % 5], 'USD',
            date '2025-01-01' + g * 30, date '2025-01-31' + g * 30
       from clients c, generate_series(1, 12) g where c.${ours}`,
  );
  await db.raw(
    `insert into invoice_items (workspace_id, invoice_id, position, description, quantity, unit_price_cents)
     select workspace_id, id, 1, 'Work', 1 + id % 3, 10000 + id % 5000 from invoices where ${ours}`,
  );
  for (const table of ['proposals', 'quotations']) {
    await db.raw(
      `insert into ${table} (workspace_id, client_id, number, title, status, currency)
       select c.workspace_id, c.id, '${table.slice(0, 1).toUpperCase()}-' || c.id || '-' || g, 'Offer ' || g,
              (array['draft', 'sent', 'accepted', 'declined', 'expired'])[1 + g % 5], 'USD'
         from clients c, generate_series(1, 6) g where c.${ours}`,
    );
  }
  await db.raw(
    `insert into tasks (workspace_id, client_id, title, status)
     select c.workspace_id, c.id, 'Task ' || g, (array['open', 'in_progress', 'done'])[1 + g % 3] from clients c, generate_series(1, 3) g where c.${ours}`,
  );
  await db.raw(`insert into workspace_client_portal_settings (workspace_id) select id::text from workspaces where id >= ?`, [first]);
  await db.raw(
    `insert into client_users (workspace_id, client_id, contact_id, email, status)
     select workspace_id::text, client_id::text, id::text, email, 'active' from contacts where ${ours}`,
  );
  await db.raw(
    `insert into client_activity_logs (workspace_id, client_user_id, client_id, email, event, created_at)
     select u.workspace_id, u.id, u.client_id, u.email, (array['sign_in.succeeded', 'document.downloaded', 'invoice.viewed', 'message.sent'])[g],
            now() - g * interval '1 day'
       from client_users u, generate_series(1, 4) g where u.workspace_id::int >= ?`,
    [first],
  );
  await db.raw(
    `insert into portal_conversations (workspace_id, client_id, last_message_at)
     select workspace_id::text, id::text, now() from clients where ${ours}`,
  );
  await db.raw(
    `insert into portal_messages (workspace_id, client_id, conversation_id, author_side, author_name, body, created_at)
     select c.workspace_id, c.client_id, c.id, (array['client', 'staff'])[1 + g % 2], 'Someone', 'Message ' || g, now() - g * interval '1 hour'
       from portal_conversations c, generate_series(1, 5) g where c.workspace_id::int >= ?`,
    [first],
  );
  await db.raw('vacuum analyze');
  return performance.now() - started;
}

async function startSide(name: string, database: TestDatabase, postmasters: number[], seeding: Map<string, number>): Promise<Side> {
  const crm = await bootReferenceCrm({
    databaseUrl: database.url,
    port: 0,
    sessionSecret: 'citus-scale-'.padEnd(48, 'c'),
    flagsFile: flagsFileFor(['demo']),
    quiet: true,
  });
  const seconds = (await seedAgencies(crm.db, WORKSPACES)) / 1000;
  seeding.set(name, seconds);
  console.log(`${name}: the agencies generated in ${seconds.toFixed(1)} s`);
  const login = crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
  const agent = await signedInAgent(request.agent(crm.url), 'demo', login);
  return { name, crm, agent, postmasters };
}

/** A page: its name, its path under the demo workspace's portal, and whether each view follows a change. */
type Page = [name: string, path: string, afterChange?: boolean];

/** What one side's requests for one page measured. */
interface Measured {
  times: number[];
  databaseCpuMs: number;
}

async function timeBlock(side: Side, page: Page, into: Measured): Promise<void> {
  const [, pagePath, afterChange] = page;
  const cpuBefore = databaseCpuMs(side);
  for (let i = 0; i < BLOCK; i++) {
    if (afterChange) await forgetKeptDashboards(side.crm.db);
    const started = performance.now();
    const res = await side.agent.get(`/portal/demo${pagePath}`);
    into.times.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`${side.name}: GET /portal/demo${pagePath} answered ${res.status}`);
  }
  // The forgetting above is the database's work too, but not the page's: measured alone below.
  into.databaseCpuMs += databaseCpuMs(side) - cpuBefore;
}

/**
 * The round trips one view of the page sends, counted in this process: the median of five views, as
 * the meter counts every pg client of the process and the other portal's timers may send a
 * statement during one of them.
 */
async function roundTripsOf(side: Side, page: Page, meter: string): Promise<number> {
  const [, pagePath, afterChange] = page;
  const counts: number[] = [];
  for (let i = 0; i < 5; i++) {
    if (afterChange) await forgetKeptDashboards(side.crm.db);
    await fetch(`${meter}/start`, { method: 'POST' });
    await side.agent.get(`/portal/demo${pagePath}`).expect(200);
    counts.push(((await (await fetch(`${meter}/counted`)).json()) as { roundTrips: number }).roundTrips);
  }
  return median(counts);
}

/** Writes out every node's dirty pages, so the load's leave their background writes before the pages are timed. */
async function checkpoint(nodes: PrivateCluster[]): Promise<void> {
  for (const node of nodes) {
    const client = new pg.Client({ connectionString: node.url() });
    await client.connect();
    try {
      await client.query('checkpoint');
    } finally {
      await client.end();
    }
  }
}

/** What forgetting the kept dashboards costs the database alone, a time, to take off the pages that follow a change. */
async function forgettingCpuMs(side: Side): Promise<number> {
  const before = databaseCpuMs(side);
  for (let i = 0; i < ROUNDS; i++) await forgetKeptDashboards(side.crm.db);
  return (databaseCpuMs(side) - before) / ROUNDS;
}

/** What the side's database uses of the CPU a second with its portal up and no request. */
async function idleCpuMsPerSecond(side: Side): Promise<number> {
  const before = databaseCpuMs(side);
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  return (databaseCpuMs(side) - before) / IDLE_SECONDS;
}
const IDLE_SECONDS = 5;

const PAGES: Page[] = [
  ['dashboard', '/'],
  ['dashboard after a change', '/', true],
  ['invoice list', '/invoices'],
  ['an invoice', '/invoices/:invoice'],
  ['proposal list', '/proposals'],
  ['a proposal', '/proposals/:proposal'],
  ['documents', '/documents'],
  ['tasks', '/tasks'],
  ['messages', '/messages'],
  ['quotation list', '/quotations'],
  ['projects', '/projects'],
];

/** One page's figures on one side. */
interface Row {
  page: string;
  side: string;
  p50Ms: number;
  databaseCpuMsPerRequest: number;
  roundTrips: number;
}

/** The table of the run: a line a page, one PostgreSQL beside Citus. */
function table(rows: Row[]): string[] {
  const pages = [...new Set(rows.map((row) => row.page))];
  return [
    '| page | p50 ms, one PostgreSQL | p50 ms, Citus | Citus / one PostgreSQL | round trips | database CPU ms a request, one PostgreSQL | the same, Citus (3 nodes) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...pages.map((page) => {
      const [alone, cluster] = [
        rows.find((r) => r.page === page && r.side === ALONE)!,
        rows.find((r) => r.page === page && r.side === CLUSTER)!,
      ];
      return `| ${page} | ${alone.p50Ms.toFixed(2)} | ${cluster.p50Ms.toFixed(2)} | ${(cluster.p50Ms / alone.p50Ms).toFixed(2)} × | ${alone.roundTrips} / ${cluster.roundTrips} | ${alone.databaseCpuMsPerRequest.toFixed(2)} | ${cluster.databaseCpuMsPerRequest.toFixed(2)} |`;
    }),
  ];
}

const ALONE = 'one PostgreSQL';
const CLUSTER = 'Citus';
const loadAtStart = os.loadavg();
const started = new Date();
// Autovacuum off on every node: the seed ends with VACUUM ANALYZE, and a worker vacuuming its shards
// after the load would be counted against whichever page ran then.
const SETTINGS = { autovacuum: 'off' };
const single = await startPrivateCluster({ settings: SETTINGS });
let cluster: CitusCluster | undefined;
const sides: Side[] = [];
/** How long generating the agencies took on each side, in seconds. */
const seeding = new Map<string, number>();
try {
  cluster = await startCitusCluster(SETTINGS);
  const alone = await seededDatabase(single.url(), []);
  const distributed = await seededDatabase(
    cluster.coordinator.url(),
    cluster.workers.map((worker) => worker.url()),
  );
  sides.push(await startSide(ALONE, alone, [single.postmasterPid()], seeding));
  sides.push(
    await startSide(
      CLUSTER,
      distributed,
      [cluster.coordinator, ...cluster.workers].map((node) => node.postmasterPid()),
      seeding,
    ),
  );
  await checkpoint([single, cluster.coordinator, ...cluster.workers]);

  // Maria's records, the same ids on both sides (the same seed).
  const db = sides[0]!.crm.db;
  const demo = (await db('workspaces').where('slug', 'demo').first('id'))!.id as number;
  const maria = (await db('contacts').where({ workspace_id: demo, email: 'maria@northwind.test' }).first('client_id'))!;
  const firstSent = async (table: string) =>
    (await db(table).where({ workspace_id: demo, client_id: maria.client_id }).whereNot('status', 'draft').orderBy('id').first('id'))!
      .id as number;
  const [invoice, proposal] = [await firstSent('invoices'), await firstSent('proposals')];
  const pages = PAGES.map(
    ([name, pagePath, afterChange]): Page => [
      name,
      pagePath.replace(':invoice', String(invoice)).replace(':proposal', String(proposal)),
      afterChange,
    ],
  );

  const meter = await serveRoundTripMeter();
  const idle = new Map<string, number>();
  for (const side of sides) idle.set(side.name, await idleCpuMsPerSecond(side));
  const forgetting = new Map<string, number>();
  for (const side of sides) forgetting.set(side.name, await forgettingCpuMs(side));

  const rows: Row[] = [];
  for (const page of pages) {
    const measured = new Map(sides.map((side) => [side.name, { times: [], databaseCpuMs: 0 } as Measured]));
    // Warm both: prepared statements, caches, the kept dashboard.
    for (const side of sides) await timeBlock(side, page, { times: [], databaseCpuMs: 0 });
    for (let block = 0; block < ROUNDS / BLOCK; block++) {
      const order = block % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) await timeBlock(side, page, measured.get(side.name)!);
    }
    for (const side of sides) {
      const m = measured.get(side.name)!;
      rows.push({
        page: page[0],
        side: side.name,
        p50Ms: median(m.times),
        databaseCpuMsPerRequest: m.databaseCpuMs / ROUNDS - (page[2] ? forgetting.get(side.name)! : 0),
        roundTrips: await roundTripsOf(side, page, meter),
      });
    }
    console.log(table(rows).slice(-1)[0]);
  }

  const command = `npx tsx bench/citus-scale.ts${WORKSPACES === 10_000 ? '' : ` (CITUS_SCALE_WORKSPACES=${WORKSPACES})`} --write`;
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load average at start ${loadAtStart.map((l) => l.toFixed(1)).join(' / ')}`;
  const section = [
    '## Citus against one PostgreSQL',
    '',
    `Written by \`${command}\` on ${started.toISOString().slice(0, 10)}. Machine: ${machine}.`,
    '',
    `bench/citus-scale.ts: the demo's client (maria@northwind.test) on one PostgreSQL and on Citus (a coordinator and two workers), each holding the demo and ${WORKSPACES.toLocaleString('en')} agencies more with the same rows: ${(WORKSPACES * 4).toLocaleString('en')} client companies, ${(WORKSPACES * 48).toLocaleString('en')} invoices, ${(WORKSPACES * 24).toLocaleString('en')} proposals and as many quotations, ${(WORKSPACES * 8).toLocaleString('en')} portal client users with ${(WORKSPACES * 32).toLocaleString('en')} activity entries and ${(WORKSPACES * 20).toLocaleString('en')} messages. All four PostgreSQL servers are private clusters on this machine's cores, beside the portals and the load. ${ROUNDS} requests a page and side, one at a time, in blocks of ${BLOCK} taking turns. The round trips are one request's, counted where pg sends them; the database's CPU is every node's postmaster and its children over the page's requests, the cluster's background work included: with the portals up and no request, one PostgreSQL used ${idle.get(ALONE)!.toFixed(1)} ms of CPU a second and the Citus nodes together ${idle.get(CLUSTER)!.toFixed(1)} ms (the portals' timers, Citus's maintenance daemons). Autovacuum is off on every node, after the seed's VACUUM ANALYZE, and a CHECKPOINT on each wrote the load's pages out before the first page. Generating the agencies took ${seeding.get(ALONE)!.toFixed(1)} s on one PostgreSQL and ${seeding.get(CLUSTER)!.toFixed(1)} s on Citus.`,
    '',
    ...table(rows),
    '',
  ];
  console.log(`\n${section.join('\n')}`);
  if (WRITE) writeSection('Citus against one PostgreSQL', section);
  console.log(`CITUS_SCALE_ROWS ${JSON.stringify({ workspaces: WORKSPACES, rounds: ROUNDS, rows })}`);
} finally {
  for (const side of sides) await side.crm.close();
  cluster?.destroy();
  single.destroy();
}
process.exit(0);
