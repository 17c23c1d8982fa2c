// Covers staff sign-in and sign-out on the reference CRM: success and failure, the crm.sid cookie
// and its flags, session regeneration, the workspace chosen by the email + password pair, CSRF on
// the sign-in form, safe return paths, security headers, and start-up validation of the options.
import { hash } from '@node-rs/argon2';
import { expect } from 'chai';
import request from 'supertest';
import { createReferenceCrmApp } from '../../plugins/reference-crm/app.ts';
import { insertStaffUser } from '../../plugins/reference-crm/queries/staff-users.ts';
import { findWorkspaceBySlug } from '../../plugins/reference-crm/queries/workspaces.ts';
import { DEMO_ADMIN, DEMO_MEMBER, SESSION_SECRET, csrfFrom, signIn, startCrm, textOf, type CrmTestContext } from './support.ts';

function sessionCookie(setCookie: string[] | string | undefined): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return list.find((c) => c.startsWith('crm.sid='));
}

describe('reference CRM staff sign-in', function () {
  let crm: CrmTestContext;

  before(async function () {
    crm = await startCrm();
  });

  after(async function () {
    await crm?.close();
  });

  it('shows the sign-in form with a CSRF token and strict security headers', async function () {
    const res = await request(crm.app).get('/signin').expect(200);
    expect(res.text).to.include('<label for="email">');
    expect(res.text).to.include('<label for="password">');
    expect(csrfFrom(res.text)).to.have.length.greaterThan(20);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).to.include("script-src 'self'");
    expect(csp).to.include("style-src 'self'");
    expect(csp).to.not.include('unsafe-inline');
    expect(csp).to.not.include('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['x-powered-by']).to.equal(undefined);
  });

  it('signs in with the right password, regenerating the session and setting a safe cookie', async function () {
    const agent = request.agent(crm.app);
    const page = await agent.get('/signin').expect(200);
    const before = sessionCookie(page.headers['set-cookie']);
    expect(before, 'the sign-in page stores its CSRF token in a session').to.be.a('string');

    const res = await agent
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...DEMO_ADMIN })
      .expect(303);
    expect(res.headers.location).to.equal('/');
    const after = sessionCookie(res.headers['set-cookie']);
    expect(after).to.be.a('string');
    expect(after!.split(';')[0]).to.not.equal(before!.split(';')[0]);
    expect(after).to.match(/HttpOnly/i);
    expect(after).to.match(/SameSite=Lax/i);
    expect(after).to.not.match(/Secure/i);

    const dashboard = await agent.get('/').expect(200);
    expect(dashboard.text).to.include('Demo Agency');
    expect(dashboard.text).to.include('Dana Whitfield');
    const sessions = await crm.db('crm_sessions').select('sess');
    expect(sessions.some((row) => JSON.stringify(row.sess).includes('"staffUserId"'))).to.equal(true);
  });

  it('matches the email without regard to case', async function () {
    const { agent } = await signIn(crm.app, { email: 'Member@Demo.TEST', password: DEMO_MEMBER.password });
    const res = await agent.get('/settings').expect(200);
    expect(res.text).to.include('Sam Okafor');
  });

  it('refuses a wrong password or an unknown email with the same message', async function () {
    for (const login of [
      { email: DEMO_ADMIN.email, password: 'wrong password' },
      { email: 'nobody@demo.test', password: DEMO_ADMIN.password },
    ]) {
      const agent = request.agent(crm.app);
      const page = await agent.get('/signin');
      const res = await agent
        .post('/signin')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), ...login })
        .expect(401);
      expect(textOf(res.text)).to.include('The email address or password is incorrect.');
      expect(res.text).to.not.include(login.password);
      await agent.get('/clients').expect(303);
    }
  });

  it('answers a malformed form with 400 and readable messages', async function () {
    const agent = request.agent(crm.app);
    const page = await agent.get('/signin');
    const res = await agent
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: 'not-an-email', password: '' })
      .expect(400);
    const text = textOf(res.text);
    expect(text).to.include('Enter an email address like name@example.com.');
    expect(text).to.include('Enter your password.');
    expect(res.text).to.include('aria-invalid="true"');
  });

  it('rejects a sign-in without the CSRF token (403)', async function () {
    const agent = request.agent(crm.app);
    await agent.get('/signin');
    const res = await agent.post('/signin').type('form').send(DEMO_ADMIN).expect(403);
    expect(textOf(res.text)).to.include('This form has expired');
    const wrong = await agent
      .post('/signin')
      .type('form')
      .send({ _csrf: 'x'.repeat(43), ...DEMO_ADMIN });
    expect(wrong.status).to.equal(403);
  });

  it('picks the workspace by the email and password pair', async function () {
    const acme = await findWorkspaceBySlug(crm.db, { slug: 'acme' });
    await insertStaffUser(crm.db, {
      workspaceId: acme!.id,
      name: 'Dana at Acme',
      email: DEMO_ADMIN.email,
      passwordHash: await hash('another password for acme'),
      role: 'member',
    });
    const demo = await signIn(crm.app, DEMO_ADMIN);
    expect((await demo.agent.get('/settings')).text).to.include('Demo Agency');
    const acmeSession = await signIn(crm.app, { email: DEMO_ADMIN.email, password: 'another password for acme' });
    const settings = await acmeSession.agent.get('/settings').expect(200);
    expect(settings.text).to.include('Acme Studio');
    expect(settings.text).to.include('Dana at Acme');
  });

  it('sends anonymous visitors to sign in and back to where they were going, never off-site', async function () {
    const anonymous = await request(crm.app).get('/clients?x=1').expect(303);
    expect(anonymous.headers.location).to.equal('/signin?next=%2Fclients%3Fx%3D1');

    const agent = request.agent(crm.app);
    const page = await agent.get('/signin?next=%2Fclients').expect(200);
    expect(page.text).to.include('name="next" value="/clients"');
    const res = await agent
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), next: '/clients', ...DEMO_ADMIN })
      .expect(303);
    expect(res.headers.location).to.equal('/clients');

    for (const next of ['//evil.test/', 'https://evil.test/', '/\\evil.test']) {
      const other = request.agent(crm.app);
      const form = await other.get('/signin');
      const out = await other
        .post('/signin')
        .type('form')
        .send({ _csrf: csrfFrom(form.text), next, ...DEMO_ADMIN })
        .expect(303);
      expect(out.headers.location).to.equal('/');
    }
  });

  it('signs out with a POST carrying the CSRF token', async function () {
    const { agent, csrf } = await signIn(crm.app, DEMO_ADMIN);
    await agent.post('/signout').type('form').send({}).expect(403);
    const res = await agent.post('/signout').type('form').send({ _csrf: csrf }).expect(303);
    expect(res.headers.location).to.equal('/signin');
    await agent.get('/clients').expect(303);
  });

  it('marks the cookie Secure when secureCookies is on', async function () {
    const app = createReferenceCrmApp({ db: crm.db, sessionPool: crm.pool, sessionSecret: SESSION_SECRET, secureCookies: true });
    app.set('trust proxy', 'loopback');
    const res = await request(app).get('/signin').set('X-Forwarded-Proto', 'https').expect(200);
    expect(sessionCookie(res.headers['set-cookie'])).to.match(/; Secure/);
    expect(res.headers['strict-transport-security']).to.include('max-age=');
    expect(res.headers['content-security-policy']).to.include('upgrade-insecure-requests');
  });

  it('fails at start-up with a clear message when an option is missing', function () {
    expect(() => createReferenceCrmApp({ db: crm.db, sessionPool: crm.pool, sessionSecret: 'short', secureCookies: false })).to.throw(
      /sessionSecret.*16 characters/,
    );
    expect(() =>
      createReferenceCrmApp({
        db: crm.db,
        sessionPool: crm.pool,
        sessionSecret: SESSION_SECRET,
        secureCookies: false,
        plugins: [{ mountStaff: 'x' } as never],
      }),
    ).to.throw(/plugins\[0\]\.mountStaff must be a function/);
  });
});

// The staff sign-in's rate limits live in the CRM's own crm_rate_limits table: per email a lockout
// after five attempts, counted before the password check so parallel guesses cannot pass it, and
// per IP against sprays.
describe('reference CRM staff sign-in limits', function () {
  let crm: CrmTestContext;

  before(async function () {
    crm = await startCrm();
  });
  after(async function () {
    await crm?.close();
  });
  beforeEach(async function () {
    await crm.db('crm_rate_limits').delete();
  });

  async function attempt(password: string, email = DEMO_ADMIN.email) {
    const agent = request.agent(crm.app);
    const page = await agent.get('/signin');
    return agent
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email, password });
  }

  it('locks an email out after five wrong passwords, even for the right one, and says when to retry', async function () {
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong-${i}`)).status).to.equal(401);
    const locked = await attempt(DEMO_ADMIN.password);
    expect(locked.status).to.equal(429);
    expect(Number(locked.headers['retry-after'])).to.be.within(1, 15 * 60);
    expect(textOf(locked.text)).to.match(/Too many sign-in attempts\. Try again in \d+ minutes?\./);
    // Another staff user is not locked out by it.
    expect((await attempt(DEMO_MEMBER.password, DEMO_MEMBER.email)).status).to.equal(303);
  });

  it('20 parallel wrong sign-ins: at most five reach the password check', async function () {
    const agents = Array.from({ length: 20 }, () => request.agent(crm.app));
    const tokens = await Promise.all(agents.map(async (agent) => csrfFrom((await agent.get('/signin')).text)));
    const statuses = await Promise.all(
      agents.map((agent, i) =>
        agent
          .post('/signin')
          .type('form')
          .send({ _csrf: tokens[i], email: DEMO_ADMIN.email, password: i === 13 ? DEMO_ADMIN.password : `wrong-${i}` })
          .then((res) => res.status),
      ),
    );
    expect(statuses.filter((status) => status !== 429).length, statuses.join(',')).to.be.at.most(5);
  });

  it('a success clears the count', async function () {
    for (let i = 0; i < 4; i++) expect((await attempt(`wrong-${i}`)).status).to.equal(401);
    expect((await attempt(DEMO_ADMIN.password)).status).to.equal(303);
    for (let i = 0; i < 4; i++) expect((await attempt(`wrong-again-${i}`)).status).to.equal(401);
    expect((await attempt(DEMO_ADMIN.password)).status).to.equal(303);
  });
});
