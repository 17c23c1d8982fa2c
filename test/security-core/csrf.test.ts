// The portal's CSRF check (src/core/web/csrf.ts) on a bare express app, without the portal around it:
// safe methods pass; a state change passes only with the token of its kind (the session's when
// there is one, else the HMAC of the anonymous cookie) in the header or the form field, never in the
// URL; anything else is a 403 with the expiry message. Also the anonymous cookie's attributes and the
// multipart paths that check their own body.
import { expect } from 'chai';
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import {
  ANONYMOUS_CSRF_COOKIE,
  CSRF_MESSAGE,
  createPortalCsrf,
  portalCsrfCheck,
  tokensMatch,
  verifySessionCsrfHeader,
} from '../../src/core/web/csrf.ts';
import { sessionCsrfToken } from '../../src/core/sessions/session-data.ts';
import { HttpError } from '../../src/core/http/http-error.ts';

const SECRET = 'csrf-test-secret-'.padEnd(48, 'x');

/**
 * An app with the check in front of a few routes. The "session" is whatever the `X-Test-Session`
 * header says, so each request chooses whether it is signed in.
 */
function app(options: { secure?: boolean; multipart?: string[] } = {}) {
  const csrf = createPortalCsrf({ secret: SECRET, cookiePath: '/portal/demo', secure: options.secure ?? false });
  const a = express();
  a.use((req, _res, next) => {
    const token = req.get('X-Test-Session');
    (req as unknown as { session: unknown }).session = token === undefined ? undefined : token === 'new' ? {} : { csrfToken: token };
    next();
  });
  a.use(express.urlencoded({ extended: false }));
  a.get('/token', (req, res) => {
    // Two forms on one page share one token.
    const first = csrf.token(req, res);
    const second = csrf.token(req, res);
    res.json({ first, second });
  });
  a.get('/session-token', (req, res) => {
    const first = sessionCsrfToken(req);
    res.json({ first, second: sessionCsrfToken(req), header: verifySessionCsrfHeader(req) });
  });
  a.use(portalCsrfCheck(csrf, new Set(options.multipart ?? [])));
  a.all('/{*rest}', (req, res) => {
    res.send(`passed ${req.method}`);
  });
  a.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(err instanceof HttpError ? err.status : 500).send(err instanceof Error ? err.message : 'error');
  });
  return a;
}

async function anonymousToken(a: ReturnType<typeof app>) {
  const res = await request(a).get('/token').expect(200);
  const setCookie = res.headers['set-cookie'] as unknown as string[];
  const cookie = setCookie[0]!.split(';')[0]!;
  return { token: res.body.first as string, cookie, setCookie: setCookie[0]!, body: res.body as { first: string; second: string } };
}

describe('portal CSRF check', function () {
  it('lets GET, HEAD and OPTIONS through without a token', async function () {
    const a = app();
    await request(a).get('/x').expect(200, 'passed GET');
    await request(a).head('/x').expect(200);
    await request(a).options('/x').expect(200);
  });

  it('refuses a POST, PUT, PATCH or DELETE without a token with 403 and the expiry message', async function () {
    const a = app();
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      await request(a)[method]('/x').expect(403, CSRF_MESSAGE);
    }
  });

  it('issues an anonymous cookie (HttpOnly, SameSite=Lax, on the portal path) once per page', async function () {
    const a = app();
    const { setCookie, body, cookie } = await anonymousToken(a);
    expect(body.first).to.equal(body.second);
    expect(cookie).to.match(new RegExp(`^${ANONYMOUS_CSRF_COOKIE.replace('.', '\\.')}=[A-Za-z0-9_-]{43}$`));
    expect(setCookie).to.include('Path=/portal/demo');
    expect(setCookie).to.include('HttpOnly');
    expect(setCookie).to.include('SameSite=Lax');
    expect(setCookie).not.to.include('Secure');
    const secure = await anonymousToken(app({ secure: true }));
    expect(secure.setCookie).to.include('Secure');
  });

  it('keeps the token for a returning cookie and sets no new cookie', async function () {
    const a = app();
    const { token, cookie } = await anonymousToken(a);
    const again = await request(a).get('/token').set('Cookie', `other=1; ${cookie}`).expect(200);
    expect(again.body.first).to.equal(token);
    expect(again.headers['set-cookie']).to.equal(undefined);
  });

  it('replaces a malformed cookie value with a new one', async function () {
    const a = app();
    const res = await request(a).get('/token').set('Cookie', `${ANONYMOUS_CSRF_COOKIE}=short`).expect(200);
    expect(res.headers['set-cookie']).to.have.length(1);
    const tooLong = await request(a)
      .get('/token')
      .set('Cookie', `${ANONYMOUS_CSRF_COOKIE}=${'a'.repeat(44)}`)
      .expect(200);
    expect(tooLong.headers['set-cookie']).to.have.length(1);
  });

  it('accepts the anonymous token in the form field or the header, with its cookie', async function () {
    const a = app();
    const { token, cookie } = await anonymousToken(a);
    await request(a).post('/x').set('Cookie', cookie).type('form').send({ _csrf: token }).expect(200, 'passed POST');
    await request(a).post('/x').set('Cookie', cookie).set('X-CSRF-Token', token).expect(200, 'passed POST');
    // One matching token is enough when the other is stale.
    await request(a).post('/x').set('Cookie', cookie).set('X-CSRF-Token', 'stale').type('form').send({ _csrf: token }).expect(200);
  });

  it('refuses the anonymous token without its cookie, with another cookie, or altered', async function () {
    const a = app();
    const { token, cookie } = await anonymousToken(a);
    const other = await anonymousToken(a);
    await request(a).post('/x').type('form').send({ _csrf: token }).expect(403);
    await request(a).post('/x').set('Cookie', other.cookie).type('form').send({ _csrf: token }).expect(403);
    await request(a)
      .post('/x')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` })
      .expect(403);
    // The cookie value itself is not a token.
    await request(a)
      .post('/x')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: cookie.split('=')[1] })
      .expect(403);
  });

  it('does not take a token signed under another secret', async function () {
    const { token, cookie } = await anonymousToken(app());
    const elsewhere = express();
    const csrf = createPortalCsrf({ secret: 'another-secret-'.padEnd(48, 'y'), cookiePath: '/', secure: false });
    elsewhere.use(express.urlencoded({ extended: false }));
    elsewhere.post(
      '/x',
      (req, res, next) => csrf.verify(req, res, next),
      (_req, res) => {
        res.send('passed');
      },
    );
    elsewhere.use((err: HttpError, _req: Request, res: Response, _next: NextFunction) => {
      res.status(err.status).send(err.message);
    });
    await request(elsewhere).post('/x').set('Cookie', cookie).type('form').send({ _csrf: token }).expect(403);
  });

  it('checks a signed-in request against its session token, not the anonymous cookie', async function () {
    const a = app();
    const { token, cookie } = await anonymousToken(a);
    const sessionToken = 's'.repeat(43);
    await request(a).post('/x').set('X-Test-Session', sessionToken).set('X-CSRF-Token', sessionToken).expect(200);
    await request(a).post('/x').set('X-Test-Session', sessionToken).type('form').send({ _csrf: sessionToken }).expect(200);
    await request(a).post('/x').set('X-Test-Session', sessionToken).set('Cookie', cookie).type('form').send({ _csrf: token }).expect(403);
    await request(a).post('/x').set('X-Test-Session', sessionToken).set('X-CSRF-Token', 't'.repeat(43)).expect(403);
  });

  it('hands a signed-in page its session token', async function () {
    const res = await request(app()).get('/token').set('X-Test-Session', 'k'.repeat(43)).expect(200);
    expect(res.body).to.deep.equal({ first: 'k'.repeat(43), second: 'k'.repeat(43) });
    expect(res.headers['set-cookie']).to.equal(undefined);
  });

  it('creates a session token once and keeps it', async function () {
    const res = await request(app()).get('/session-token').set('X-Test-Session', 'new').expect(200);
    expect(res.body.first).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body.second).to.equal(res.body.first);
    expect(res.body.header).to.equal(false);
    const kept = await request(app())
      .get('/session-token')
      .set('X-Test-Session', 'q'.repeat(43))
      .set('X-CSRF-Token', 'q'.repeat(43))
      .expect(200);
    expect(kept.body).to.deep.equal({ first: 'q'.repeat(43), second: 'q'.repeat(43), header: true });
  });

  it('never takes a token from the URL, where it would land in logs and the Referer', async function () {
    const a = app();
    const { token, cookie } = await anonymousToken(a);
    await request(a).post(`/upload?_csrf=${token}`).set('Cookie', cookie).field('note', 'x').expect(403);
    await request(a).post(`/x?_csrf=${token}`).set('Cookie', cookie).type('form').send({ note: 'x' }).expect(403);
    await request(a).post('/upload').set('Cookie', cookie).set('X-CSRF-Token', token).field('note', 'x').expect(200);
  });

  it('leaves a listed multipart path to its own route, but checks it for other bodies', async function () {
    const a = app({ multipart: ['/files'] });
    await request(a).post('/files').field('note', 'x').expect(200);
    await request(a).post('/files').type('form').send({ note: 'x' }).expect(403);
    await request(a).post('/other').field('note', 'x').expect(403);
  });
});

describe('tokensMatch', function () {
  it('matches equal strings only, and nothing without an expected token', function () {
    expect(tokensMatch('abc', 'abc')).to.equal(true);
    expect(tokensMatch('abc', 'abd')).to.equal(false);
    expect(tokensMatch('abc', 'abcd')).to.equal(false);
    expect(tokensMatch(undefined, 'abc')).to.equal(false);
    expect(tokensMatch('', '')).to.equal(false);
    expect(tokensMatch('abc', ['abc'])).to.equal(false);
    expect(tokensMatch('123', 123)).to.equal(false);
  });
});
