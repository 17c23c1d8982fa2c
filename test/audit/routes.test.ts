// Covers route probing with --app-url against a small stand-in host: only GET requests are sent,
// redirects are not followed, status codes become evidence, frontend and public-page answers
// follow them, a host page at /portal is reported as a collision with the plugin's mount, and a
// route that never answers within the timeout is recorded, not fatal.
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAudit } from '../../audit/run-audit.ts';
import { AuditError } from '../../audit/errors.ts';
import { answerOf, statuses } from '../support/audit-assertions.ts';
import { contradictions } from '../support/audit-real-schemas.ts';
import type { TestDatabase } from '../support/database.ts';
import { closedPort, createHostDatabase } from '../support/host-fixtures.ts';

interface StandIn {
  url: string;
  methods: string[];
  close(): Promise<void>;
}

async function standInHost(routes: Record<string, (res: import('node:http').ServerResponse) => void>): Promise<StandIn> {
  const methods: string[] = [];
  const server: Server = createServer((req, res) => {
    methods.push(req.method ?? '');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const handler = Object.entries(routes).find(([prefix]) =>
      prefix.endsWith('*') ? path.startsWith(prefix.slice(0, -1)) : path === prefix,
    )?.[1];
    if (handler) handler(res);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    methods,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('audit: route probing', () => {
  let db: TestDatabase;

  before(async () => {
    db = await createHostDatabase('reference-crm');
  });
  after(async () => db?.drop());

  it('records status codes with GET only and answers the frontend and public-page questions', async () => {
    const host = await standInHost({
      '/login': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<form>'),
      '/client': (res) => res.writeHead(302, { location: '/login?next=/client' }).end(),
      '/public/proposal/*': (res) => res.writeHead(200).end('proposal'),
    });
    try {
      const report = await runAudit({ databaseUrl: db.url, appUrl: host.url });
      expect(new Set(host.methods)).to.deep.equal(new Set(['GET']));
      expect(report.routes.probed).to.equal(true);
      expect(report.routes.results.find((r) => r.path === '/client')).to.include({ status: 302, location: '/login', reading: 'redirects' });
      expect(statuses(report, ['E1', 'E2', 'E3', 'E4', 'C1', 'C3'])).to.deep.equal({
        E1: 'exists',
        E2: 'missing',
        E3: 'exists',
        E4: 'missing',
        C1: 'exists',
        C3: 'missing',
      });
      expect(answerOf(report, 'E1').evidence[0]).to.include({ kind: 'route', ref: 'GET /client' });
      expect(answerOf(report, 'E1').evidence[0]?.detail).to.match(/^302 → \/login/);
      expect(answerOf(report, 'C3').evidence.some((e) => /made-up token/.test(e.detail))).to.equal(true);
      expect(report.pluginPlan.routes.every((r) => r.conflict === null)).to.equal(true);
      // The public page and "can clients view proposals" are settled together before the report is written.
      expect(contradictions(report)).to.deep.equal([]);
    } finally {
      await host.close();
    }
  });

  it('reports a host page at /portal as a collision with the plugin mount', async () => {
    const host = await standInHost({ '/portal': (res) => res.writeHead(200).end('old portal') });
    try {
      const report = await runAudit({ databaseUrl: db.url, appUrl: host.url });
      expect(answerOf(report, 'E2').status).to.equal('exists');
      expect(answerOf(report, 'E2').decision.text).to.match(/\/portal\/:workspaceSlug/);
      expect(report.pluginPlan.routes.find((r) => r.mount === '/portal/:workspaceSlug')?.conflict).to.match(/GET \/portal with 200/);
    } finally {
      await host.close();
    }
  });

  it('reads a refused method as no page: a host answering every GET with 405 serves none of the probed pages', async () => {
    const host = await standInHost({ '*': (res) => res.writeHead(405, { allow: 'POST' }).end('method not allowed') });
    try {
      const report = await runAudit({ databaseUrl: db.url, appUrl: host.url });
      expect(report.routes.results.find((r) => r.path === '/public/proposal/audit-probe-0000')).to.include({
        status: 405,
        reading: 'refused',
      });
      expect(statuses(report, ['E1', 'E2', 'E3', 'E4', 'C1', 'C2', 'C3'])).to.deep.equal({
        E1: 'missing',
        E2: 'missing',
        E3: 'missing',
        E4: 'missing',
        C1: 'missing',
        C2: 'missing',
        C3: 'missing',
      });
      expect(report.pluginPlan.routes.every((r) => r.conflict === null)).to.equal(true);
    } finally {
      await host.close();
    }
  });

  it('reads a page that answers like a path that cannot exist as no evidence of that page', async () => {
    const host = await standInHost({ '*': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<div id="app">') });
    try {
      const report = await runAudit({ databaseUrl: db.url, appUrl: host.url });
      expect(report.routes.results.find((r) => r.path === '/public/invoice/audit-probe-0000')).to.include({
        status: 200,
        reading: 'like_unknown',
      });
      expect(statuses(report, ['E1', 'E2', 'E3', 'E4', 'C1', 'C3'])).to.deep.equal({
        E1: 'missing',
        E2: 'missing',
        E3: 'missing',
        E4: 'missing',
        C1: 'missing',
        C3: 'missing',
      });
    } finally {
      await host.close();
    }
  });

  it('counts a redirect as a page only when it leads to a sign-in', async () => {
    const host = await standInHost({
      '/client': (res) => res.writeHead(302, { location: '/' }).end(),
      '/portal': (res) => res.writeHead(302, { location: '/users/sign_in' }).end(),
    });
    try {
      const report = await runAudit({ databaseUrl: db.url, appUrl: host.url });
      expect(report.routes.results.find((r) => r.path === '/client')).to.include({ status: 302, reading: 'redirects_elsewhere' });
      expect(statuses(report, ['E1', 'E2'])).to.deep.equal({ E1: 'missing', E2: 'exists' });
    } finally {
      await host.close();
    }
  });

  it('records a route that does not answer in time', async () => {
    const host = await standInHost({ '/portal': () => {} });
    try {
      const report = await runAudit({ databaseUrl: db.url, appUrl: host.url, probeTimeoutMs: 300 });
      expect(report.routes.results.find((r) => r.path === '/portal')).to.include({ status: null, reading: 'no_answer' });
      expect(report.routes.results.find((r) => r.path === '/portal')?.error).to.match(/timed out/);
    } finally {
      await host.close();
    }
  });

  it('fails with a clear error when nothing answers at the app URL', async () => {
    const port = await closedPort();
    const error = await runAudit({ databaseUrl: db.url, appUrl: `http://127.0.0.1:${port}` }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(AuditError);
    expect((error as AuditError).message).to.equal(`Cannot reach the app at http://127.0.0.1:${port}: ECONNREFUSED.`);
  });
});
