// The portal's sessions (src/core/sessions) on a real database: rows are keyed by the SHA-256 of
// the session id, so the table never holds a working cookie value; signing in gives a visitor who
// came with a cookie a new session id, stores the row before the answer, and keeps at most the
// allowed number of sessions per client; holding a pending second factor grants nothing; signing
// out deletes the row and clears the cookie; a change is written before the answer leaves, key by
// key, and never into a row signed out meanwhile; and a store that cannot be read leaves the error
// page whole without touching the session.
import { expect } from 'chai';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import type pg from 'pg';
import supertest from 'supertest';
import { migratePortal } from '../../src/migrations/index.ts';
import { findClientUserWithAccess, insertClientUser, type ClientUserRow } from '../../src/core/client-users/queries.ts';
import { createKnex, createPgPool } from '../../src/core/db/connect.ts';
import {
  clientUserReadWithSession,
  destroySession,
  hashSessionId,
  portalSessions,
  regenerateSession,
  saveSession,
  SESSION_TABLE,
  signSessionCookie,
  unsignSessionCookie,
} from '../../src/core/sessions/portal-sessions.ts';
import { createSessionLifecycle } from '../../src/core/sessions/session-lifecycle.ts';
import { SESSION_COOKIE } from '../../src/core/sessions/session-data.ts';
import { reusableTestDatabase, type TestDatabase } from '../support/database.ts';

// The signer express-session used: cookies it issued must keep working.
const cookieSignature = createRequire(createRequire(import.meta.url).resolve('express-session'))('cookie-signature') as {
  sign(value: string, secret: string): string;
  unsign(input: string, secret: string): string | false;
};

const COOKIE_PATH = '/portal';

describe('client sessions', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Knex;
  let pool: pg.Pool;
  let n = 0;
  const unique = () => `${Date.now().toString(36)}-${++n}`;

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

  const SECRET = 'x'.repeat(40);
  const saveErrors: unknown[] = [];

  /** The portal's sessions on `sessionPool`, with the lifecycle's steps as routes. */
  function app(user: ClientUserRow, sessionPool = pool, secrets = [SECRET]) {
    const lifecycle = createSessionLifecycle({ db, cookiePath: COOKIE_PATH, maxPerUser: 2 });
    const web = express();
    web.use(
      portalSessions({
        pool: sessionPool,
        secrets,
        cookie: { path: COOKIE_PATH, secure: false, maxAgeMs: 3_600_000 },
        onSaveError: (err) => saveErrors.push(err),
      }),
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
    // Sets one key of the session to the value given, and answers at once.
    web.post(`${COOKIE_PATH}/set/:key/:value`, (req, res) => {
      (req.session as unknown as Record<string, unknown>)[req.params.key!] = req.params.value;
      res.redirect(303, `${COOKIE_PATH}/me`);
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
    pool = createPgPool(database.url, 4);
  });
  after(async function () {
    await pool?.end();
    await db?.destroy();
    await database?.drop();
  });

  describe('the stored session', function () {
    const stored = async (sid: string) =>
      (await db(SESSION_TABLE)
        .where({ sid: hashSessionId(sid) })
        .first('sess', 'expire')) as { sess: Record<string, unknown>; expire: Date } | undefined;
    const cookieOf = (answer: { headers: Record<string, unknown> }) =>
      ([] as string[])
        .concat((answer.headers['set-cookie'] as string[] | undefined) ?? [])
        .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
        ?.split(';')[0];

    /** A new client user signed in through the lifecycle: the browser (an agent keeping the cookie) and the session id. */
    const signedIn = async () => {
      const user = await clientUser();
      const agent = supertest.agent(app(user));
      const { sid } = (await agent.post(`${COOKIE_PATH}/start`).expect(200)).body as { sid: string };
      return { user, agent, sid };
    };

    /** A pool of its own that shows each statement's text to `see` before sending it (to slow, fail or count it). */
    const poolSeeing = (size: number, see: (sql: string) => void | Promise<void>) => {
      const own = createPgPool(database.url, size);
      const query = own.query.bind(own) as (...args: unknown[]) => Promise<unknown>;
      (own as unknown as { query: typeof query }).query = async (...args: unknown[]) => {
        await see(String(args[0]));
        return query(...args);
      };
      return own;
    };

    it('stores a session under the SHA-256 of its id, never the id itself, and the stored key works as no cookie', async function () {
      const { user, sid } = await signedIn();
      const hashed = createHash('sha256').update(sid).digest('hex');
      expect(hashSessionId(sid)).to.equal(hashed);
      expect(await db(SESSION_TABLE).where({ sid }).first()).to.equal(undefined);
      expect((await stored(sid))?.sess.portal).to.include({ clientUserId: user.id });
      const withStoredKey = `${SESSION_COOKIE}=${encodeURIComponent(signSessionCookie(hashed, [SECRET]))}`;
      const me = (await supertest(app(user)).get(`${COOKIE_PATH}/me`).set('Cookie', withStoredKey).expect(200)).body;
      expect(me.portal).to.equal(null);
      expect(me.sid).to.not.equal(sid);
    });

    it('accepts the cookies express-session signed, and those of a previous secret while a rotation settles', async function () {
      const user = await clientUser();
      const started = await supertest(app(user)).post(`${COOKIE_PATH}/start`).expect(200);
      const { sid } = started.body as { sid: string };
      // The very bytes express-session would have sent for this id.
      expect(cookieOf(started)).to.equal(`${SESSION_COOKIE}=${encodeURIComponent(`s:${cookieSignature.sign(sid, SECRET)}`)}`);
      expect(unsignSessionCookie(`s:${cookieSignature.sign(sid, SECRET)}`, ['other-secret', SECRET])).to.equal(sid);
      const rotated = app(user, pool, ['a-new-secret'.repeat(4), SECRET]);
      const me = (await supertest(rotated).get(`${COOKIE_PATH}/me`).set('Cookie', cookieOf(started)!).expect(200)).body;
      expect(me.portal).to.include({ clientUserId: user.id });
      for (const forged of [`s:${sid}.`, `s:${sid}`, sid, `s:${cookieSignature.sign(sid, 'not-the-secret')}`]) {
        expect(unsignSessionCookie(forged, [SECRET]), forged).to.equal(undefined);
        const answer = (
          await supertest(app(user))
            .get(`${COOKIE_PATH}/me`)
            .set('Cookie', `${SESSION_COOKIE}=${encodeURIComponent(forged)}`)
        ).body;
        expect(answer.portal, forged).to.equal(null);
      }
    });

    it('writes a change before the answer leaves: the next page, asked for at once, finds it', async function () {
      const user = await clientUser();
      // Writes made slow, so an answer that went out before its write would be seen to.
      const slowPool = poolSeeing(2, async (sql) => {
        if (/^\s*update\s/i.test(sql)) await new Promise((resolve) => setTimeout(resolve, 300));
      });
      try {
        const agent = supertest.agent(app(user, slowPool));
        const { sid } = (await agent.post(`${COOKIE_PATH}/start`).expect(200)).body as { sid: string };
        const web = app(user, slowPool);
        const server = web.listen(0, '127.0.0.1');
        await new Promise((resolve) => server.once('listening', resolve));
        try {
          const { port } = server.address() as { port: number };
          const cookie = `${SESSION_COOKIE}=${encodeURIComponent(signSessionCookie(sid, [SECRET]))}`;
          const answer = await fetch(`http://127.0.0.1:${port}${COOKIE_PATH}/set/identityConfirmedAt/now`, {
            method: 'POST',
            headers: { cookie },
            redirect: 'manual',
          });
          // Read as the redirect's headers arrive, before anything else of the answer.
          const atRedirect = await stored(sid);
          expect(answer.status).to.equal(303);
          expect(atRedirect?.sess.identityConfirmedAt).to.equal('now');
        } finally {
          server.close();
        }
      } finally {
        await slowPool.end();
      }
    });

    it('writes only the keys a request changed: two requests of one session both keep theirs', async function () {
      const { user, agent, sid } = await signedIn();
      await Promise.all([agent.post(`${COOKIE_PATH}/set/first/one`).expect(303), agent.post(`${COOKIE_PATH}/set/second/two`).expect(303)]);
      expect((await stored(sid))?.sess).to.include({ first: 'one', second: 'two' });
      expect((await stored(sid))?.sess.portal).to.include({ clientUserId: user.id });
    });

    it('never brings back a session signed out while a request of it was under way', async function () {
      const { sid } = await signedIn();
      const web = express();
      web.use(portalSessions({ pool, secrets: [SECRET], cookie: { path: COOKIE_PATH, secure: false, maxAgeMs: 3_600_000 } }));
      web.post(`${COOKIE_PATH}/late`, async (req, res) => {
        // Signed out elsewhere ("sign out other sessions") after this request read its session.
        await db(SESSION_TABLE)
          .where({ sid: hashSessionId(sid) })
          .delete();
        req.session.csrfToken = 'written-too-late';
        res.json({ ok: true });
      });
      const cookie = `${SESSION_COOKIE}=${encodeURIComponent(signSessionCookie(sid, [SECRET]))}`;
      await supertest(web).post(`${COOKIE_PATH}/late`).set('Cookie', cookie).expect(200);
      expect(await stored(sid)).to.equal(undefined);
    });

    it('reports a change it could not write and still answers', async function () {
      const { user, sid } = await signedIn();
      const failingPool = poolSeeing(1, (sql) => {
        if (/^\s*update\s/i.test(sql)) throw new Error('the write failed');
      });
      try {
        saveErrors.length = 0;
        const cookie = `${SESSION_COOKIE}=${encodeURIComponent(signSessionCookie(sid, [SECRET]))}`;
        await supertest(app(user, failingPool)).post(`${COOKIE_PATH}/set/identityConfirmedAt/lost`).set('Cookie', cookie).expect(303);
        expect(saveErrors.map((err) => (err as Error).message)).to.deep.equal(['the write failed']);
        expect((await stored(sid))?.sess.identityConfirmedAt).to.equal(undefined);
      } finally {
        await failingPool.end();
      }
    });

    it('keeps the expiry sign-in gave: a session lasts from sign-in, whatever changes after', async function () {
      const { agent, sid } = await signedIn();
      const before = (await stored(sid))!;
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const changed = await agent.post(`${COOKIE_PATH}/set/identityConfirmedAt/later`).expect(303);
      expect(cookieOf(changed), 'no new cookie for a session the browser holds').to.equal(undefined);
      const after = (await stored(sid))!;
      expect(after.sess.identityConfirmedAt).to.equal('later');
      expect(after.expire).to.deep.equal(before.expire);
      expect(after.sess.cookie).to.deep.equal(before.sess.cookie);
    });

    it('starts no row for a visitor whose session changed nothing, and reads none for a page without the cookie', async function () {
      const user = await clientUser();
      const counted: string[] = [];
      const countingPool = poolSeeing(1, (sql) => {
        counted.push(sql);
      });
      try {
        const web = app(user, countingPool);
        const page = (await supertest(web).get(`${COOKIE_PATH}/me`).expect(200)).body;
        expect(page).to.deep.equal({ sid: null, portal: null });
        const posted = await supertest(web).post(`${COOKIE_PATH}/who`).expect(404);
        expect(cookieOf(posted)).to.equal(undefined);
        expect(counted).to.deep.equal([]);
      } finally {
        await countingPool.end();
      }
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

    describe('what the layer writes and sends', function () {
      const MAX_AGE_MS = 3_600_000;
      const sessionCookieOf = (answer: { headers: Record<string, unknown> }) =>
        ([] as string[])
          .concat((answer.headers['set-cookie'] as string[] | undefined) ?? [])
          .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
      /** The attributes of the answer's session cookie, and its Expires in milliseconds. */
      const attributesOf = (answer: { headers: Record<string, unknown> }) => {
        const [, ...attributes] = sessionCookieOf(answer)!.split(/;\s*/);
        const expires = attributes.find((a) => a.startsWith('Expires='));
        return { flags: attributes.filter((a) => a !== expires), expires: Date.parse(expires!.slice('Expires='.length)) };
      };
      const writesIn = (statements: string[]) => statements.filter((sql) => /^\s*(insert|update|delete)\b/i.test(sql));

      /** The sessions layer alone, on `sessionPool`, with routes that change, save, regenerate and destroy the session. */
      function layer(sessionPool: pg.Pool, secure = false) {
        const web = express();
        // Behind a proxy that says whether the browser's connection was HTTPS.
        web.set('trust proxy', true);
        web.use(portalSessions({ pool: sessionPool, secrets: [SECRET], cookie: { path: COOKIE_PATH, secure, maxAgeMs: MAX_AGE_MS } }));
        const session = (req: Request) => req.session as unknown as Record<string, unknown>;
        const answer = (req: Request, res: Response) => res.json({ sid: req.sessionID ?? null });
        web.post(`${COOKIE_PATH}/put/:key/:value`, (req, res) => {
          session(req)[req.params.key!] = req.params.value;
          answer(req, res);
        });
        web.post(`${COOKIE_PATH}/drop/:key`, (req, res) => {
          delete session(req)[req.params.key!];
          answer(req, res);
        });
        web.post(`${COOKIE_PATH}/unset-and-save/:key`, async (req, res) => {
          session(req)[req.params.key!] = undefined;
          await saveSession(req);
          answer(req, res);
        });
        web.post(`${COOKIE_PATH}/save`, async (req, res) => {
          await saveSession(req);
          answer(req, res);
        });
        web.post(`${COOKIE_PATH}/regenerate`, async (req, res) => {
          await regenerateSession(req);
          answer(req, res);
        });
        web.post(`${COOKIE_PATH}/put-and-destroy`, async (req, res) => {
          session(req).theme = 'dark';
          await destroySession(req);
          if (req.query.save !== undefined) await saveSession(req);
          answer(req, res);
        });
        return web;
      }

      it('sends the cookie after sign-in HttpOnly, SameSite=Lax, on the portal path, expiring the max age after sign-in, and stores the same', async function () {
        const user = await clientUser();
        const before = Date.now();
        const started = await supertest(app(user)).post(`${COOKIE_PATH}/start`).expect(200);
        const after = Date.now();
        const { flags, expires } = attributesOf(started);
        // Cookies are not secure in this app: no Secure flag.
        expect(flags).to.have.members([`Path=${COOKIE_PATH}`, 'HttpOnly', 'SameSite=Lax']);
        const row = (await stored(started.body.sid))!;
        const cookie = row.sess.cookie as { expires: string };
        expect(cookie).to.deep.equal({
          originalMaxAge: MAX_AGE_MS,
          expires: cookie.expires,
          secure: false,
          httpOnly: true,
          path: COOKIE_PATH,
          sameSite: 'lax',
        });
        const storedExpires = Date.parse(cookie.expires);
        expect(storedExpires).to.be.within(before + MAX_AGE_MS, after + MAX_AGE_MS);
        // The same moment in the cookie (to the second, as HTTP dates go) and in the row's expiry.
        expect(expires).to.equal(Math.floor(storedExpires / 1000) * 1000);
        expect(row.expire.getTime()).to.equal(Math.ceil(storedExpires / 1000) * 1000);
      });

      it('marks a secure cookie Secure over HTTPS, and sends it not at all over plain HTTP', async function () {
        const web = layer(pool, true);
        const overHttps = await supertest(web).post(`${COOKIE_PATH}/put/theme/dark`).set('X-Forwarded-Proto', 'https').expect(200);
        expect(attributesOf(overHttps).flags).to.have.members([`Path=${COOKIE_PATH}`, 'HttpOnly', 'SameSite=Lax', 'Secure']);
        expect((await stored(overHttps.body.sid))?.sess.cookie).to.include({ secure: true });
        const overHttp = await supertest(web).post(`${COOKIE_PATH}/put/theme/dark`).expect(200);
        expect(overHttp.body.sid).to.be.a('string');
        expect(sessionCookieOf(overHttp)).to.equal(undefined);
      });

      it('gives a new session whose cookie record was dropped the max age from now, in its cookie and its row', async function () {
        const before = Date.now();
        const answer = await supertest(layer(pool)).post(`${COOKIE_PATH}/drop/cookie`).expect(200);
        const after = Date.now();
        expect(attributesOf(answer).expires).to.be.within(Math.floor((before + MAX_AGE_MS) / 1000) * 1000, after + MAX_AGE_MS);
        const row = (await stored(answer.body.sid))!;
        expect(row.sess).to.deep.equal({});
        expect(row.expire.getTime()).to.be.within(before + MAX_AGE_MS, Math.ceil((after + MAX_AGE_MS) / 1000) * 1000);
      });

      it('removes a key the request deleted or unset from the row, and writes each removal once', async function () {
        const counted: string[] = [];
        const countingPool = poolSeeing(1, (sql) => {
          counted.push(sql);
        });
        try {
          const agent = supertest.agent(layer(countingPool));
          const { sid } = (await agent.post(`${COOKIE_PATH}/put/first/one`).expect(200)).body as { sid: string };
          await agent.post(`${COOKIE_PATH}/put/second/two`).expect(200);
          expect((await stored(sid))?.sess).to.include({ first: 'one', second: 'two' });

          counted.length = 0;
          await agent.post(`${COOKIE_PATH}/drop/first`).expect(200);
          expect(writesIn(counted)).to.have.length(1);
          expect((await stored(sid))?.sess).to.not.have.property('first');

          counted.length = 0;
          await agent.post(`${COOKIE_PATH}/unset-and-save/second`).expect(200);
          expect(writesIn(counted)).to.have.length(1);
          const { sess } = (await stored(sid))!;
          expect(sess).to.not.have.property('second');
          expect(sess).to.have.property('cookie');

          // Saved with nothing changed: no write at all.
          counted.length = 0;
          await agent.post(`${COOKIE_PATH}/save`).expect(200);
          expect(writesIn(counted)).to.deep.equal([]);
        } finally {
          await countingPool.end();
        }
      });

      it('writes and deletes nothing for a session never stored that is saved unchanged, regenerated or destroyed', async function () {
        const counted: string[] = [];
        const countingPool = poolSeeing(1, (sql) => {
          counted.push(sql);
        });
        try {
          const web = layer(countingPool);
          for (const route of ['save', 'regenerate', 'put-and-destroy', 'put-and-destroy?save']) {
            counted.length = 0;
            const answer = await supertest(web).post(`${COOKIE_PATH}/${route}`).expect(200);
            expect(counted, route).to.deep.equal([]);
            expect(sessionCookieOf(answer), route).to.equal(undefined);
          }
        } finally {
          await countingPool.end();
        }
      });

      it('refuses to save, regenerate or destroy on a request that came through no portal session', async function () {
        for (const step of [saveSession, regenerateSession, destroySession]) {
          let failure: unknown;
          await step({} as Request).catch((err: unknown) => {
            failure = err;
          });
          expect((failure as Error | undefined)?.message, step.name).to.equal('This request has no portal session.');
        }
      });

      it('reads odd cookie values as express-session did', function () {
        const sid = 'an-odd-session-id';
        const signed = cookieSignature.sign(sid, SECRET);
        const padded = `${sid}.${createHmac('sha256', SECRET).update(sid).digest('base64')}`;
        expect(padded.endsWith('=')).to.equal(true);
        /** express-session's reading: only `s:` values, unsigned by cookie-signature. */
        const expressSessionRead = (raw: string) => {
          if (raw.slice(0, 2) !== 's:') return undefined;
          const value = cookieSignature.unsign(raw.slice(2), SECRET);
          return value === false ? undefined : value;
        };
        const cases: [string, string | undefined][] = [
          [`s:${signed}`, sid],
          [`t:${signed}`, undefined],
          [`xx${signed}`, undefined],
          [`s:${padded}`, undefined],
          [`s:${cookieSignature.sign('', SECRET)}`, ''],
          [`s:${signed.replace('.', '')}`, undefined],
          ['s:', undefined],
        ];
        for (const [raw, read] of cases) {
          expect(expressSessionRead(raw), raw).to.equal(read);
          expect(unsignSessionCookie(raw, [SECRET]), raw).to.equal(read);
        }
      });
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
        const down = app(user, downPool);
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
