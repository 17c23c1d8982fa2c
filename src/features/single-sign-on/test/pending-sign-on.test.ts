// An OpenID Connect sign-in under way, in the portal session on a real database: kept per
// workspace, and taken out at the answer once. The same answer brought at once to several
// instances (each read the session before any took it) is tried once: one take gets the sign-in,
// the others get nothing. Another workspace's sign-in under way stays waiting.
import { expect } from 'chai';
import express from 'express';
import type { Knex } from 'knex';
import type pg from 'pg';
import supertest from 'supertest';
import { createKnex, createPgPool } from '../../../core/db/connect.ts';
import { hashSessionId, portalSessions, SESSION_TABLE } from '../../../core/sessions/portal-sessions.ts';
import { createSessionLifecycle } from '../../../core/sessions/session-lifecycle.ts';
import { migratePortal } from '../../../migrations/index.ts';
import { reusableTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import type { PendingSingleSignOn } from '../pending-sign-on.ts';

const PATH = '/portal';
const SECRET = 'y'.repeat(40);

const pendingAt = (workspaceId: string): PendingSingleSignOn => ({
  workspaceId,
  providerId: `provider-${workspaceId}`,
  state: `state-${workspaceId}`,
  nonce: `nonce-${workspaceId}`,
  codeVerifier: `verifier-${workspaceId}`,
  startedAt: new Date().toISOString(),
});

describe('single sign-on: the sign-in under way in the session', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Knex;
  let pool: pg.Pool;

  /**
   * The portal's sessions with the lifecycle's two steps as routes. A take waits until `together`
   * takes have read the session, so each has read it before any takes (as on several instances).
   */
  function app(together: number) {
    const sessions = createSessionLifecycle({ db, cookiePath: PATH });
    let arrived = 0;
    let allArrived: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      allArrived = resolve;
    });
    const web = express();
    web.use(portalSessions({ pool, secrets: [SECRET], cookie: { path: PATH, secure: false, maxAgeMs: 3_600_000 } }));
    web.post(`${PATH}/:workspace/start`, async (req, res) => {
      await sessions.awaitStep(req, 'pendingSingleSignOns', req.params.workspace!, pendingAt(req.params.workspace!));
      res.json({ sid: req.sessionID });
    });
    web.get(`${PATH}/:workspace/callback`, async (req, res) => {
      arrived += 1;
      if (arrived >= together) allArrived();
      await gate;
      res.json({ taken: await sessions.takeStep(req, 'pendingSingleSignOns', req.params.workspace!) });
    });
    return web;
  }

  const storedPending = async (sid: string) =>
    (
      (await db(SESSION_TABLE)
        .where({ sid: hashSessionId(sid) })
        .first('sess')) as { sess: { pendingSingleSignOns?: Record<string, PendingSingleSignOn> } } | undefined
    )?.sess.pendingSingleSignOns;

  before(async function () {
    database = await reusableTestDatabase('single-sign-on-pending');
    db = createKnex(database.url, 2);
    await migratePortal(db);
    pool = createPgPool(database.url, 6);
  });
  after(async function () {
    await pool?.end();
    await db?.destroy();
    await database?.drop();
  });

  it('gives one of two callbacks brought at once the sign-in under way, and the other nothing', async function () {
    const agent = supertest.agent(app(2));
    await agent.post(`${PATH}/w-one/start`).expect(200);
    const { sid } = (await agent.post(`${PATH}/w-two/start`).expect(200)).body as { sid: string };
    expect(Object.keys((await storedPending(sid)) ?? {})).to.have.members(['w-one', 'w-two']);

    const answers = await Promise.all([agent.get(`${PATH}/w-one/callback`).expect(200), agent.get(`${PATH}/w-one/callback`).expect(200)]);
    const taken = answers.map((answer) => (answer.body as { taken: PendingSingleSignOn | null }).taken);
    expect(taken.filter((pending) => pending === null)).to.have.length(1);
    const { startedAt: _, ...checks } = pendingAt('w-one');
    expect(taken.find((pending) => pending !== null)).to.include(checks);

    // The other workspace's sign-in under way stays, in the row, and is taken once in turn (the
    // gate is open now: each take goes on at once).
    expect(Object.keys((await storedPending(sid)) ?? {})).to.deep.equal(['w-two']);
    expect((await agent.get(`${PATH}/w-one/callback`).expect(200)).body.taken).to.equal(null);
    expect((await agent.get(`${PATH}/w-two/callback`).expect(200)).body.taken).to.include({ workspaceId: 'w-two', state: 'state-w-two' });
    expect((await agent.get(`${PATH}/w-two/callback`).expect(200)).body.taken).to.equal(null);
    expect(await storedPending(sid)).to.equal(undefined);
  });
});
