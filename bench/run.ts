// `npm run bench`: what a page of the portal costs against two baselines rendering the same bytes
// after the same round trips (counted in the portal's process): the stack's floor (the design's
// stack with nothing of the portal in it, bench/stack-floor.ts) and a bare Express + pg route
// (bench/bare.ts), measured in the same run on the same machine, on real PostgreSQL and on the
// embedded database; what round trips alone cost the bare route; the sign-in POST against raw
// argon2 verify; latency with scale data against latency with 1,000 rows; each app process's RSS;
// the memory 1,000 live streams take; and each target with what was measured against it. Prints the
// tables and writes BENCHMARKS.md. Not a test: numbers depend on the machine; the query budgets and
// plans are tests.
//
//   npm run bench                 full size (1M invoices, 1M proposals and quotations)
//   npm run bench -- --quick      a tenth of it, shorter runs
//   npm run bench -- --only=invoice,proposal
//                                 only the pages whose names contain one of these words, and only
//                                 the pages table (no sign-in POST, no scale run); prints, writes nothing
//   npm run bench -- --only=sign-in-post
//                                 the password sign-in POST against argon2 verify (with other words:
//                                 those pages as well); no scale run; prints, writes nothing
//   npm run bench -- --only=round-trips
//                                 the bare route after 1 to 5 queries in a row (likewise)
//   npm run bench -- --only=scale
//                                 the signed-in pages' latency with 1,000 rows and at full size
//                                 (likewise; with --quick, at a tenth); with page words
//                                 (--only=scale,dashboard) only those pages, in both tables
//   npm run bench -- --only=sse   1,000 live message streams on one instance: its memory growth and
//                                 the time one message takes to reach them all (likewise)
//   npm run bench -- --only=heavy one heavy client: the dashboard and lists with 100,000 invoices
//                                 and proposals on one client (1,000 of each open; then 50,000
//                                 open invoices) against the demo's size, beside the reference
//                                 CRM, Dolibarr and Alga PSA (likewise)
//   npm run bench -- --only=host-scale
//                                 every client list and record page beside Dolibarr and Alga PSA
//                                 with a real agency's CRM (1M invoices, 1M proposals or quotes,
//                                 200k tickets with 1M messages, 10k projects) against the same
//                                 shape a thousand times smaller (likewise; a few minutes to generate)
//   BENCH_CPU_PROFILE=dir         writes a V8 CPU profile of each app process (its main thread) to dir
//   DATABASE_URL=postgres://...   the PostgreSQL server to create the benchmark databases on;
//                                 unset: a private cluster started with initdb/pg_ctl on a free port
//
// A page joins the benchmark by adding an entry to PAGES.
import { verify as argonVerify } from '@node-rs/argon2';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import {
  capturePage,
  createDatabase,
  identities,
  postgresServer,
  ROOT,
  type Served,
  serve,
  startBaselines,
  stopChild,
} from './bench-apps.ts';
import { BENCHMARKS_FILE, sectionsOfTheirOwn } from './benchmarks-file.ts';
import { processCpuMs, rssMb } from './proc-stats.ts';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { hashPassword } from '../src/core/crypto/secrets.ts';
import { upperMedian } from './median.ts';

interface PageEntry {
  name: string;
  who: 'anonymous' | 'client' | 'staff';
  /** `{proposal}`, `{publicLinkId}`, `{clientUserId}`, … : the records of bench/records.ts (BenchRecords names them all). */
  path: string;
  /** Each request from its own address, for pages rate-limited per address (public links). */
  spreadAddresses?: boolean;
  /**
   * Served by another app: 'kept-approvals', the reference CRM as a host that keeps only the
   * files of approvals (HostApprovalFilesPort), so the portal keeps the approvals themselves.
   */
  host?: 'kept-approvals';
}

/** Every page measured against the stack floor and the bare route. New pages add a line here. */
export const PAGES: PageEntry[] = [
  { name: 'dashboard', who: 'client', path: '/portal/demo/' },
  { name: 'account', who: 'client', path: '/portal/demo/account' },
  { name: 'sign out other sessions confirmation', who: 'client', path: '/portal/demo/account/sessions/revoke-others' },
  { name: 'two-factor', who: 'client', path: '/portal/demo/account/two-factor' },
  // Renders the QR code on every request (the secret is created by the first one).
  { name: 'two-factor set-up', who: 'client', path: '/portal/demo/account/two-factor/setup' },
  { name: 'change sign-in email', who: 'client', path: '/portal/demo/account/email' },
  { name: 'passkeys', who: 'client', path: '/portal/demo/account/passkeys' },
  { name: 'sign-in and security log', who: 'client', path: '/portal/demo/account/security-log' },
  { name: 'sign-in page', who: 'anonymous', path: '/portal/demo/sign-in' },
  { name: 'branding.css', who: 'anonymous', path: '/portal/demo/branding.css' },
  { name: 'SAML service provider metadata', who: 'anonymous', path: '/portal/demo/saml/metadata' },
  { name: 'admin settings', who: 'staff', path: '/settings/client-portal' },
  { name: 'admin disable client user confirmation', who: 'staff', path: '/settings/client-portal/clients/{clientUserId}/disable' },
  {
    name: 'admin revoke link confirmation',
    who: 'staff',
    path: '/settings/client-portal/records/proposal/{clientId}/{proposal}/links/{publicLinkId}/revoke',
  },
  { name: 'admin two-factor reset confirmation', who: 'staff', path: '/settings/client-portal/clients/{twoFactorUserId}/two-factor/reset' },
  { name: 'admin person access', who: 'staff', path: '/settings/client-portal/clients/{clientUserId}/access' },
  { name: 'admin company access', who: 'staff', path: '/settings/client-portal/companies/{clientId}/access' },
  { name: 'admin client roles', who: 'staff', path: '/settings/client-portal/roles' },
  { name: 'admin requests and calendars', who: 'staff', path: '/settings/client-portal/catalogue' },
  { name: 'admin client role', who: 'staff', path: '/settings/client-portal/roles/{clientRole}' },
  { name: 'admin single sign-on', who: 'staff', path: '/settings/client-portal/single-sign-on' },
  { name: 'admin identity provider', who: 'staff', path: '/settings/client-portal/single-sign-on/{ssoProvider}' },
  { name: 'admin new SAML provider', who: 'staff', path: '/settings/client-portal/single-sign-on/new-saml' },
  {
    name: 'staff view as one person',
    who: 'staff',
    path: '/settings/client-portal/records/proposal/{clientId}/{proposal}/as-client?as={clientUserId}',
  },
  { name: 'proposal list', who: 'client', path: '/portal/demo/proposals' },
  { name: 'proposal detail', who: 'client', path: '/portal/demo/proposals/{proposal}' },
  { name: 'proposal PDF', who: 'client', path: '/portal/demo/proposals/{proposal}.pdf' },
  { name: 'proposal preview', who: 'client', path: '/portal/demo/proposals/{proposal}/preview' },
  { name: 'quotation detail', who: 'client', path: '/portal/demo/quotations/{quotation}' },
  { name: 'invoice list', who: 'client', path: '/portal/demo/invoices' },
  { name: 'invoice detail', who: 'client', path: '/portal/demo/invoices/{invoice}' },
  { name: 'invoice preview', who: 'client', path: '/portal/demo/invoices/{invoice}/preview' },
  { name: 'invoice pay page', who: 'client', path: '/portal/demo/invoices/{payable}/pay' },
  { name: 'invoices by one bank transfer', who: 'client', path: '/portal/demo/invoices/pay/transfer?invoice={payable}' },
  { name: 'payment receipt PDF', who: 'client', path: '/portal/demo/invoices/{paidInvoice}/receipts/{payment}.pdf' },
  // The default period, since the balance was last zero, as the invoice list offers it first.
  { name: 'statement of account PDF', who: 'client', path: '/portal/demo/invoices/statement.pdf?period=since-zero' },
  { name: 'payment methods and autopay', who: 'client', path: '/portal/demo/payment-methods' },
  { name: 'public link page', who: 'anonymous', path: '/portal/demo/p/{publicLink}', spreadAddresses: true },
  { name: 'staff record page', who: 'staff', path: '/settings/client-portal/records/proposal/{clientId}/{proposal}' },
  { name: 'staff payments page', who: 'staff', path: '/settings/client-portal/payments' },
  { name: 'staff unapplied payments', who: 'staff', path: '/settings/client-portal/payments/unapplied' },
  { name: 'staff language', who: 'staff', path: '/client-portal/notifications/language' },
  { name: 'documents', who: 'client', path: '/portal/demo/documents' },
  { name: 'tasks', who: 'client', path: '/portal/demo/tasks' },
  { name: 'projects', who: 'client', path: '/portal/demo/projects?tab=all' },
  { name: 'project detail', who: 'client', path: '/portal/demo/projects/{project}' },
  { name: 'tickets', who: 'client', path: '/portal/demo/tickets' },
  { name: 'ticket search', who: 'client', path: '/portal/demo/tickets?tab=all&q=logo' },
  { name: 'ticket detail', who: 'client', path: '/portal/demo/tickets/{ticket}' },
  { name: 'new ticket form', who: 'client', path: '/portal/demo/tickets/new' },
  { name: 'ticket survey', who: 'client', path: '/portal/demo/tickets/{resolvedTicket}/survey' },
  { name: 'staff client satisfaction', who: 'staff', path: '/settings/client-portal/satisfaction' },
  { name: 'staff help article feedback', who: 'staff', path: '/settings/client-portal/help-feedback' },
  { name: 'help articles', who: 'client', path: '/portal/demo/knowledge' },
  { name: 'help search', who: 'client', path: '/portal/demo/knowledge?q=invoice' },
  { name: 'help article', who: 'client', path: '/portal/demo/knowledge/{article}' },
  { name: 'ticket suggestions', who: 'client', path: '/portal/demo/knowledge/suggestions?subject=pay%20invoice%20transfer' },
  { name: 'appointments', who: 'client', path: '/portal/demo/appointments' },
  { name: 'appointment detail', who: 'client', path: '/portal/demo/appointments/{appointment}' },
  { name: 'book an appointment', who: 'client', path: '/portal/demo/appointments/new' },
  { name: 'appointment calendar file', who: 'client', path: '/portal/demo/appointments/{confirmedAppointment}/calendar' },
  { name: 'appointment reschedule form', who: 'client', path: '/portal/demo/appointments/{confirmedAppointment}/reschedule' },
  { name: 'approvals', who: 'client', path: '/portal/demo/approvals' },
  { name: 'approval detail', who: 'client', path: '/portal/demo/approvals/{approval}' },
  { name: 'approval file', who: 'client', path: '/portal/demo/approvals/{approval}/versions/1/file' },
  { name: 'staff approval', who: 'staff', path: '/approvals/{approval}' },
  { name: 'kept approvals', who: 'client', path: '/portal/demo/approvals', host: 'kept-approvals' },
  { name: 'kept approval detail', who: 'client', path: '/portal/demo/approvals/{keptApproval}', host: 'kept-approvals' },
  { name: 'admin kept approvals', who: 'staff', path: '/settings/client-portal/approvals', host: 'kept-approvals' },
  { name: 'admin kept approval', who: 'staff', path: '/settings/client-portal/approvals/{keptApproval}', host: 'kept-approvals' },
  { name: 'company details', who: 'client', path: '/portal/demo/account/company' },
  { name: 'orders', who: 'client', path: '/portal/demo/orders' },
  { name: 'order search', who: 'client', path: '/portal/demo/orders?q=PO-77' },
  { name: 'order detail', who: 'client', path: '/portal/demo/orders/{order}' },
  { name: 'devices', who: 'client', path: '/portal/demo/devices' },
  { name: 'device search', who: 'client', path: '/portal/demo/devices?q=server' },
  { name: 'device detail', who: 'client', path: '/portal/demo/devices/{device}' },
  { name: 'ticket about a device', who: 'client', path: '/portal/demo/tickets/new?device={device}' },
  { name: 'contracts', who: 'client', path: '/portal/demo/contracts' },
  { name: 'contract detail', who: 'client', path: '/portal/demo/contracts/{contract}' },
  { name: 'contract line usage', who: 'client', path: '/portal/demo/contracts/{contract}/lines/{contractLine}' },
  { name: 'contract line entries CSV', who: 'client', path: '/portal/demo/contracts/{contract}/lines/{contractLine}/entries.csv' },
  { name: 'staff tickets', who: 'staff', path: '/tickets' },
  { name: 'staff ticket', who: 'staff', path: '/tickets/{ticket}' },
  { name: 'requests catalogue', who: 'client', path: '/portal/demo/requests' },
  { name: 'request form', who: 'client', path: '/portal/demo/requests/new/{requestDefinition}' },
  { name: 'my requests', who: 'client', path: '/portal/demo/requests/mine' },
  { name: 'request detail', who: 'client', path: '/portal/demo/requests/mine/{request}' },
  { name: 'team (client admin)', who: 'client', path: '/portal/demo/team' },
  { name: 'notifications', who: 'client', path: '/portal/demo/notifications' },
  { name: 'notification channels', who: 'client', path: '/portal/demo/account/notifications' },
  { name: 'web app manifest', who: 'anonymous', path: '/portal/demo/manifest.webmanifest' },
  { name: 'service worker', who: 'anonymous', path: '/portal/demo/sw.js' },
  { name: 'your data', who: 'client', path: '/portal/demo/account/data' },
  { name: 'erasure request confirmation', who: 'client', path: '/portal/demo/account/data/erasure' },
  { name: 'admin erasure requests', who: 'staff', path: '/settings/client-portal/erasure-requests' },
  { name: 'admin erasure request', who: 'staff', path: '/settings/client-portal/erasure-requests/{erasureRequest}' },
  { name: 'admin colleague requests', who: 'staff', path: '/settings/client-portal/colleague-requests' },
  { name: 'admin colleague request', who: 'staff', path: '/settings/client-portal/colleague-requests/{colleagueRequest}' },
  { name: 'admin custom domains', who: 'staff', path: '/settings/client-portal/custom-domains' },
  { name: 'messages', who: 'client', path: '/portal/demo/messages' },
  { name: 'staff inbox', who: 'staff', path: '/client-messages' },
  { name: 'staff notifications', who: 'staff', path: '/client-portal/notifications' },
  { name: 'staff uploads', who: 'staff', path: '/settings/client-portal/uploads' },
];

const quick = process.argv.includes('--quick');
const skipEmbedded = process.argv.includes('--no-embedded');
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
  .filter(Boolean);
// The sign-in POST is no page: it runs in a partial run only when asked for by this word.
const SIGN_IN_POST = 'sign-in-post';
// Nor are the bare route's round trips: the same bytes after 1 to 5 queries in a row, what round
// trips alone cost with no framework work (a signed-in page reads its session, the host's contact,
// then its records).
const ROUND_TRIPS = 'round-trips';
const MAX_ROUND_TRIPS = 5;
// Nor is the latency of the signed-in pages as data grows.
const SCALE = 'scale';
// Nor are the live message streams one instance holds (bench/sse-connections.ts, once per database).
const SSE = 'sse';
const SSE_STREAMS = 1000;
// Nor is one heavy client: the dashboard with 100,000 invoices and proposals on one client, some
// of them open, against the demo's size (bench/heavy-client.ts), beside the reference CRM, Dolibarr and Alga PSA.
const HEAVY = 'heavy';
/**
 * The heavy client's rows held to 1.5 × the demo's: the dashboard of ten years with a thousand
 * records open, and the statement of account of ten years settled (since the balance was last
 * zero it lists what the demo's does; with a thousand invoices open it lists those, as it must).
 */
const heavyTarget = (r: { page: string; scenario: string }) =>
  (r.page === 'dashboard' && r.scenario === 'history') || (r.page === 'statement of account' && r.scenario === 'settled');
// Nor are the pages beside a host of a real agency's size (bench/host-scale.ts).
const HOST_SCALE = 'host-scale';
// Nor are Stripe's webhook events: one recorded, then the same event replayed under load.
const STRIPE_CALLBACK = 'stripe-callback';
const SELECTED = only
  ? PAGES.filter((page) =>
      only.some(
        (word) => ![SIGN_IN_POST, STRIPE_CALLBACK, ROUND_TRIPS, SCALE, SSE, HEAVY, HOST_SCALE].includes(word) && page.name.includes(word),
      ),
    )
  : PAGES;
const measureSignInAsked = !only || only.includes(SIGN_IN_POST);
const measureCallbackAsked = !only || only.includes(STRIPE_CALLBACK);
const measureRoundTripsAsked = !only || only.includes(ROUND_TRIPS);
const measureScale = !only || only.includes(SCALE);
const measureStreams = !only || only.includes(SSE);
const measureHeavy = !only || only.includes(HEAVY);
const measureHostScale = !only || only.includes(HOST_SCALE);
const measurePages = SELECTED.length > 0 || measureSignInAsked || measureRoundTripsAsked || measureCallbackAsked;
const CONNECTIONS = 10;
const DURATION = Number(process.env.BENCH_DURATION ?? (quick ? 5 : 15));
const WARMUP = Number(process.env.BENCH_WARMUP ?? (quick ? 2 : 5));
const LARGE = quick ? 'quick' : 'full';
// BENCH_CPU_PROFILE: each app process (not the bare route) writes its profile there.
const profileArgs = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** CPU time of the serving process (user + system) per answered request during the measurement. */
  cpuMs: number | null;
}

const cpu = (ms: number | null) => (ms === null ? '—' : ms.toFixed(2));

const pathOf = (page: PageEntry, app: Served) => page.path.replace(/\{(\w+)\}/g, (_, key: string) => app.records[key] ?? `{${key}}`);
const randomAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const spread = (req: autocannon.Request): autocannon.Request => ({
  ...req,
  headers: { ...req.headers, 'x-forwarded-for': randomAddress() },
});

/** Load on `options.url` after a warm-up; `pid` is the process serving it, whose CPU time is read around the measurement. */
async function load(options: autocannon.Options, pid?: number): Promise<Measured> {
  await autocannon({ ...options, duration: WARMUP });
  const cpuBefore = pid === undefined ? null : processCpuMs(pid);
  const result = await autocannon({ ...options, connections: options.connections ?? CONNECTIONS, duration: DURATION });
  const cpuAfter = pid === undefined ? null : processCpuMs(pid);
  const answered = result.requests.total;
  const cpuMs = cpuBefore !== null && cpuAfter !== null && answered > 0 ? (cpuAfter - cpuBefore) / answered : null;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, cpuMs };
}

/**
 * VACUUM ANALYZE, as autovacuum would have run it by now: every page view logs activity, so the log
 * grows from a few rows to tens of thousands during a run. A server with autovacuum off, and the
 * embedded database (which has none), would otherwise plan against the statistics of nearly empty
 * tables, and visit the table for every row an index-only scan returns.
 */
async function vacuumAnalyze(databaseUrl: string): Promise<void> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    await client.query('vacuum analyze');
  } finally {
    await client.end();
  }
}

/**
 * One request at a time on one kept-alive connection, timed each: the median in milliseconds, to a
 * hundredth (autocannon's latencies are whole milliseconds, too coarse for pages answered in one or
 * two).
 */
async function sequentialP50(url: string, cookie: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      http
        .get(url, { agent, headers: { cookie } }, (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`${url} answered ${res.statusCode}`)),
          );
        })
        .on('error', reject);
    });
  try {
    for (const until = Date.now() + WARMUP * 1000; Date.now() < until; ) await get();
    const times: number[] = [];
    for (const until = Date.now() + DURATION * 1000; Date.now() < until; ) times.push(await get());
    return Math.round(upperMedian(times) * 100) / 100;
  } finally {
    agent.destroy();
  }
}

/**
 * Raw argon2 verify with `concurrency` verifications in flight, as the sign-in sees it: how many a
 * second, and the CPU time one costs (this process's, all threads, read from /proc).
 */
async function argonVerifies(concurrency: number, seconds: number): Promise<{ perSecond: number; cpuMs: number }> {
  const hash = await hashPassword('correct horse battery staple');
  let done = 0;
  const cpuBefore = processCpuMs(process.pid);
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        await argonVerify(hash, 'correct horse battery staple');
        done++;
      }
    }),
  );
  return { perSecond: done / seconds, cpuMs: (processCpuMs(process.pid) - cpuBefore) / done };
}

interface Row {
  database: string;
  page: string;
  portal: Measured;
  bare?: Measured;
  /** The stack's floor (bench/stack-floor.ts) serving the same bytes after the same round trips. */
  floor?: Measured;
  /** The page's round trips, counted in the portal's process; both baselines make as many. */
  roundTrips?: number;
  ratio: number;
  target: string;
  /** Whether the ratio reaches its target; null where the ratio is shown for information only. */
  met: boolean | null;
  /** The sign-in's req/s over raw argon2's, beside its ratio by CPU. */
  byRequests?: number;
}

interface RoundTripRow {
  database: string;
  trips: number;
  bare: Measured;
}

async function measureApp(
  label: string,
  app: Served,
  /** The pages this app serves; the round trips, Stripe's callback and the sign-in are measured on the first app only. */
  pages: PageEntry[],
  extras = true,
): Promise<{ rows: Row[]; roundTrips: RoundTripRow[]; rss: { idle: number; loaded: number } }> {
  const measureRoundTrips = extras && measureRoundTripsAsked;
  const measureCallback = extras && measureCallbackAsked;
  const measureSignIn = extras && measureSignInAsked;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idle = rssMb(app.child.pid!);
  const who = await identities(app);
  // The round trips render the first page's bytes: with no page selected, the dashboard's.
  const captured = [];
  for (const page of pages.length > 0 || !measureRoundTrips ? pages : PAGES.slice(0, 1)) {
    captured.push(await capturePage(app, pathOf(page, app), page.who === 'anonymous' ? undefined : who[page.who]));
  }
  const baselines = await startBaselines(captured, app.databaseUrl, { BARE_ROUND_TRIPS: String(MAX_ROUND_TRIPS) });
  const { bare, floor } = baselines;
  const bareUrl = bare.url;
  const rows: Row[] = [];
  const roundTrips: RoundTripRow[] = [];
  try {
    for (const page of pages) {
      await vacuumAnalyze(app.databaseUrl);
      const portal = page.spreadAddresses
        ? await load(
            {
              url: app.url,
              requests: [{ method: 'GET', path: pathOf(page, app), headers: { cookie: who[page.who] }, setupRequest: spread }],
            },
            app.child.pid,
          )
        : await load({ url: `${app.url}${pathOf(page, app)}`, headers: { cookie: who[page.who] } }, app.child.pid);
      // Requests still queued in the app when the load stopped (slow answers such as PDFs) would be
      // served during the next measurement: one more request waits behind them first.
      await fetch(`${app.url}/portal/demo/sign-in`).then((res) => res.arrayBuffer());
      const baseline = await load({ url: `${bareUrl}${pathOf(page, app)}` }, bare.child.pid);
      // The floor reads its own session where the portal read one (a signed-in page).
      const stackFloor = await load(
        { url: `${floor.url}${pathOf(page, app)}`, ...(page.who === 'anonymous' ? {} : { headers: { cookie: floor.cookie } }) },
        floor.child.pid,
      );
      const trips = captured.find((c) => c.path === pathOf(page, app))!.roundTrips;
      rows.push({
        database: label,
        page: page.name,
        portal,
        bare: baseline,
        floor: stackFloor,
        roundTrips: trips,
        ratio: portal.rps / baseline.rps,
        target: 'information',
        met: null,
      });
      console.log(
        `  ${label} ${page.name} (${trips} round trips): ${portal.rps.toFixed(0)} req/s vs stack floor ${stackFloor.rps.toFixed(0)} (${(portal.rps / stackFloor.rps).toFixed(2)} ×) and bare ${baseline.rps.toFixed(0)} (${(portal.rps / baseline.rps).toFixed(2)} ×), p50 ${portal.p50} ms, app CPU ${cpu(portal.cpuMs)} ms/request vs floor ${cpu(stackFloor.cpuMs)} and bare ${cpu(baseline.cpuMs)}${portal.non2xx ? `, ${portal.non2xx} non-2xx` : ''}, load ${os.loadavg()[0]!.toFixed(1)}`,
      );
    }
    for (let trips = 1; measureRoundTrips && trips <= MAX_ROUND_TRIPS; trips++) {
      const measured = await load({ url: `${bareUrl}/round-trips/${trips}` }, bare.child.pid);
      roundTrips.push({ database: label, trips, bare: measured });
      console.log(
        `  ${label} bare route after ${trips} round trip(s): ${measured.rps.toFixed(0)} req/s, CPU ${cpu(measured.cpuMs)} ms/request`,
      );
    }
    if (measureCallback) rows.push(await stripeCallback(label, app));
    if (!measureSignIn) return { rows, roundTrips, rss: { idle, loaded: rssMb(app.child.pid!) } };
    // Password sign-in: each request from its own address (a proxy on this host says which), so the
    // per-address limit stays out of the way; every one signs in and writes a session.
    const body = who.form({ _csrf: who.csrf, email: app.client.email, password: app.client.password });
    const headers = { cookie: who.anonymous, 'content-type': 'application/x-www-form-urlencoded' };
    const signIn = await load(
      {
        url: app.url,
        requests: [
          {
            method: 'POST',
            path: '/portal/demo/sign-in/password',
            headers,
            body,
            setupRequest: (req: autocannon.Request): autocannon.Request => ({
              ...req,
              headers: { ...headers, ...req.headers, 'x-forwarded-for': randomAddress() },
            }),
          },
        ],
      },
      app.child.pid,
    );
    // A successful sign-in answers 303; anything else (403, 429, 500) is a failed measurement.
    const failed = await fetch(`${app.url}/portal/demo/sign-in/password`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...headers, 'x-forwarded-for': randomAddress() },
      body,
    });
    if (failed.status !== 303) throw new Error(`the sign-in POST answered ${failed.status}`);
    // The baseline at its best: raw argon2 with as many in flight as the sign-in had, and with one
    // per core (fewer at once, each costs less CPU: memory-hard), whichever does more with less.
    const [wide, perCore] = [await argonVerifies(CONNECTIONS, DURATION), await argonVerifies(os.availableParallelism(), DURATION)];
    const argon = { perSecond: Math.max(wide.perSecond, perCore.perSecond), cpuMs: Math.min(wide.cpuMs, perCore.cpuMs) };
    // The ratio of throughputs the app would reach with the cores to itself: argon2's CPU per verify
    // over the app's CPU per sign-in (argon2 included). Measured as req/s it also counts PostgreSQL
    // and the load generator, which share this machine's two cores with the app (see the report).
    const byCpu = signIn.cpuMs ? argon.cpuMs / signIn.cpuMs : 0;
    rows.push({
      database: label,
      page: 'sign-in POST (password)',
      portal: signIn,
      ratio: byCpu,
      met: byCpu >= 0.8,
      byRequests: signIn.rps / argon.perSecond,
      target: `≥ 0.8 × argon2 verify, by CPU (argon2 ${argon.cpuMs.toFixed(2)} ms a verify, ${argon.perSecond.toFixed(0)}/s; by req/s ${(signIn.rps / argon.perSecond).toFixed(2)} ×)`,
    });
    console.log(
      `  ${label} sign-in POST: ${signIn.rps.toFixed(0)} req/s vs argon2 verify ${argon.perSecond.toFixed(0)}/s; app CPU ${cpu(signIn.cpuMs)} ms a sign-in vs argon2 ${argon.cpuMs.toFixed(2)} ms a verify (${byCpu.toFixed(2)} ×)`,
    );
  } finally {
    await stopChild(bare.child);
    await stopChild(floor.child);
  }
  return { rows, roundTrips, rss: { idle, loaded: rssMb(app.child.pid!) } };
}

/**
 * Stripe's checkout.session.completed at /portal/demo/payments/callback/stripe: sent once (the
 * payment is recorded), then replayed under load, as Stripe retries: each replay verifies the
 * signature, reads the workspace's keys and finds the event's claim taken (status 'duplicate').
 */
async function stripeCallback(label: string, app: Served): Promise<Row> {
  const { path: callbackPath, payload, webhookSecret } = app.stripeEvent;
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `t=${timestamp},v1=${createHmac('sha256', webhookSecret).update(`${timestamp}.${payload}`).digest('hex')}`;
  const headers = { 'content-type': 'application/json', 'stripe-signature': signature };
  const send = async () => (await fetch(`${app.url}${callbackPath}`, { method: 'POST', headers, body: payload })).json();
  const first = (await send()) as { status?: string };
  if (first.status !== 'recorded') throw new Error(`the Stripe event answered ${JSON.stringify(first)}`);
  const replayed = await load({ url: app.url, requests: [{ method: 'POST', path: callbackPath, headers, body: payload }] }, app.child.pid);
  const last = (await send()) as { status?: string };
  if (last.status !== 'duplicate' || replayed.non2xx) throw new Error(`a replayed Stripe event answered ${JSON.stringify(last)}`);
  console.log(
    `  ${label} Stripe callback (replayed event): ${replayed.rps.toFixed(0)} req/s, p50 ${replayed.p50} ms, p99 ${replayed.p99} ms, app CPU ${cpu(replayed.cpuMs)} ms/request`,
  );
  return {
    database: label,
    page: 'Stripe callback POST (replayed event)',
    portal: replayed,
    ratio: Number.NaN,
    target: 'information: signature, keys, the claim found taken (4 queries)',
    met: null,
  };
}

/**
 * Each signed-in page's latency on 1,000 rows and at full size. Both apps run at once and each page
 * is measured on one, the other, the other again and the first again (the median of each pair):
 * measured one size after the other, a machine that drifts in speed over minutes (shared cores)
 * moved whole columns, and pages that read nothing that grows came out 1.4 × slower.
 */
async function latencyAtScale(
  label: string,
  databaseUrl: () => Promise<string | undefined>,
): Promise<Array<{ page: string; small: number; large: number }>> {
  const apps: Record<'small' | 'large', Served | undefined> = { small: undefined, large: undefined };
  try {
    for (const [size, seed] of [
      ['small', 'small'],
      ['large', LARGE],
    ] as const) {
      apps[size] = await serve(await databaseUrl(), seed, { nodeArgs: profileArgs });
      console.log(`  ${label} seeded ${seed} in ${apps[size]!.seedSeconds.toFixed(0)} s`);
    }
    const who = { small: await identities(apps.small!), large: await identities(apps.large!) };
    const results: Array<{ page: string; small: number; large: number }> = [];
    // A page served by another kind of host (kept approvals) has no records in these two apps.
    for (const page of (SELECTED.length > 0 ? SELECTED : PAGES).filter((p) => p.who === 'client' && !p.host)) {
      const measure = async (size: 'small' | 'large') => {
        const app = apps[size]!;
        await vacuumAnalyze(app.databaseUrl);
        return sequentialP50(`${app.url}${pathOf(page, app)}`, who[size][page.who]);
      };
      const [a, b, c, d] = [await measure('small'), await measure('large'), await measure('large'), await measure('small')];
      const mid = (x: number, y: number) => Math.round(((x + y) / 2) * 100) / 100;
      results.push({ page: page.name, small: mid(a, d), large: mid(b, c) });
      console.log(`  ${label} ${page.name}: p50 ${a}, ${d} ms at 1k rows; ${b}, ${c} ms at full size`);
    }
    return results;
  } finally {
    for (const app of Object.values(apps)) if (app) await stopChild(app.child);
  }
}

interface StreamsMeasured {
  connections: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  rssGrowthMb: number;
  perConnectionKb: number;
  deliveredTo: number;
  fanOutToAllMs: number;
}

/**
 * bench/sse-connections.ts on one database (undefined: the embedded one): one instance started as
 * `npm start` starts it, 1,000 live message streams opened on it, its memory before and after, and
 * the time one message takes to reach them all.
 */
async function liveStreams(label: string, databaseUrl: string | undefined): Promise<StreamsMeasured> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'sse-connections.ts'), String(SSE_STREAMS)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  // The script prints one JSON object, spread over several lines.
  if (code !== 0 || !output.includes('{')) throw new Error(`sse-connections.ts exited with ${code}: ${output}`);
  const measured = JSON.parse(output.slice(output.indexOf('{'))) as StreamsMeasured;
  console.log(
    `  ${label} ${measured.connections} live streams: RSS ${measured.rssBeforeMb} -> ${measured.rssAfterMb} MB (+${measured.rssGrowthMb}), one message reached ${measured.deliveredTo} in ${measured.fanOutToAllMs} ms`,
  );
  return measured;
}

interface HeavyClientRun {
  history: number;
  /** Open invoices and proposals in the history scenario, open invoices in the import one. */
  open: number;
  imported: number;
  rows: Array<{ host: string; scenario: string; page: string; demoMs: number; heavyMs: number }>;
}

interface HostScaleRun {
  rows: Array<{ host: string; page: string; demoMs: number; realMs: number; statements: number; parallel: number; compiled: number }>;
}

/**
 * A bench script of its own on a server (those need one: the hosts' schemas load with psql), as
 * deployed: its lines printed here, and the rows it prints after `marker` returned.
 */
async function benchScript<T>(script: string, marker: string, databaseUrl: string): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', script)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const line = output.split('\n').find((l) => l.startsWith(`${marker} `));
  if (code !== 0 || !line) throw new Error(`${script} exited with ${code}: ${output}`);
  for (const printed of output.split('\n').filter((l) => l && !l.startsWith(`${marker} `))) console.log(`  ${printed}`);
  return JSON.parse(line.slice(marker.length + 1)) as T;
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}, load average at start ${os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ')}`;
const started = Date.now();
// The sections that scripts of their own write (bench/benchmarks-file.ts): every write keeps them as they were.
const kept = sectionsOfTheirOwn();
const server = await postgresServer();
const databases: Array<{ drop(): Promise<void> }> = [];
const freshPostgres = async () => {
  const db = await createDatabase(server.url);
  databases.push(db);
  return db.url;
};

const allRows: Row[] = [];
const allRoundTrips: RoundTripRow[] = [];
const rss: Record<string, { idle: number; loaded: number }> = {};
const scale: Record<string, Array<{ page: string; small: number; large: number }>> = {};
const streams: Record<string, StreamsMeasured> = {};
let heavy: HeavyClientRun | undefined;
let hostScale: HostScaleRun | undefined;
/** The pages on 1,000 rows of one database (undefined: the embedded one), added to the report's tables. */
async function measurePagesOn(label: string, databaseUrl: string | undefined): Promise<void> {
  const own = SELECTED.filter((page) => !page.host);
  if (own.length > 0 || measureSignInAsked || measureRoundTripsAsked || measureCallbackAsked)
    await measureOwnPages(label, databaseUrl, own);
  // The pages of another kind of host, each on an app of its own (on a database of its own: the
  // first app's seed is there already).
  const kept = SELECTED.filter((page) => page.host === 'kept-approvals');
  if (kept.length === 0) return;
  const keptApp = await serve(databaseUrl === undefined ? undefined : await freshPostgres(), 'small', {
    nodeArgs: profileArgs,
    host: 'kept-approvals',
  });
  try {
    allRows.push(...(await measureApp(label, keptApp, kept, false)).rows);
  } finally {
    await stopChild(keptApp.child);
  }
}

async function measureOwnPages(label: string, databaseUrl: string | undefined, pages: PageEntry[]): Promise<void> {
  const app = await serve(databaseUrl, 'small', { nodeArgs: profileArgs });
  try {
    const result = await measureApp(label, app, pages);
    allRows.push(...result.rows);
    allRoundTrips.push(...result.roundTrips);
    rss[label] = result.rss;
  } finally {
    await stopChild(app.child);
  }
}
// The parts of the run, in order: each written to BENCHMARKS.md as soon as it is measured (a full
// run only), so a fault late in a run of an hour loses none of what came before it.
const parts: Array<{ name: string; asked: boolean; run: () => Promise<void> }> = [
  { name: 'pages on PostgreSQL', asked: measurePages, run: async () => measurePagesOn('PostgreSQL', await freshPostgres()) },
  {
    name: 'latency at scale',
    asked: measureScale,
    run: async () => {
      scale.PostgreSQL = await latencyAtScale('PostgreSQL', freshPostgres);
    },
  },
  { name: 'pages on the embedded database', asked: measurePages && !skipEmbedded, run: () => measurePagesOn('embedded', undefined) },
  {
    name: 'live streams on PostgreSQL',
    asked: measureStreams,
    run: async () => {
      streams.PostgreSQL = await liveStreams('PostgreSQL', await freshPostgres());
    },
  },
  {
    name: 'live streams on the embedded database',
    asked: measureStreams && !skipEmbedded,
    run: async () => {
      streams.embedded = await liveStreams('embedded', undefined);
    },
  },
  {
    name: 'one heavy client',
    asked: measureHeavy,
    run: async () => {
      heavy = await benchScript<HeavyClientRun>('heavy-client.ts', 'HEAVY_CLIENT_ROWS', server.url);
    },
  },
  {
    name: 'beside a host of real size',
    asked: measureHostScale,
    run: async () => {
      hostScale = await benchScript<HostScaleRun>('host-scale.ts', 'HOST_SCALE_ROWS', server.url);
    },
  },
].filter((part) => part.asked);
const done: string[] = [];
const writeSoFar = (progress: string) => {
  // A partial run (--only) prints its tables and leaves the full report as it was.
  if (!only) writeFileSync(BENCHMARKS_FILE, renderReport(progress).text);
};
try {
  for (const [index, part] of parts.entries()) {
    try {
      await part.run();
    } catch (err) {
      writeSoFar(`stopped by a fault in ${part.name} (${(err as Error).message}); measured before it: ${done.join(', ') || 'nothing'}`);
      throw err;
    }
    done.push(part.name);
    const next = parts.slice(index + 1).map((later) => later.name);
    if (next.length > 0) writeSoFar(`measured so far: ${done.join(', ')}; still to come: ${next.join(', ')}`);
  }
} finally {
  for (const db of databases) await db.drop().catch(() => {});
  server.stop();
}
if (!only) writeFileSync(BENCHMARKS_FILE, renderReport(null).text);

/**
 * The report from what this run has measured so far (`progress`: which parts, or null once the run
 * is done), and the tables the console prints at the end.
 */
function renderReport(progress: string | null): { text: string; printed: string } {
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  const table = [
    '| database | page | round trips | req/s | p50 ms | p99 ms | app CPU ms/req | stack floor req/s | floor CPU ms/req | ratio to floor | bare req/s | bare p50 ms | bare CPU ms/req | ratio to bare | target |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...allRows.map(
      (r) =>
        `| ${r.database} | ${r.page} | ${r.roundTrips ?? '—'} | ${fmt(r.portal.rps)} | ${r.portal.p50} | ${r.portal.p99} | ${cpu(r.portal.cpuMs)} | ${r.floor ? fmt(r.floor.rps) : '—'} | ${r.floor ? cpu(r.floor.cpuMs) : '—'} | ${r.floor ? `${(r.portal.rps / r.floor.rps).toFixed(2)} ×` : '—'} | ${r.bare ? fmt(r.bare.rps) : '—'} | ${r.bare ? r.bare.p50 : '—'} | ${r.bare ? cpu(r.bare.cpuMs) : '—'} | ${Number.isNaN(r.ratio) ? '—' : `${r.ratio.toFixed(2)} ×`} | ${r.target} |`,
    ),
  ];
  const oneTrip = (database: string) => allRoundTrips.find((r) => r.database === database && r.trips === 1)!.bare.rps;
  const roundTripTable = [
    '| database | queries in a row | bare req/s | bare p50 ms | bare CPU ms/req | ratio to one query |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...allRoundTrips.map(
      (r) =>
        `| ${r.database} | ${r.trips} | ${fmt(r.bare.rps)} | ${r.bare.p50} | ${cpu(r.bare.cpuMs)} | ${(r.bare.rps / oneTrip(r.database)).toFixed(2)} × |`,
    ),
  ];
  const scaleTable = [
    `| database | page | p50 ms at 1k rows | p50 ms at ${quick ? '100k' : '1M'} rows | ratio | target |`,
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...Object.entries(scale).flatMap(([db, rows]) =>
      rows.map((r) => `| ${db} | ${r.page} | ${r.small} | ${r.large} | ${(r.large / r.small).toFixed(2)} × | ≤ 1.5 × |`),
    ),
  ];
  const rssTable = [
    '| database | RSS idle MB | RSS after the run MB |',
    '| --- | ---: | ---: |',
    ...Object.entries(rss).map(([db, r]) => `| ${db} | ${r.idle.toFixed(0)} | ${r.loaded.toFixed(0)} |`),
  ];
  const streamsTable = [
    '| database | live streams | RSS before MB | RSS after MB | growth MB | per stream KB | one message reached | in ms | target |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...Object.entries(streams).map(
      ([db, m]) =>
        `| ${db} | ${m.connections} | ${m.rssBeforeMb} | ${m.rssAfterMb} | ${m.rssGrowthMb} | ${m.perConnectionKb} | ${m.deliveredTo} | ${m.fanOutToAllMs} | < 100 MB growth |`,
    ),
  ];

  const heavyTable = heavy
    ? [
        `| host | scenario | page | p50 ms at the demo's size | p50 ms heavy | ratio | target |`,
        '| --- | --- | --- | ---: | ---: | ---: | --- |',
        ...heavy.rows.map(
          (r) =>
            `| ${r.host} | ${r.scenario} | ${r.page} | ${r.demoMs.toFixed(2)} | ${r.heavyMs.toFixed(2)} | ${(r.heavyMs / r.demoMs).toFixed(2)} × | ${heavyTarget(r) ? '≤ 1.5 ×' : 'information'} |`,
        ),
      ]
    : [];

  // Each target of the benchmark with what this run measured against it.
  const yesNo = (met: boolean) => (met ? 'met' : '**not met**');
  // The targets of a page beside a host of real size: at most 50 ms p50, and 1.5 × its demo-size time.
  const HOST_SCALE_MS = 50;
  const HOST_SCALE_RATIO = 1.5;
  const hostScaleMet = (r: HostScaleRun['rows'][number]) => r.realMs <= HOST_SCALE_MS && r.realMs / r.demoMs <= HOST_SCALE_RATIO;
  const hostScaleTable = hostScale
    ? [
        `| host | page | p50 ms at the demo's size | p50 ms at real size | ratio | statements at real size | plans that started parallel workers | compiled by JIT | target |`,
        '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
        ...hostScale.rows.map(
          (r) =>
            `| ${r.host} | ${r.page} | ${r.demoMs.toFixed(2)} | ${r.realMs.toFixed(2)} | ${(r.realMs / r.demoMs).toFixed(2)} × | ${r.statements} | ${r.parallel} | ${r.compiled} | ≤ ${HOST_SCALE_MS} ms and ≤ ${HOST_SCALE_RATIO} ×: ${yesNo(hostScaleMet(r))} |`,
        ),
      ]
    : [];

  // The page that reads only what every signed-in page reads (its session with the client user, the
  // host's contact) and renders the layout around a short form: the floor of a signed-in page.
  const FLOOR_PAGE = 'sign out other sessions confirmation';
  // Pages measured against the bare route (the Stripe callback has no baseline: its ratio is NaN).
  const pagesOf = (database: string) => allRows.filter((r) => r.database === database && r.met === null && r.bare);
  const span = (rows: Row[]) =>
    `${Math.min(...rows.map((r) => r.ratio)).toFixed(2)} × to ${Math.max(...rows.map((r) => r.ratio)).toFixed(2)} ×`;
  // The pages the portal's own cost is held to: at least 0.7 × the stack's floor.
  const FLOOR_TARGET_PAGES = ['dashboard', 'invoice list', FLOOR_PAGE];
  const targetRows = [
    ...allRows
      .filter((r) => r.floor && FLOOR_TARGET_PAGES.includes(r.page))
      .map((r) => {
        const ratio = r.portal.rps / r.floor!.rps;
        return `| the ${r.page} ≥ 0.7 × the stack floor (req/s) | ${r.database} | ${ratio.toFixed(2)} × | ${yesNo(ratio >= 0.7)}, see below |`;
      }),
    ...[...new Set(allRows.filter((r) => r.met === null).map((r) => r.database))].map(
      (db) =>
        `| every page ≥ 0.5 × the bare route (req/s) | ${db} | ${span(pagesOf(db))} | ${yesNo(pagesOf(db).every((r) => r.ratio >= 0.5))}: not within reach of the design's stack here, see below |`,
    ),
    ...allRows
      .filter((r) => r.met !== null)
      .map(
        (r) =>
          `| the ${r.page} ≥ 0.8 × raw argon2 verify | ${r.database} | ${r.ratio.toFixed(2)} × by CPU; ${r.byRequests?.toFixed(2)} × by req/s | ${yesNo(r.met!)}, see below |`,
      ),
    ...Object.entries(scale).map(([db, rows]) => {
      const worst = rows.reduce((a, b) => (b.large / b.small > a.large / a.small ? b : a));
      return `| every signed-in page's latency at full size ≤ 1.5 × at 1k rows | ${db} | highest: ${worst.page}, ${(worst.large / worst.small).toFixed(2)} × | ${yesNo(rows.every((r) => r.large / r.small <= 1.5))} |`;
    }),
    ...Object.entries(streams).map(
      ([db, m]) =>
        `| ${SSE_STREAMS.toLocaleString('en')} live streams on one instance, RSS growth < 100 MB | ${db} | +${m.rssGrowthMb} MB; all ${m.deliveredTo} got one message in ${m.fanOutToAllMs} ms | ${yesNo(m.connections === SSE_STREAMS && m.deliveredTo === SSE_STREAMS && m.rssGrowthMb < 100)} |`,
    ),
    ...(heavy?.rows ?? [])
      .filter(heavyTarget)
      .map(
        (r) =>
          `| one heavy client's ${r.page === 'dashboard' ? 'dashboard' : `${r.page} (ten years settled)`} ≤ 1.5 × the demo's | ${r.host} | ${(r.heavyMs / r.demoMs).toFixed(2)} × | ${yesNo(r.heavyMs / r.demoMs <= 1.5)} |`,
      ),
    ...[...new Set((hostScale?.rows ?? []).map((r) => r.host))].map((host) => {
      const rows = hostScale!.rows.filter((r) => r.host === host);
      const missed = rows
        .filter((r) => !hostScaleMet(r))
        .map((r) => `${r.page} (${r.realMs.toFixed(0)} ms, ${(r.realMs / r.demoMs).toFixed(2)} ×)`);
      return `| every client page at real size ≤ ${HOST_SCALE_MS} ms p50 and ≤ ${HOST_SCALE_RATIO} × the demo's | ${host} | ${rows.length - missed.length} of ${rows.length}${missed.length ? `; not: ${missed.join(', ')}` : ''} | ${yesNo(missed.length === 0)} |`;
    }),
    ...[...new Set((hostScale?.rows ?? []).map((r) => r.host))].map((host) => {
      const rows = hostScale!.rows.filter((r) => r.host === host);
      const planned = (r: (typeof rows)[number]) => r.parallel + r.compiled > 0;
      const found = rows.filter(planned).map((r) => `${r.page} (${r.parallel} parallel, ${r.compiled} by JIT)`);
      return `| no client page at real size starting parallel workers or compiled by JIT | ${host} | ${rows.length - found.length} of ${rows.length} pages, ${rows.reduce((n, r) => n + r.statements, 0)} statements${found.length ? `; not: ${found.join(', ')}` : ''} | ${yesNo(found.length === 0)} |`;
    }),
    ...(rss.embedded
      ? [`| the embedded demo idle < 300 MB RSS | embedded | ${rss.embedded.idle.toFixed(0)} MB | ${yesNo(rss.embedded.idle < 300)} |`]
      : []),
    // Measured by scripts of their own, whose sections the report keeps (bench/benchmarks-file.ts).
    '| each page ≥ 0.8 × the same statements (req/s: Express and pg sending the page\'s own statements again, in its round trips) | PostgreSQL | in "The signed-in floor" below (`npm run bench:floor -- --write`) | see there |',
    '| a client\'s page on Citus at 10,000 workspaces, against one PostgreSQL with the same rows | Citus: a coordinator and two workers | in "Citus against one PostgreSQL" below (`npx tsx bench/citus-scale.ts --write`) | measured, in one run; no ratio is set for it (docs/scaling.md, "What a client\'s page costs on Citus") |',
  ];
  const floorLines = allRows
    .filter((r) => r.page === FLOOR_PAGE)
    .map((floor) => {
      const trips = (n: number) => allRoundTrips.find((r) => r.database === floor.database && r.trips === n);
      const tripText =
        trips(2) && trips(1)
          ? `, where the bare route itself after the same 2 round trips and nothing else reaches ${(trips(2)!.bare.rps / trips(1)!.bare.rps).toFixed(2)} ×`
          : '';
      return `- ${floor.database}: the ${FLOOR_PAGE} page, which reads only what every signed-in page reads, ${floor.ratio.toFixed(2)} × (${cpu(floor.portal.cpuMs)} ms of app CPU against ${cpu(floor.bare?.cpuMs ?? null)})${tripText}; the pages ${span(pagesOf(floor.database))}.`;
    });
  const targetsSection = [
    '| target | database | measured | |',
    '| --- | --- | --- | --- |',
    ...targetRows,
    '',
    "The two throughput ratios are printed and kept in view, but they are not within reach of the design's stack on this machine, whose two cores the app, PostgreSQL and the load generator share:",
    '',
    "- **Pages.** A signed-in page reads its session with the client user and the host's contact, and renders the layout, before anything of its own; the bare route runs the page's round trips as primary-key queries and renders compiled bytes, and the stack floor does the same through express-session, connect-pg-simple and knex. The stack floor renders the page's bytes as one template with one placeholder: the portal's templates, translations, escaping, CSRF, security headers, logging, metrics and authorization are all above it. The floor page alone is far under 0.5 × the bare route:",
    ...floorLines.map((line) => `  ${line}`),
    '  What a page may cost is held by tests instead: its round trips (the query-budget tests), its plans on seeded data (the EXPLAIN tests) and its latency as data grows (above).',
    "- **Sign-in.** Raw argon2 verify fills both cores by itself, so every other millisecond a sign-in costs comes off the ratio. By CPU, argon2's CPU per verify over the app's CPU per sign-in (the ratio the app would reach with the cores to itself, PostgreSQL and the load generator elsewhere), and by req/s as measured here.",
  ];

  const report = [
    '# Benchmarks',
    '',
    progress === null
      ? `Written by \`npm run bench${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)} in ${((Date.now() - started) / 60000).toFixed(0)} min.`
      : `Being written by \`npm run bench${quick ? ' -- --quick' : ''}\` since ${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC: ${progress}. A table of a part not measured yet is empty.`,
    '',
    `Machine: ${machine}; database: ${server.postmasterPid ? 'PostgreSQL 15 in a private cluster of its own (fsync and synchronous commit off, locale C)' : 'the server at DATABASE_URL'}.`,
    '',
    `Load: autocannon, ${CONNECTIONS} connections, ${WARMUP} s warm-up then ${DURATION} s per measurement; app and baseline each in their own process with NODE_ENV=production; VACUUM ANALYZE before each page, as autovacuum would have run it (page views log activity); the baselines make the page's round trips, counted in the portal's process as the page is captured: the stack floor (Express 5, express-session with connect-pg-simple reading its session without touching it, knex for the other round trips, EJS) and a bare Express 5 + pg route (primary-key queries), each rendering the same bytes with a compiled EJS template. Size: ${quick ? '`--quick` (100k invoices, 100k proposals and quotations, 1,000 companies, 5,000 contacts)' : '1M invoices, 1M proposals and quotations, 1,000 companies, 5,000 contacts'}; the pages table runs on 1,000 rows over 10 companies. Latency at scale is one request at a time on one connection, timed each; both sizes are served at once and each page is measured at 1k, full size, full size and 1k rows, each size's two medians averaged.`,
    '',
    '## Pages against the stack floor and the bare route',
    '',
    ...table,
    '',
    '## What round trips alone cost',
    '',
    "The bare route rendering the dashboard's bytes after 1 to 5 primary-key queries in a row, with no other work: what round trips alone cost before any framework work (the bare route above makes each page's own round trips). A signed-in page reads at least its session (with the client user) and the host's contact before its own records.",
    '',
    ...roundTripTable,
    '',
    '## Latency as data grows (signed-in pages)',
    '',
    ...scaleTable,
    '',
    '## Memory (app process)',
    '',
    ...rssTable,
    '',
    `## Live message streams (${SSE_STREAMS.toLocaleString('en')} on one instance)`,
    '',
    'bench/sse-connections.ts: the app started as `npm start` starts it, in its own process; one signed-in client opens the streams, then sends one message, which every stream must receive.',
    '',
    ...streamsTable,
    '',
    '## One heavy client',
    '',
    `bench/heavy-client.ts: portals side by side on one server, the same seed, but one client of the heavy one holds ${heavy ? heavy.history.toLocaleString('en') : 'the'} invoices and proposals of ten years. Scenario history: ${heavy ? heavy.open.toLocaleString('en') : 'a few'} of each open (invoices unpaid, proposals awaiting an answer), the rest paid, void, decided or lapsed; scenario settled: all of the ten years paid, void, decided or lapsed, only the seed's own records open (beside the reference CRM also the statement of account since the balance was last zero, the ten years' invoices settled by payments); scenario import: ${heavy ? heavy.imported.toLocaleString('en') : 'many'} of the invoices open (a data import gone wrong). Each page one request at a time, on the demo, the heavy one, the heavy one again and the demo again, each side's two medians averaged.`,
    '',
    ...heavyTable,
    '',
    '## Beside a host of real size',
    '',
    "bench/host-scale.ts: for each host two databases on one server, the same seed, with rows generated in the host's own tables: at real size 1,000 client companies more, 1,000,000 invoices, 1,000,000 proposals (quotes beside Alga PSA), 200,000 tickets with 1,000,000 messages and 10,000 projects, the signed-in client's company holding 100,000 invoices, 100,000 proposals, 95,000 tickets and 1,000 projects; at the demo's size the same shape a thousand times smaller. A record page shows one from the middle of the company's history. Each page one request at a time, on the demo, the real size, the real size again and the demo again, each side's two medians averaged. Then one view more at real size with its statements recorded, each run again under EXPLAIN ANALYZE in a transaction rolled back, for its values and, if named, as the generic plan PostgreSQL may keep for it: the plans that started parallel workers, and the statements priced past jit_above_cost in a transaction that left JIT on.",
    '',
    ...hostScaleTable,
    '',
    '## Targets',
    '',
    ...targetsSection,
    '',
  ];
  return {
    text: `${[report.join('\n').trimEnd(), ...kept].join('\n\n')}\n`,
    printed: [
      '',
      ...table,
      '',
      ...roundTripTable,
      '',
      ...scaleTable,
      '',
      ...rssTable,
      '',
      ...streamsTable,
      '',
      ...heavyTable,
      '',
      ...hostScaleTable,
      '',
      ...targetsSection,
    ].join('\n'),
  };
}
console.log(renderReport(null).printed);
process.exit(0);
