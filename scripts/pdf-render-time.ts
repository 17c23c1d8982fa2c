// Measures how long a proposal PDF and an invoice PDF take to render, and what a render costs the
// other requests. Boots the reference CRM with the portal (embedded PostgreSQL, or DATABASE_URL),
// signs in the demo client and, in each of three ways of rendering (on the event loop as before,
// in the worker pool, in the worker pool with the cache):
// - downloads each PDF N times (default 50), one at a time, and prints the median and 90th
//   percentile of the time the app measures around the PDF generation itself (its Server-Timing
//   `pdf` entry: pdfkit, or the cache lookup) and of the whole request as the client sees it;
// - downloads the invoice PDF over and over from two connections for a few seconds while a probe
//   asks for /portal/healthz every 10 ms, and prints the probe's latency and the event loop's delay
//   (perf_hooks; the app runs in this process), against the same probe with no PDF in flight.
//
//   npx tsx scripts/pdf-render-time.ts            # embedded PostgreSQL
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx scripts/pdf-render-time.ts
//
// The figures are only as quiet as the machine: note its load when reading them.
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { configurePdfRendering } from '../src/core/pdf/rendered-pdfs.ts';
import { defaultPoolSize } from '../src/core/pdf/render-pool.ts';
import { bootReferenceCrm } from '../plugins/reference-crm/boot.ts';
import { createTestDatabase } from '../test/support/database.ts';
import { flagsFileFor } from '../test/support/portal-harness.ts';
import { benchRecords } from '../bench/records.ts';

const TRIES = Number(process.env.TRIES ?? 50);
const PROBE_SECONDS = Number(process.env.PROBE_SECONDS ?? 5);
const MODES = [
  { name: 'on the event loop (before)', threads: 0, cacheBytes: 0 },
  { name: `in ${defaultPoolSize()} worker thread(s)`, threads: defaultPoolSize(), cacheBytes: 0 },
  { name: 'in the worker pool, cached', threads: defaultPoolSize(), cacheBytes: 32 * 1024 * 1024 },
];

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

const database = await createTestDatabase();
const sessionSecret = 'pdf-timing-secret-'.padEnd(48, 'x');
const crm = await bootReferenceCrm({ databaseUrl: database.url, port: 0, sessionSecret, flagsFile: flagsFileFor(['demo']), quiet: true });

try {
  const login = crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
  const contact = crm.staffLogins.clients.find((c) => c.workspaceSlug === 'demo' && c.email.toLowerCase() === login.email)!;
  const staff = crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
  const records = await benchRecords(crm.db, {
    workspaceId: contact.workspaceId,
    clientId: contact.clientId,
    clientEmail: login.email,
    staffEmail: staff.email,
    secret: sessionSecret,
  });

  const page = await fetch(`${crm.url}/portal/demo/sign-in`);
  const anonymous = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const signedIn = await fetch(`${crm.url}/portal/demo/sign-in/password`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: anonymous, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email: login.email, password: login.password }).toString(),
  });
  if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}`);
  const cookie = signedIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

  console.log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}; ${TRIES} downloads each, ${database.mode}`,
  );
  const paths = [
    ['proposal', `/portal/demo/proposals/${records.proposal}.pdf`],
    ['invoice', `/portal/demo/invoices/${records.invoice}.pdf`],
  ] as const;
  const download = async (path: string) => {
    const res = await fetch(`${crm.url}${path}`, { headers: { cookie } });
    const body = await res.arrayBuffer();
    if (res.status !== 200 || !res.headers.get('content-type')?.includes('application/pdf'))
      throw new Error(`${path} answered ${res.status}`);
    const dur = /pdf;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
    if (!dur) throw new Error(`${path} has no Server-Timing pdf entry`);
    return { bytes: body.byteLength, renderMs: Number(dur[1]) };
  };

  /** The probe's latencies and the event loop's delay while `load` runs (or with nothing else, without). */
  async function probe(load?: (until: number) => Promise<void>) {
    const until = performance.now() + PROBE_SECONDS * 1000;
    const delay = monitorEventLoopDelay({ resolution: 5 });
    const latencies: number[] = [];
    delay.enable();
    await Promise.all([
      load?.(until),
      (async () => {
        while (performance.now() < until) {
          const started = performance.now();
          const res = await fetch(`${crm.url}/portal/healthz`);
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`/portal/healthz answered ${res.status}`);
          latencies.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })(),
    ]);
    delay.disable();
    return `probe p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms; event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`;
  }

  console.log(`no PDF in flight: ${await probe()}`);
  for (const mode of MODES) {
    configurePdfRendering({ threads: mode.threads, cacheBytes: mode.cacheBytes });
    console.log(`\nPDFs rendered ${mode.name}:`);
    for (const [name, path] of paths) {
      const render: number[] = [];
      const request: number[] = [];
      let bytes = 0;
      // Two untimed downloads first: the fonts are parsed and the code paths compiled once per thread.
      for (let i = 0; i < TRIES + 2; i++) {
        const started = performance.now();
        const answer = await download(path);
        const took = performance.now() - started;
        if (i < 2) continue;
        render.push(answer.renderMs);
        request.push(took);
        bytes = answer.bytes;
      }
      console.log(
        `  ${name} PDF (${(bytes / 1024).toFixed(1)} KB): render median ${quantile(render, 0.5).toFixed(1)} ms, p90 ${quantile(render, 0.9).toFixed(1)} ms; whole request median ${quantile(request, 0.5).toFixed(1)} ms, p90 ${quantile(request, 0.9).toFixed(1)} ms`,
      );
    }
    const downloads = async (until: number) => {
      while (performance.now() < until) await download(paths[1][1]);
    };
    console.log(
      `  other requests while invoice PDFs download on 2 connections: ${await probe((until) => Promise.all([downloads(until), downloads(until)]).then(() => {}))}`,
    );
  }
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}`,
  );
} finally {
  await crm.close();
  await database.drop();
}
