// The session-fixation guard (bringsSessionCookie: "did the visitor bring a session, so sign-in
// must regenerate it?") reads the Cookie header exactly as express-session does: for headers with
// odd spacing, repeated names and empty values, the guard says "brought" exactly when
// express-session loads the stored session named by the cookie.
import { expect } from 'chai';
import type { Request, Response } from 'express';
import session from 'express-session';
import { createRequire } from 'node:module';
import { bringsSessionCookie, SESSION_COOKIE } from '../../src/core/sessions/session-data.ts';

const signature = createRequire(createRequire(import.meta.url).resolve('express-session'))('cookie-signature') as {
  sign(value: string, secret: string): string;
};

const SECRET = 'cookie-parsing-test-secret';
const PLANTED = 'planted-session-id';

describe('session cookie parsing: the fixation guard and express-session agree', function () {
  const store = new session.MemoryStore();
  const middleware = session({ name: SESSION_COOKIE, secret: SECRET, store, resave: false, saveUninitialized: false });
  before(function (done) {
    store.set(PLANTED, { cookie: { originalMaxAge: null, path: '/', httpOnly: true } } as session.SessionData, done);
  });

  /** Whether express-session loaded the planted session for this Cookie header. */
  function expressSessionLoads(cookie: string): Promise<boolean> {
    const req = { headers: { cookie }, url: '/', originalUrl: '/', method: 'GET', connection: {}, socket: {} } as unknown as Request;
    const res = { on() {}, once() {}, getHeader() {}, setHeader() {}, writeHead() {}, end() {} } as unknown as Response;
    return new Promise((resolve, reject) =>
      middleware(req, res, (err?: unknown) => (err ? reject(err) : resolve(req.sessionID === PLANTED))),
    );
  }

  const signed = `s:${signature.sign(PLANTED, SECRET)}`;
  const encoded = encodeURIComponent(signed);
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
    it(`treats ${JSON.stringify(header.replace(encoded, '<signed id>'))} as express-session does`, async function () {
      const loads = await expressSessionLoads(header);
      expect(
        bringsSessionCookie({ headers: { cookie: header } } as Request),
        `express-session ${loads ? 'loads' : 'does not load'} the session`,
      ).to.equal(loads);
    });
  }

  it('a spaced name does load the planted session in express-session (the case the guard missed)', async function () {
    expect(await expressSessionLoads(`${SESSION_COOKIE} =${encoded}`)).to.equal(true);
  });
});
