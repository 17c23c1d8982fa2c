// The portal's sessions (src/core/sessions) on a real database through express-session: the store keys
// rows by the SHA-256 of the session id, so the table never holds a working cookie value; signing
// in gives a visitor who came with a cookie a new session id, stores the row before the answer, and
// keeps at most the allowed number of sessions per client; holding a pending second factor grants
// nothing; signing out deletes the row and clears the cookie; and a store that cannot be read
// leaves the error page whole without touching the session.
import { expect } from 'chai';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import supertest from 'supertest';
import { migratePortal } from '../../migrations/index.ts';
import { findClientUserWithAccess, insertClientUser, type ClientUserRow } from '../../src/core/client-users/queries.ts';
import { createKnex, createPgPool } from '../../src/core/db/connect.ts';
import {
  clientUserReadWithSession,
  createHashedSessionStore,
  hashSessionId,
  SESSION_TABLE,
} from '../../src/core/sessions/hashed-session-store.ts';
import { createSessionLifecycle } from '../../src/core/sessions/session-lifecycle.ts';
import { SESSION_COOKIE } from '../../src/core/sessions/session-data.ts';
import { keepSessionOnStoreError } from '../../src/core/sessions/unavailable-store.ts';
import { reusableTestDatabase, type TestDatabase } from '../support/database.ts';

const COOKIE_PATH = '/portal';

describe('client sessions', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Knex;
  let pool: pg.Pool;
  let store: session.Store;
  let n = 0;
  const unique = () => `${Date.now().toString(36)}-${++n}`;

  const call = <T>(fn: (cb: (err: unknown, value?: T) => void) => void) =>
    new Promise<T | undefined>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

  async function clientUser(): Promise<ClientUserRow> {
    const id = unique();
    return insertClientUser(db, {
      workspaceId: `w-${id}`,
      clientId: 'c1',
      contactId: `contact-${id}`,
      email: `person-${id}@example.test`,
      status: 'active',
    });
  }

  /** express-session on the hashed store, with the lifecycle's steps as routes. */
  function app(user: ClientUserRow, sessionStore = store) {
    const lifecycle = createSessionLifecycle({ db, cookiePath: COOKIE_PATH, maxPerUser: 2 });
    const web = express();
    web.use(
      keepSessionOnStoreError(
        session({
          name: SESSION_COOKIE,
          secret: 'x'.repeat(40),
          store: sessionStore,
          resave: false,
          saveUninitialized: false,
          unset: 'destroy',
          cookie: { path: COOKIE_PATH, httpOnly: true },
        }),
      ),
    );
    const state = (req: Request) => ({
      sid: req.sessionID,
      portal: req.session.portal ?? null,
      pending: req.session.pendingSecondFactor ?? null,
      csrf: req.session.csrfToken ?? null,
    });
    web.post(`${COOKIE_PATH}/hold`, async (req, res) => {
      await lifecycle.hold(req, {
        workspaceId: user.workspace_id,
        clientUserId: user.id,
        method: 'password',
        startedAt: new Date().toISOString(),
      });
      res.json(state(req));
    });
    web.post(`${COOKIE_PATH}/start`, async (req, res) => {
      req.session.csrfToken ??= 'planted';
      await lifecycle.start(req, user);
      // Stored before the answer: the next page, asked for at once, must find the row.
      const row = await db(SESSION_TABLE)
        .where({ sid: hashSessionId(req.sessionID) })
        .first('sess');
      res.json({ ...state(req), stored: row?.sess ?? null });
    });
    web.get(`${COOKIE_PATH}/who`, (req, res) => {
      res.json({ read: clientUserReadWithSession(req) ?? null });
    });
    web.get(`${COOKIE_PATH}/me`, (req, res) => {
      res.json(req.session ? state(req) : { sid: req.sessionID ?? null, portal: null });
    });
    web.post(`${COOKIE_PATH}/end`, async (req, res) => {
      await lifecycle.end(req);
      res.json({ ended: true });
    });
    web.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
      res.status(503).json({ error: err.message, sessionID: req.sessionID ?? null, padding: 'x'.repeat(2000) });
    });
    return web;
  }

  const rowsOf = (user: ClientUserRow) =>
    db(SESSION_TABLE).whereRaw("sess->'portal'->>'clientUserId' = ?", [user.id]).orderBy('sid').pluck('sid');

  before(async function () {
    database = await reusableTestDatabase('security-core');
    db = createKnex(database.url, 2);
    await migratePortal(db);
    pool = createPgPool(database.url, 2);
    store = createHashedSessionStore(pool);
    // Every app() below is its own express-session on this one store, each listening to it.
    store.setMaxListeners(50);
  });
  after(async function () {
    await pool?.end();
    await db?.destroy();
    await database?.drop();
  });

  describe('the hashed store', function () {
    it('stores, reads and destroys a session under the SHA-256 of its id, never the id itself', async function () {
      const sid = `sid-${unique()}`;
      const hashed = createHash('sha256').update(sid).digest('hex');
      expect(hashSessionId(sid)).to.equal(hashed);
      const data = {
        cookie: { originalMaxAge: 3_600_000, expires: new Date(Date.now() + 3_600_000) },
        csrfToken: 'token-1',
      } as unknown as session.SessionData;
      await call((cb) => store.set(sid, data, cb));
      expect(await db(SESSION_TABLE).where({ sid }).first()).to.equal(undefined);
      expect((await db(SESSION_TABLE).where({ sid: hashed }).first('sess')).sess.csrfToken).to.equal('token-1');
      expect((await call<session.SessionData | null>((cb) => store.get(sid, cb)))?.csrfToken).to.equal('token-1');
      // The stored key does not work as a cookie value.
      expect(await call((cb) => store.get(hashed, cb))).to.equal(undefined);
      await call((cb) => store.destroy(sid, cb));
      expect(await db(SESSION_TABLE).where({ sid: hashed }).first()).to.equal(undefined);
    });

    it('reads the client user a session signs in with the session, hands it to the request and never stores it', async function () {
      const user = await clientUser();
      const agent = supertest.agent(app(user));
      const started = (await agent.post(`${COOKIE_PATH}/start`).expect(200)).body;
      const stored = (
        await db(SESSION_TABLE)
          .where({ sid: hashSessionId(started.sid) })
          .first('sess')
      ).sess;
      const { read } = (await agent.get(`${COOKIE_PATH}/who`).expect(200)).body;
      const own = JSON.parse(JSON.stringify(await findClientUserWithAccess(db, user.workspace_id, user.id)));
      expect(read).to.deep.equal({ workspaceId: user.workspace_id, clientUserId: user.id, user: own });
      // Still exactly what sign-in stored: the row read with it is not part of the session.
      expect(
        (
          await db(SESSION_TABLE)
            .where({ sid: hashSessionId(started.sid) })
            .first('sess')
        ).sess,
      ).to.deep.equal(stored);
      // A visitor without a session, and a session that names nobody, get no read at all.
      expect((await supertest(app(user)).get(`${COOKIE_PATH}/who`).expect(200)).body.read).to.equal(null);
      await agent.post(`${COOKIE_PATH}/hold`).expect(200);
      expect((await agent.get(`${COOKIE_PATH}/who`).expect(200)).body.read).to.equal(null);
    });

    it('reads nobody for a session whose client user is in another workspace, gone, or named by something that is no UUID', async function () {
      const user = await clientUser();
      const agent = supertest.agent(app(user));
      const sid = hashSessionId((await agent.post(`${COOKIE_PATH}/start`).expect(200)).body.sid);
      const setPortal = (field: string, value: string) =>
        db.raw(`update ${SESSION_TABLE} set sess = jsonb_set(sess::jsonb, ?::text[], to_jsonb(?::text))::json where sid = ?`, [
          `{portal,${field}}`,
          value,
          sid,
        ]);
      const readUser = async () => (await agent.get(`${COOKIE_PATH}/who`).expect(200)).body.read;

      await setPortal('workspaceId', `${user.workspace_id}-other`);
      expect(await readUser()).to.deep.equal({ workspaceId: `${user.workspace_id}-other`, clientUserId: user.id, user: null });
      await setPortal('workspaceId', user.workspace_id);
      expect((await readUser()).user.id).to.equal(user.id);
      for (const notUuid of ['not-a-uuid', `${user.id}' or true --`, '']) {
        await setPortal('clientUserId', notUuid);
        expect(await readUser()).to.deep.equal({ workspaceId: user.workspace_id, clientUserId: notUuid, user: null });
      }
      await setPortal('clientUserId', user.id);
      await db('client_users').where({ id: user.id }).delete();
      expect((await readUser()).user).to.equal(null);
    });

    it('never rewrites the expiry on a touch: a session lasts from sign-in', async function () {
      const sid = `sid-${unique()}`;
      const expires = new Date(Date.now() + 3_600_000);
      await call((cb) => store.set(sid, { cookie: { originalMaxAge: 3_600_000, expires } } as unknown as session.SessionData, cb));
      const before = (
        await db(SESSION_TABLE)
          .where({ sid: hashSessionId(sid) })
          .first('expire')
      ).expire as Date;
      await call((cb) =>
        store.touch!(
          sid,
          { cookie: { originalMaxAge: 3_600_000, expires: new Date(Date.now() + 48 * 3_600_000) } } as unknown as session.SessionData,
          (err?: unknown) => cb(err),
        ),
      );
      expect(
        (
          await db(SESSION_TABLE)
            .where({ sid: hashSessionId(sid) })
            .first('expire')
        ).expire,
      ).to.deep.equal(before);
    });
  });

  describe('signing in and out', function () {
    it('signs in a visitor without a cookie, storing the session before answering', async function () {
      const user = await clientUser();
      const agent = supertest.agent(app(user));
      const started = (await agent.post(`${COOKIE_PATH}/start`).set('User-Agent', 'lifecycle test').expect(200)).body;
      expect(started.stored.portal).to.deep.equal(started.portal);
      expect(started.portal).to.include({ workspaceId: user.workspace_id, clientUserId: user.id, userAgent: 'lifecycle test' });
      expect(started.portal.ip).to.be.a('string').and.not.equal('');
      expect(Math.abs(Date.parse(started.portal.signedInAt) - Date.now())).to.be.below(60_000);
      // A fresh CSRF token for the signed-in session, not whatever the session held before.
      expect(started.csrf).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(started.stored.csrfToken).to.equal(started.csrf);
      expect(await rowsOf(user)).to.deep.equal([hashSessionId(started.sid)]);
      expect((await agent.get(`${COOKIE_PATH}/me`).expect(200)).body.portal).to.deep.equal(started.portal);
    });

    it('holds a pending second factor that grants nothing, then gives the signed-in client a new session id', async function () {
      const user = await clientUser();
      const agent = supertest.agent(app(user));
      const first = (await agent.post(`${COOKIE_PATH}/start`).expect(200)).body;
      const held = (await agent.post(`${COOKIE_PATH}/hold`).expect(200)).body;
      expect(held.sid).to.not.equal(first.sid);
      expect(held.portal).to.equal(null);
      expect(held.pending).to.include({ clientUserId: user.id, method: 'password' });
      expect(held.csrf)
        .to.match(/^[A-Za-z0-9_-]{43}$/)
        .and.not.equal(first.csrf);
      const me = (await agent.get(`${COOKIE_PATH}/me`).expect(200)).body;
      expect(me).to.deep.include({ sid: held.sid, portal: null });
      expect(
        await db(SESSION_TABLE)
          .where({ sid: hashSessionId(first.sid) })
          .first(),
      ).to.equal(undefined);

      const signedIn = (await agent.post(`${COOKIE_PATH}/start`).expect(200)).body;
      expect(signedIn.sid).to.not.equal(held.sid);
      expect(signedIn.pending).to.equal(null);
      expect(signedIn.stored.pendingSecondFactor).to.equal(undefined);
      expect(signedIn.csrf).to.not.equal(held.csrf);
      expect(
        await db(SESSION_TABLE)
          .where({ sid: hashSessionId(held.sid) })
          .first(),
      ).to.equal(undefined);
      expect(await rowsOf(user)).to.deep.equal([hashSessionId(signedIn.sid)]);
    });

    it('keeps at most the allowed sessions per client, dropping the oldest', async function () {
      const user = await clientUser();
      const other = await clientUser();
      const otherSid = (await supertest.agent(app(other)).post(`${COOKIE_PATH}/start`).expect(200)).body.sid as string;
      const sids: string[] = [];
      for (let i = 0; i < 3; i++) {
        sids.push((await supertest.agent(app(user)).post(`${COOKIE_PATH}/start`).expect(200)).body.sid);
        // Expiry follows sign-in (to the second); set apart so that "oldest" is well defined.
        await db(SESSION_TABLE)
          .where({ sid: hashSessionId(sids.at(-1)!) })
          .update({ expire: db.raw(`expire - interval '${3 - i} hours'`) });
      }
      expect(await rowsOf(user)).to.deep.equal([hashSessionId(sids[1]!), hashSessionId(sids[2]!)].sort());
      expect(await rowsOf(other)).to.deep.equal([hashSessionId(otherSid)]);
    });

    it("signs out by deleting the row and clearing the cookie on the portal's path", async function () {
      const user = await clientUser();
      const agent = supertest.agent(app(user));
      const started = (await agent.post(`${COOKIE_PATH}/start`).expect(200)).body;
      const ended = await agent.post(`${COOKIE_PATH}/end`).expect(200);
      const cleared = ([] as string[]).concat(ended.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
      expect(cleared)
        .to.match(/^portal\.sid=;/)
        .and.include(`Path=${COOKIE_PATH}`)
        .and.match(/Expires=Thu, 01 Jan 1970/);
      expect(await rowsOf(user)).to.deep.equal([]);
      expect((await agent.get(`${COOKIE_PATH}/me`).expect(200)).body.portal).to.equal(null);
      expect(started.sid).to.be.a('string');
    });
  });

  describe('a store that cannot be read', function () {
    it('answers the error page whole and keeps the stored session', async function () {
      const user = await clientUser();
      const agent = supertest.agent(app(user));
      const startAnswer = await agent.post(`${COOKIE_PATH}/start`).expect(200);
      const started = startAnswer.body;
      const cookie = ([] as string[])
        .concat(startAnswer.headers['set-cookie'] ?? [])
        .find((c) => c.startsWith(`${SESSION_COOKIE}=`))!
        .split(';')[0]!;
      // A real store on a database that does not answer (nothing listens on port 1).
      const downPool = createPgPool('postgres://postgres@127.0.0.1:1/none', 1);
      downPool.removeAllListeners('error');
      downPool.on('error', () => {});
      try {
        const down = app(user, createHashedSessionStore(downPool));
        const answer = await supertest(down).get(`${COOKIE_PATH}/me`).set('Cookie', cookie).expect(503);
        expect(answer.body.sessionID).to.equal(null);
        expect(answer.body.padding).to.have.length(2000);
      } finally {
        await downPool.end();
      }
      expect(await rowsOf(user)).to.deep.equal([hashSessionId(started.sid)]);
      expect((await agent.get(`${COOKIE_PATH}/me`).expect(200)).body.portal).to.include({ clientUserId: user.id });
    });
  });
});
