// The load balancer's endpoints: /portal/healthz (liveness: the process answers, nothing asked of
// the database) and /portal/readyz (the database answers within a short deadline). Both answer
// JSON with Cache-Control: no-store and touch no session (no cookie, no session row); a workspace
// slugged `healthz` cannot shadow them; readyz answers 503 within ~2 s once the database is gone
// and once the portal is shutting down. A page failing for want of the database shows the
// request id, which is on the logged error.
import { expect } from 'chai';
import supertest from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createTestHost, PORTAL_PATH, type TestHost } from '../support/test-host.ts';
import { SESSION_TABLE } from '../../src/core/sessions/portal-sessions.ts';

async function sessionRows(host: TestHost): Promise<number> {
  const [row] = await host.db(SESSION_TABLE).count<{ count: string }[]>({ count: '*' });
  return Number(row!.count);
}

describe('health endpoints', function () {
  this.timeout(240_000);
  let database: TestDatabase;
  let host: TestHost;

  before(async () => {
    database = await createTestDatabase();
    host = await createTestHost(database.url, { portalEnabledFor: ['demo', 'healthz'] });
    await host.createWorkspace({ slug: 'demo', name: 'Demo Agency' });
    // A host may well let someone name a workspace like this; the portal's paths still win.
    await host.createWorkspace({ slug: 'healthz', name: 'Health Agency' });
  });

  after(async () => {
    await host?.close();
    await database?.drop();
  });

  it('healthz: 200, small JSON, no cookie, no store, a request id', async () => {
    const before = await sessionRows(host);
    const res = await supertest(host.app).get(`${PORTAL_PATH}/healthz`).expect(200);
    expect(res.body).to.deep.equal({ status: 'ok' });
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.headers['set-cookie']).to.equal(undefined);
    expect(res.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    expect(await sessionRows(host)).to.equal(before);
  });

  it('readyz: 200 with the database and flags reported, no cookie, no session row', async () => {
    const before = await sessionRows(host);
    const res = await supertest(host.app).get(`${PORTAL_PATH}/readyz`).expect(200);
    expect(res.body).to.deep.equal({ status: 'ok', database: 'ok', flags: 'ok' });
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.headers['set-cookie']).to.equal(undefined);
    expect(await sessionRows(host)).to.equal(before);
  });

  it('a workspace slugged like a health path neither shadows it nor gets a portal', async () => {
    expect((await supertest(host.app).get(`${PORTAL_PATH}/healthz`).expect(200)).body).to.deep.equal({ status: 'ok' });
    await supertest(host.app).get(`${PORTAL_PATH}/healthz/sign-in`).expect(404);
    // The ordinary workspace beside it is unaffected.
    await supertest(host.app).get(`${PORTAL_PATH}/demo/sign-in`).expect(200);
  });

  it('honours a safe incoming X-Request-Id and replaces an unsafe one', async () => {
    const kept = await supertest(host.app).get(`${PORTAL_PATH}/healthz`).set('X-Request-Id', 'lb-7f3a9c21e5').expect(200);
    expect(kept.headers['x-request-id']).to.equal('lb-7f3a9c21e5');
    const replaced = await supertest(host.app)
      .get(`${PORTAL_PATH}/healthz`)
      .set('X-Request-Id', 'evil"} {"level":60,"injected":true}')
      .expect(200);
    expect(replaced.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('readyz gives up after its deadline when no connection comes free (503 timeout after 1.5 s)', async () => {
    // Every connection of the portal's pool held, as under a stuck load: the check must not queue
    // behind them for knex's minute-long acquire timeout.
    const client = host.db.client as {
      acquireConnection(): Promise<unknown>;
      releaseConnection(connection: unknown): Promise<void>;
      pool: { max: number };
    };
    const held = await Promise.all(Array.from({ length: client.pool.max }, () => client.acquireConnection()));
    try {
      const started = Date.now();
      const res = await supertest(host.app).get(`${PORTAL_PATH}/readyz`);
      const took = Date.now() - started;
      expect(res.status).to.equal(503);
      expect(res.body).to.deep.equal({ status: 'unavailable', database: 'timeout', flags: 'ok' });
      // The deadline is 1.5 s; the margin is for a loaded machine, not for waiting on the pool.
      expect(took).to.be.at.least(1_400).and.below(2_500);
    } finally {
      await Promise.all(held.map((connection) => client.releaseConnection(connection)));
    }
    await supertest(host.app).get(`${PORTAL_PATH}/readyz`).expect(200);
  });

  describe('when the database is gone', () => {
    let doomed: TestDatabase;
    let stranded: TestHost;

    before(async () => {
      doomed = await createTestDatabase();
      stranded = await createTestHost(doomed.url, { logLevel: 'info', portalEnabledFor: ['demo'] });
      await supertest(stranded.app).get(`${PORTAL_PATH}/readyz`).expect(200);
      await doomed.destroy();
    });

    after(async () => {
      await stranded?.close().catch(() => {});
    });

    it('readyz answers 503 within 2 s; healthz still answers 200', async () => {
      const started = Date.now();
      const res = await supertest(stranded.app).get(`${PORTAL_PATH}/readyz`);
      const took = Date.now() - started;
      expect(res.status).to.equal(503);
      expect(res.body.status).to.equal('unavailable');
      expect(res.body.database).to.be.oneOf(['failing', 'timeout']);
      expect(res.headers['cache-control']).to.equal('no-store');
      expect(took).to.be.below(2_000);
      await supertest(stranded.app).get(`${PORTAL_PATH}/healthz`).expect(200);
    });

    it('a failing page shows the request id, and the logged error carries it', async () => {
      const res = await supertest(stranded.app).get(`${PORTAL_PATH}/demo/sign-in`).set('X-Request-Id', 'trace-0123456789');
      expect(res.status).to.be.at.least(500);
      expect(res.text).to.contain('trace-0123456789');
      const lines = stranded
        .logOutput()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const failed = lines.find((line) => line.reqId === 'trace-0123456789' && line.level === 50);
      expect(failed, stranded.logOutput()).to.not.equal(undefined);
      // It failed loading the workspace, before any route matched.
      expect(failed!.route).to.equal(`${PORTAL_PATH}/:workspaceSlug/*`);
      expect((failed!.err as { message?: string }).message).to.be.a('string');
    });
  });

  it('readyz answers 503 once the portal is shutting down', async () => {
    const other = await createTestHost(database.url, { portalEnabledFor: ['demo'] });
    await supertest(other.app).get(`${PORTAL_PATH}/readyz`).expect(200);
    await other.portal.close();
    const res = await supertest(other.app).get(`${PORTAL_PATH}/readyz`).expect(503);
    expect(res.body).to.deep.equal({ status: 'unavailable', database: 'closing', flags: 'closing' });
    await other.close().catch(() => {});
  });
});
