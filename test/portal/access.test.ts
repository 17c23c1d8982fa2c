// Who reaches which portal route: for every route, signed out → redirect (pages) or 401 (htmx
// fragments), unknown workspace → 404, flag off → 404 with no cookie set, then the success path;
// CSRF missing → 403; a client of one workspace never reaches another workspace's portal or
// another client's session; security headers are on every page.
import { expect } from 'chai';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import {
  csrfFrom,
  postPasswordSignIn,
  signedInAgent,
  startPortalHarness,
  cookieNamed,
  type PortalHarness,
} from '../support/portal-harness.ts';

const CLIENT_PAGES = ['/', '/account'];
const CLIENT_ACTIONS = ['/account/profile', '/account/password', '/account/sessions/revoke-others'];
const PUBLIC_PAGES = ['/sign-in', '/sign-in/code', '/password/forgot'];

describe('portal access rules', function () {
  let h: PortalHarness;
  let demoLogin: { email: string; password: string };
  let acmeLogin: { email: string; password: string };

  before(async function () {
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'] });
    demoLogin = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    acmeLogin = h.crm.clientLogins.find((l) => l.workspaceSlug === 'acme')!;
  });
  after(async function () {
    await h.close();
  });
  beforeEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
  });

  const signedIn = (slug: string, login: { email: string; password: string }) => signedInAgent(h.agent(), slug, login);

  it('redirects signed-out visitors of client pages to sign-in, keeping where they were going', async function () {
    for (const path of CLIENT_PAGES) {
      const res = await h.agent().get(`/portal/demo${path}`);
      expect(res.status, path).to.equal(303);
      expect(res.headers.location, path).to.equal(`/portal/demo/sign-in?next=${encodeURIComponent(`/portal/demo${path}`)}`);
    }
  });

  it('answers 401 with HX-Redirect to signed-out htmx requests', async function () {
    const res = await h.agent().get('/portal/demo/account').set('HX-Request', 'true').set('HX-Request-Type', 'partial');
    expect(res.status).to.equal(401);
    expect(res.headers['hx-redirect']).to.match(/^\/portal\/demo\/sign-in\?next=/);
  });

  it('refuses state changes without a CSRF token with 403', async function () {
    const agent = await signedIn('demo', demoLogin);
    for (const path of CLIENT_ACTIONS) {
      const res = await agent.post(`/portal/demo${path}`).type('form').send({ name: 'x' });
      expect(res.status, path).to.equal(403);
      expect(res.text).to.contain('This form has expired');
    }
    const signInWithoutToken = await h.agent().post('/portal/demo/sign-in/password').type('form').send(demoLogin);
    expect(signInWithoutToken.status).to.equal(403);
  });

  it('accepts the CSRF token as the X-CSRF-Token header (as htmx sends it)', async function () {
    const agent = await signedIn('demo', demoLogin);
    const page = await agent.get('/portal/demo/account').expect(200);
    const res = await agent
      .post('/portal/demo/account/sessions/revoke-others')
      .set('X-CSRF-Token', csrfFrom(page.text))
      .type('form')
      .send({});
    expect(res.status).to.equal(303);
  });

  it('answers 404 for an unknown workspace, on every route', async function () {
    for (const path of [...PUBLIC_PAGES, ...CLIENT_PAGES, '/branding.css']) {
      const res = await h.agent().get(`/portal/no-such-agency${path}`);
      expect(res.status, path).to.equal(404);
      expect(cookieNamed(res, 'portal.sid'), path).to.equal(undefined);
    }
  });

  it('shows the portal only inside its own workspace', async function () {
    const demo = await signedIn('demo', demoLogin);
    await demo.get('/portal/demo/').expect(200);
    // The demo session means nothing in acme: acme asks for its own sign-in.
    const elsewhere = await demo.get('/portal/acme/');
    expect(elsewhere.status).to.equal(303);
    expect(elsewhere.headers.location).to.match(/^\/portal\/acme\/sign-in/);
    // The same person is a client of both agencies, with a separate account in each: demo's
    // password does not open acme once acme's differs.
    expect(acmeLogin.email).to.equal(demoLogin.email);
    const acmeWorkspace = (await h.crm.adapter.workspaces.findBySlug('acme'))!;
    const acmePassword = 'acme-only-password';
    await h.crm
      .db('client_users')
      .where({ workspace_id: acmeWorkspace.id, email: acmeLogin.email })
      .update({ password_hash: await hashPassword(acmePassword) });
    const tryAcme = await postPasswordSignIn(demo, 'acme', demoLogin);
    expect(tryAcme.status).to.equal(401);
    const acme = await signedIn('acme', { email: acmeLogin.email, password: acmePassword });
    await acme.get('/portal/acme/').expect(200);
    await demo.get('/portal/demo/').expect(200);
  });

  it("never lets a client end another client's session", async function () {
    const first = await signedIn('demo', demoLogin);
    const other = h.crm.clientLogins.filter((l) => l.workspaceSlug === 'demo')[1]!;
    const second = await signedIn('demo', other);
    await second.get('/portal/demo/').expect(200);
    const ids = await h.crm.db('client_users').where({ email: other.email }).pluck('id');
    const rows = await h.crm.db('client_sessions').whereRaw("sess->'portal'->>'clientUserId' = any(?)", [ids]).pluck('sid');
    expect(rows).to.have.length.greaterThan(0);
    const target = { sid: rows[0] as string };
    const page = await first.get('/portal/demo/account').expect(200);
    const res = await first
      .post(`/portal/demo/account/sessions/${target.sid}/revoke`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).to.equal(404);
    await second.get('/portal/demo/').expect(200);
  });

  it('keeps only hashed session ids in the database', async function () {
    const agent = await signedIn('demo', demoLogin);
    const res = await agent.get('/portal/demo/account').expect(200);
    expect(res.status).to.equal(200);
    const rows = await h.crm.db('client_sessions').pluck('sid');
    for (const sid of rows) expect(sid).to.match(/^[0-9a-f]{64}$/);
  });

  it('sends strict security headers', async function () {
    const res = await h.agent().get('/portal/demo/sign-in').expect(200);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).to.contain("script-src 'self'").and.to.contain("style-src 'self'").and.to.contain("frame-ancestors 'none'");
    expect(csp).to.not.contain('unsafe-inline');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['referrer-policy']).to.equal('no-referrer');
  });

  it('serves branding and htmx from the app, not a CDN', async function () {
    const css = await h.agent().get('/portal/demo/branding.css').expect(200);
    expect(css.headers['content-type']).to.contain('text/css');
    expect(css.text).to.match(/--brand:#[0-9a-f]{6}/);
    const htmx = await h.agent().get('/portal/assets/htmx.js').expect(200);
    expect(htmx.text.length).to.be.greaterThan(10_000);
    const page = await h.agent().get('/portal/demo/sign-in').expect(200);
    expect(page.text).to.not.match(/https?:\/\/[^"]*\.js/);
  });
});

describe('portal behind the feature flag', function () {
  let h: PortalHarness;

  before(async function () {
    h = await startPortalHarness({ enabledFor: ['demo'] });
  });
  after(async function () {
    await h.close();
  });

  it('does not exist for a workspace whose flag is off: 404 everywhere and no cookie', async function () {
    for (const path of [...PUBLIC_PAGES, ...CLIENT_PAGES, '/branding.css', '/invitation/abc', '/password/reset/abc']) {
      const res = await h.agent().get(`/portal/acme${path}`);
      expect(res.status, path).to.equal(404);
      expect(cookieNamed(res, 'portal.sid'), path).to.equal(undefined);
    }
    const post = await h.agent().post('/portal/acme/sign-in/password').type('form').send({ email: 'a@b.c', password: 'x' });
    expect(post.status).to.equal(404);
  });

  it('leaves the CRM itself untouched when the flag is off', async function () {
    const res = await h.agent().get('/signin');
    expect(res.status).to.equal(200);
    expect(cookieNamed(res, 'portal.sid')).to.equal(undefined);
  });
});
