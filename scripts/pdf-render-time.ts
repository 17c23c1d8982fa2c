// Measures how long a proposal PDF and an invoice PDF take to render. Boots the reference CRM with
// the portal (embedded PostgreSQL, or DATABASE_URL), signs in the demo client and downloads each
// PDF N times (default 50), one at a time. Prints the median and 90th percentile of the render time
// the app measures around the PDF generation itself (its Server-Timing `pdf` entry: the logo read
// and pdfkit), and of the whole request as the client sees it.
//
//   npx tsx scripts/pdf-render-time.ts            # embedded PostgreSQL
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx scripts/pdf-render-time.ts
//
// The figures are only as quiet as the machine: note its load when reading them.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { bootReferenceCrm } from '../plugins/reference-crm/boot.ts';
import { createTestDatabase } from '../test/support/database.ts';
import { flagsFileFor } from '../test/support/portal-harness.ts';
import { benchRecords } from '../bench/records.ts';

const TRIES = Number(process.env.TRIES ?? 50);

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
  const records = await benchRecords(crm.db, { workspaceId: contact.workspaceId, clientId: contact.clientId, staffEmail: staff.email, secret: sessionSecret });

  const page = await fetch(`${crm.url}/portal/demo/sign-in`);
  const anonymous = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const signedIn = await fetch(`${crm.url}/portal/demo/sign-in/password`, {
    method: 'POST', redirect: 'manual', headers: { cookie: anonymous, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email: login.email, password: login.password }).toString(),
  });
  if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}`);
  const cookie = signedIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}; ${TRIES} downloads each, ${database.mode}`);
  for (const [name, path] of [['proposal', `/portal/demo/proposals/${records.proposal}.pdf`], ['invoice', `/portal/demo/invoices/${records.invoice}.pdf`]] as const) {
    const render: number[] = [];
    const request: number[] = [];
    let bytes = 0;
    // Two untimed downloads first: the fonts are parsed and the code paths compiled once per process.
    for (let i = 0; i < TRIES + 2; i++) {
      const started = performance.now();
      const res = await fetch(`${crm.url}${path}`, { headers: { cookie } });
      const body = await res.arrayBuffer();
      const took = performance.now() - started;
      if (res.status !== 200 || !res.headers.get('content-type')?.includes('application/pdf')) throw new Error(`${path} answered ${res.status}`);
      const dur = /pdf;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
      if (!dur) throw new Error(`${path} has no Server-Timing pdf entry`);
      if (i < 2) continue;
      render.push(Number(dur[1]));
      request.push(took);
      bytes = body.byteLength;
    }
    console.log(`${name} PDF (${(bytes / 1024).toFixed(1)} KB): render median ${quantile(render, 0.5).toFixed(1)} ms, p90 ${quantile(render, 0.9).toFixed(1)} ms; whole request median ${quantile(request, 0.5).toFixed(1)} ms, p90 ${quantile(request, 0.9).toFixed(1)} ms`);
  }
  console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
} finally {
  await crm.close();
  await database.drop();
}
