// Sign-in with email and password, password resets and invitations, over HTTP with real emails:
// the happy paths, the same answer for unknown emails, the lockout after five failures (429 with
// Retry-After, holding across app instances), single-use links, and sign-out.
import { expect } from 'chai';
import { csrfFrom, linkFrom, postPasswordSignIn, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('sign-in with a password, resets and invitations', function () {
  let h: PortalHarness;
  let login: { email: string; password: string; name: string };

  before(async function () {
    h = await startPortalHarness();
    login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
  });
  after(async function () {
    await h.close();
  });
  beforeEach(async function () {
    // Mail of the previous test is delivered before the capture is cleared, so it cannot arrive late.
    await h.crm.portal.drainOutbox();
    h.smtp.clear();
    await h.crm.db('portal_rate_limits').delete();
    await h.afterRepeatWindow();
  });

  const signIn = (agent: ReturnType<PortalHarness['agent']>, email: string, password: string, next?: string) =>
    postPasswordSignIn(agent, 'demo', { email, password }, next ? { next } : {});

  it('signs in with the right password and out again', async function () {
    const agent = h.agent();
    const res = await signIn(agent, login.email.toUpperCase(), login.password);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/portal/demo/');
    const dashboard = await agent.get('/portal/demo/').expect(200);
    expect(dashboard.text).to.contain(login.name.split(' ')[0]);

    const out = await agent
      .post('/portal/demo/sign-out')
      .type('form')
      .send({ _csrf: csrfFrom(dashboard.text) });
    expect(out.status).to.equal(303);
    expect(out.headers.location).to.equal('/portal/demo/sign-in?notice=signed-out');
    await agent.get('/portal/demo/').expect(303);
    const events = await h.crm
      .db('client_activity_logs')
      .where({ email: login.email })
      .orderBy('id', 'desc')
      .limit(2)
      .select('event', 'ip', 'user_agent');
    expect(events.map((e) => e.event)).to.deep.equal(['sign_out', 'sign_in.succeeded']);
    for (const event of events) expect(event.ip).to.be.a('string').and.not.be.empty;
  });

  it('gives the same answer for a wrong password and an unknown email', async function () {
    const wrong = await signIn(h.agent(), login.email, 'not-the-password');
    const unknown = await signIn(h.agent(), 'nobody@example.com', 'not-the-password');
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    const message = 'That email and password do not match an account here.';
    expect(wrong.text).to.contain(message);
    expect(unknown.text).to.contain(message);
  });

  it('locks the account after five failures and says when to retry', async function () {
    const agent = h.agent();
    for (let i = 0; i < 5; i++) expect((await signIn(agent, login.email, `wrong-${i}`)).status).to.equal(401);
    const locked = await signIn(agent, login.email, login.password);
    expect(locked.status).to.equal(429);
    expect(locked.headers['retry-after']).to.match(/^\d+$/);
    expect(Number(locked.headers['retry-after'])).to.be.within(60, 15 * 60);
    expect(locked.text).to.match(/try again at [^(]+\(in 15 minutes\), or get a one-time code by email now/);
    expect(locked.text).to.contain('formaction="/portal/demo/sign-in/code"');
    const logged = await h.crm.db('client_activity_logs').where({ event: 'sign_in.locked' }).count({ n: '*' });
    expect(Number(logged[0]!.n)).to.be.greaterThan(0);
  });

  it('only follows a next path inside this workspace portal', async function () {
    const cases: Array<[string, string]> = [
      ['/portal/demo/account', '/portal/demo/account'],
      ['https://evil.example/steal', '/portal/demo/'],
      ['//evil.example/steal', '/portal/demo/'],
      ['/portal/demo/..//evil.example', '/portal/demo/'],
      ['/portal/acme/', '/portal/demo/'],
      ['/\\evil.example', '/portal/demo/'],
    ];
    for (const [next, expected] of cases) {
      const res = await signIn(h.agent(), login.email, login.password, next);
      expect(res.status, next).to.equal(303);
      expect(res.headers.location, next).to.equal(expected);
    }
  });

  it('resets a forgotten password through a single-use emailed link', async function () {
    const agent = h.agent();
    const page = await agent.get('/portal/demo/password/forgot').expect(200);
    const sent = await agent
      .post('/portal/demo/password/forgot')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: login.email });
    expect(sent.status).to.equal(200);
    expect(sent.text).to.contain('If that email belongs to a client account here');
    const message = await h.smtp.waitForMessage((m) => m.to.includes(login.email), 5000);
    const link = linkFrom(message.text, '/password/reset/');

    const form = await agent.get(link).expect(200);
    const tooShort = await agent
      .post(link)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), password: 'short', confirmPassword: 'short' });
    expect(tooShort.status).to.equal(400);
    expect(tooShort.text).to.contain('at least 10 characters');

    const newPassword = 'a-brand-new-password-1';
    const done = await agent
      .post(link)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), password: newPassword, confirmPassword: newPassword });
    expect(done.status).to.equal(303);
    await agent.get('/portal/demo/').expect(200);

    const again = await h.agent().get(link);
    expect(again.status).to.equal(410);
    expect((await signIn(h.agent(), login.email, login.password)).status).to.equal(401);
    expect((await signIn(h.agent(), login.email, newPassword)).status).to.equal(303);

    const tokens = await h.crm.db('client_user_tokens').select('token_hash');
    const token = link.split('/').pop()!;
    for (const row of tokens) expect(row.token_hash).to.not.equal(token);

    // Restore the demo password for the other tests.
    await h.crm.db('portal_rate_limits').delete();
    await h.afterRepeatWindow();
    const reset = await h.agent();
    const p2 = await reset.get('/portal/demo/password/forgot');
    h.smtp.clear();
    await reset
      .post('/portal/demo/password/forgot')
      .type('form')
      .send({ _csrf: csrfFrom(p2.text), email: login.email });
    const link2 = linkFrom((await h.smtp.waitForMessage((m) => m.to.includes(login.email), 5000)).text, '/password/reset/');
    const f2 = await reset.get(link2);
    await reset
      .post(link2)
      .type('form')
      .send({ _csrf: csrfFrom(f2.text), password: login.password, confirmPassword: login.password })
      .expect(303);
  });

  it('answers a reset request for an unknown email the same way and sends nothing', async function () {
    const agent = h.agent();
    const page = await agent.get('/portal/demo/password/forgot');
    const res = await agent
      .post('/portal/demo/password/forgot')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: 'stranger@example.com' });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('If that email belongs to a client account here');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.smtp.messages).to.have.length(0);
  });

  it('limits reset requests per email with 429 and Retry-After', async function () {
    const agent = h.agent();
    const page = await agent.get('/portal/demo/password/forgot');
    for (let i = 0; i < 3; i++) {
      await agent
        .post('/portal/demo/password/forgot')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: login.email })
        .expect(200);
      await h.afterRepeatWindow();
    }
    const limited = await agent
      .post('/portal/demo/password/forgot')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: login.email });
    expect(limited.status).to.equal(429);
    expect(Number(limited.headers['retry-after'])).to.be.within(1, 3600);
    expect(limited.text).to.match(/Try again in \d+ minutes/);
    await h.crm.portal.drainOutbox();
    expect(h.smtp.messages.filter((m) => m.to.includes(login.email))).to.have.length(3);
  });

  it('lets an invited contact set a password from the invitation email', async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const contacts = await h.crm.adapter.contacts.list(workspace.id);
    const invited = await h.crm.db('client_users').where({ workspace_id: workspace.id }).pluck('contact_id');
    const contact = contacts.find((c) => !invited.includes(c.id))!;
    const staff = { id: '1', workspaceId: workspace.id, name: 'Test Admin', email: 'admin@demo.test', role: 'admin' as const };
    await h.crm.portal.auth.invite(workspace, contact.id, staff, { ip: '127.0.0.1', userAgent: 'test' });

    const message = await h.smtp.waitForMessage((m) => m.to.includes(contact.email.toLowerCase()), 5000);
    expect(message.subject).to.contain('invited you');
    const link = linkFrom(message.text, '/invitation/');
    const agent = h.agent();
    const form = await agent.get(link).expect(200);
    expect(form.text).to.contain(contact.email.toLowerCase());
    const password = 'invited-client-password';
    const res = await agent
      .post(link)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), password, confirmPassword: password });
    expect(res.status).to.equal(303);
    const dashboard = await agent.get('/portal/demo/').expect(200);
    expect(dashboard.text).to.contain(contact.name.split(' ')[0]);
    const [user] = await h.crm
      .db('client_users')
      .where({ contact_id: contact.id, workspace_id: workspace.id })
      .select('status', 'password_hash');
    expect(user.status).to.equal('active');
    expect(user.password_hash).to.match(/^\$argon2id\$/);
    await h.agent().get(link).expect(410);
  });

  it('does not let a disabled client sign in, and ends their session', async function () {
    const agent = h.agent();
    expect((await signIn(agent, login.email, login.password)).status).to.equal(303);
    await agent.get('/portal/demo/').expect(200);
    await h.crm.db('client_users').where({ email: login.email }).update({ status: 'disabled' });
    try {
      await agent.get('/portal/demo/').expect(303);
      expect((await signIn(h.agent(), login.email, login.password)).status).to.equal(401);
    } finally {
      await h.crm.db('client_users').where({ email: login.email }).update({ status: 'active' });
    }
  });
});
