// The session-fixation guard (bringsSessionCookie: "did the visitor bring a session, so sign-in
// must regenerate it?") and the portal's session reader read the Cookie header alike: for headers
// with odd spacing, repeated names and empty values, the guard says "brought" exactly when the
// portal's sessions load the stored session the cookie names (a real row, on a real database).
import { expect } from 'chai';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import type pg from 'pg';
import { migratePortal } from '../../src/migrations/index.ts';
import { createKnex, createPgPool } from '../../src/core/db/connect.ts';
import { hashSessionId, portalSessions, SESSION_TABLE, signSessionCookie } from '../../src/core/sessions/portal-sessions.ts';
import { bringsSessionCookie, SESSION_COOKIE } from '../../src/core/sessions/session-data.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const SECRET = 'cookie-parsing-test-secret';
const PLANTED = 'planted-session-id';

describe('session cookie parsing: the fixation guard and the session reader agree', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Knex;
  let pool: pg.Pool;
  let middleware: ReturnType<typeof portalSessions>;

  before(async function () {
    database = await createTestDatabase();
    db = createKnex(database.url, 1);
    await migratePortal(db);
    pool = createPgPool(database.url, 1);
    middleware = portalSessions({ pool, secrets: [SECRET], cookie: { path: '/', secure: false, maxAgeMs: 3_600_000 } });
    await db(SESSION_TABLE).insert({
      sid: hashSessionId(PLANTED),
      sess: JSON.stringify({ cookie: { path: '/' }, csrfToken: 'planted' }),
      expire: new Date(Date.now() + 3_600_000),
    });
  });
  after(async function () {
    await pool?.end();
    await db?.destroy();
    await database?.drop();
  });

  /** Whether the portal's sessions loaded the planted session for this Cookie header. */
  function sessionLoads(cookie: string): Promise<boolean> {
    const req = { headers: { cookie }, method: 'GET' } as unknown as Request;
    const res = { writeHead() {}, end() {} } as unknown as Response;
    return new Promise((resolve, reject) =>
      middleware(req, res, (err?: unknown) => (err ? reject(err) : resolve(req.sessionID === PLANTED))),
    );
  }

  const encoded = encodeURIComponent(signSessionCookie(PLANTED, [SECRET]));
  const headers = [
    `${SESSION_COOKIE}=${encoded}`,
    `${SESSION_COOKIE} =${encoded}`,
    `${SESSION_COOKIE}  =  ${encoded}`,
    `${SESSION_COOKIE}= ${encoded} `,
    `a=1;${SESSION_COOKIE} =${encoded}`,
    `a=1 ;   ${SESSION_COOKIE}\t=${encoded}`,
    `${SESSION_COOKIE}="${encoded}"`,
    `${SESSION_COOKIE}=;${SESSION_COOKIE}=${encoded}`,
    `${SESSION_COOKIE}=`,
    `x${SESSION_COOKIE}=${encoded}`,
    `portal_sid=${encoded}`,
    `a=${SESSION_COOKIE}=${encoded}`,
  ];

  for (const header of headers) {
    it(`treats ${JSON.stringify(header.replace(encoded, '<signed id>'))} alike`, async function () {
      const loads = await sessionLoads(header);
      expect(bringsSessionCookie({ headers: { cookie: header } } as Request), `the session ${loads ? 'loads' : 'does not load'}`).to.equal(
        loads,
      );
    });
  }

  it('a spaced name does load the planted session (the case a guard of its own once missed)', async function () {
    expect(await sessionLoads(`${SESSION_COOKIE} =${encoded}`)).to.equal(true);
  });
});
