// PostgreSQL restarted under load: an instance (a real process) serves signed-in clients while the
// test stops its private cluster (fast mode: every connection is cut) and starts it again. While the
// database is away every answer is a page (the workspace's branded "temporarily unavailable" 503
// with Retry-After, or a page still served from memory), never a 500, a hang or a crash; within 5 s
// of the database being back every page works again without a restart, and the live-message bus
// has listened again (a message posted after the restart reaches an open stream).
import { expect } from 'chai';
import pg from 'pg';
import { DEMO_CLIENT_PASSWORD } from '../../plugins/reference-crm/seed-portal-demo.ts';
import { report, skipFaultsUnlessPossible } from './faults-support.ts';
import { startPrivateCluster, type PrivateCluster } from './support/cluster.ts';
import { Browser, startInstance, type Instance } from './support/instances.ts';

interface Sample {
  path: string;
  at: number;
  status: number;
  ms: number;
  retryAfter: string | null;
  text: string;
  error?: string;
}

const PAGES = ['/portal/demo/', '/portal/demo/messages', '/portal/demo/invoices', '/portal/demo/account', '/portal/demo/sign-in'];

/** How long until the instance's event-bus connection is LISTENing again (Infinity past the limit). */
async function waitForListener(databaseUrl: string, limitMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      const { rows } = await client.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where application_name = 'customer-portal-events' and query ilike 'listen%'",
      );
      if (rows[0]!.n > 0) return performance.now() - started;
    } catch {
      // still starting up
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Infinity;
}

describe('faults: PostgreSQL restarted mid-load', function () {
  this.timeout(240_000);
  let cluster: PrivateCluster | undefined;
  let instance: Instance | undefined;

  before(async function () {
    skipFaultsUnlessPossible(this);
    cluster = await startPrivateCluster();
    const url = await cluster.createDatabase('portal');
    instance = await startInstance({ DATABASE_URL: url, DATABASE_CONNECT_TIMEOUT_MS: '2000' });
  });
  after(async function () {
    await instance?.stop();
    cluster?.destroy();
  });

  it('answers a branded 503 while the database is down and recovers within 5 s of it being back', async function () {
    const { url } = instance!;
    const clients = await Promise.all(
      ['maria@northwind.test', 'maria@northwind.test', 'maria@northwind.test', 'maria@northwind.test'].map(async (email, i) => {
        const browser = new Browser(url, `10.0.0.${i + 1}`, 20_000);
        await browser.signIn('demo', email, DEMO_CLIENT_PASSWORD);
        return browser;
      }),
    );

    const samples: Sample[] = [];
    const t0 = performance.now();
    let running = true;
    const workers = clients.map(async (browser, i) => {
      for (let n = i; running; n += 1) {
        const path = PAGES[n % PAGES.length]!;
        const at = performance.now() - t0;
        try {
          const res = await browser.get(path);
          samples.push({ path, at, status: res.status, ms: res.ms, retryAfter: res.headers.get('retry-after'), text: res.text });
        } catch (err) {
          samples.push({
            path,
            at,
            status: 0,
            ms: performance.now() - t0 - at,
            retryAfter: null,
            text: '',
            error: `${(err as Error).message} ${String((err as { cause?: unknown }).cause)}`,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const stoppedAt = performance.now() - t0;
    cluster!.stop();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    cluster!.start();
    const backAt = performance.now() - t0;
    // The live-message bus's own LISTEN connection (outside every pool) comes back by itself.
    const listeningAgainMs = await waitForListener(cluster!.url('portal'), 10_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 8_000 - listeningAgainMs)));
    running = false;
    await Promise.all(workers);

    expect(instance!.child.exitCode, `the instance is still running; it said:\n${instance!.output().slice(-3000)}`).to.equal(null);
    const failures = samples.filter((s) => s.status === 0 || (s.status >= 500 && s.status !== 503));
    // Its errors first: the request lines of a busy instance would hide them.
    const said = instance!
      .output()
      .split('\n')
      .filter((line) => !line.startsWith('    at '));
    expect(
      failures
        .slice(0, 5)
        .map(
          (s) =>
            `${s.path} at ${Math.round(s.at)} (down ${Math.round(stoppedAt)}-${Math.round(backAt)}) ${s.status} ${s.error ?? s.text.slice(0, 200)}`,
        ),
      `errors other than 503 (${failures.length}); the instance's warnings and errors:\n${said
        .filter((line) => /"level":[456]0/.test(line))
        .slice(-30)
        .join('\n')}\nand its last lines:\n${said.slice(-20).join('\n')}`,
    ).to.deep.equal([]);
    expect(instance!.child.exitCode, 'the instance is still running').to.equal(null);
    const unavailable = samples.filter((s) => s.status === 503);
    expect(unavailable.length, 'requests made while the database was down were answered 503').to.be.greaterThan(0);
    for (const answer of unavailable) {
      expect(answer.retryAfter).to.equal('5');
      expect(answer.text).to.contain('temporarily unavailable');
    }
    // Branded: a workspace page (its stylesheet link), not a bare text answer.
    expect(unavailable.some((s) => s.text.includes('/portal/demo/branding.css'))).to.equal(true);
    const slowest = Math.max(...samples.map((s) => s.ms));
    expect(slowest, 'no request hung').to.be.below(6_000);

    // Recovery: the first moment after which every answer is a 2xx/3xx again.
    const lastBad = Math.max(...samples.filter((s) => s.status >= 500).map((s) => s.at + s.ms));
    const recoveryMs = Math.max(0, lastBad - backAt);
    const after = samples.filter((s) => s.at > lastBad);
    expect(after.length, 'requests after recovery').to.be.greaterThan(20);
    expect(after.every((s) => s.status < 400)).to.equal(true);
    expect(recoveryMs, 'recovered within 5 s of the database being back').to.be.below(5_000);
    expect(listeningAgainMs, 'the event bus listens again within 5 s').to.be.below(5_000);
    report(
      `PostgreSQL restart: ${samples.length} requests, ${unavailable.length} answered 503 during ${Math.round(backAt - stoppedAt)} ms down, ` +
        `0 errors, slowest ${Math.round(slowest)} ms, recovered ${Math.round(recoveryMs)} ms after the database was back, LISTEN again after ${Math.round(listeningAgainMs)} ms`,
    );

    // The same sessions still work (they live in PostgreSQL), and posting a message works again.
    const browser = clients[0]!;
    await browser.get('/portal/demo/messages');
    const posted = await browser.post('/portal/demo/messages', { body: 'Back after the restart' });
    expect(posted.status).to.be.oneOf([200, 303]);
  });
});
