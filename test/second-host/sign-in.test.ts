// Covers signing in to the portal of the second, Dolibarr-like host over HTTP with the passwords
// its contacts already have (an argon2id and a PHP-style bcrypt hash on llx_socpeople): the
// dashboard greets them with their host data, the portal stores no password of its own and makes
// the client user on first sign-in, wrong passwords and logins the host has switched off or
// deleted are refused, a host login that never used the portal signs in with an emailed code, and
// nobody from another entity gets in.
import { expect } from 'chai';
import { csrfFrom, linkFrom, postPasswordSignIn, sixDigitCode } from '../support/portal-harness.ts';
import { SECOND_LOGINS, SECOND_WORKSPACE, startSecondHost, type SecondHost } from '../support/second-host-harness.ts';

const BASE = `/portal/${SECOND_WORKSPACE}`;

describe('second host: clients sign in with their existing passwords', function () {
  let h: SecondHost;

  before(async function () {
    h = await startSecondHost();
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    // Mail of the previous test is delivered before the capture is cleared, so it cannot arrive late.
    await h.portal.drainOutbox();
    h.smtp.clear();
    await h.db('portal_request_guards').delete();
    await h.db('portal_rate_limits').delete();
  });

  type Agent = ReturnType<SecondHost['agent']>;

  const signIn = (agent: Agent, email: string, password: string) => postPasswordSignIn(agent, SECOND_WORKSPACE, { email, password });

  async function requestCode(agent: Agent, email: string) {
    const page = await agent.get(`${BASE}/sign-in`).expect(200);
    return agent.post(`${BASE}/sign-in/code`).type('form').send({ _csrf: csrfFrom(page.text), email });
  }

  const clientUser = (contactId: string) => h.db('client_users').where({ workspace_id: '1', contact_id: contactId }).first('id', 'email', 'status', 'password_hash');

  /** Lets a moment pass for any email in flight, then lists what went to this address. */
  async function mailTo(email: string) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    return h.smtp.messages.filter((message) => message.to.includes(email));
  }

  it('signs in an argon2id contact, creating their client user without a password of the portal\'s', async function () {
    const { claire } = SECOND_LOGINS;
    expect(await clientUser(claire.contactId)).to.equal(undefined);
    const agent = h.agent();
    const res = await signIn(agent, claire.email, claire.password);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`${BASE}/`);
    const dashboard = await agent.get(`${BASE}/`).expect(200);
    expect(dashboard.text).to.match(/Good (morning|afternoon|evening), Claire/);
    expect(dashboard.text).to.contain('Boulangerie Martin');
    const user = await clientUser(claire.contactId);
    expect(user).to.include({ email: claire.email, status: 'active', password_hash: null });
    const [host] = await h.db('llx_socpeople').where({ rowid: 1 }).select('pass_crypted');
    expect(host.pass_crypted).to.match(/^\$argon2id\$/);
  });

  it('signs in a bcrypt ($2y$) contact whatever the case of the email, with their dashboard from the host\'s numbers', async function () {
    const { marc } = SECOND_LOGINS;
    const [host] = await h.db('llx_socpeople').where({ rowid: 2 }).select('pass_crypted', 'email');
    expect(host.pass_crypted).to.match(/^\$2y\$/);
    expect(host.email).to.equal('Marc@Dupont.example');
    const agent = h.agent();
    const res = await signIn(agent, 'MARC@dupont.EXAMPLE', marc.password);
    expect(res.status).to.equal(303);
    const dashboard = await agent.get(`${BASE}/`).expect(200);
    expect(dashboard.text).to.match(/Good (morning|afternoon|evening), Marc/);
    expect(dashboard.text).to.contain('Garage Dupont');
    // PR2601-0002 is validated (fk_statut 1); FA2601-0002 is 1140.60 with 140.60 paid, past due.
    expect(dashboard.text).to.contain('1 proposal awaits your answer');
    expect(dashboard.text).to.contain('Outstanding: €1,000.00 (1 overdue)');
    expect(dashboard.text).to.contain('1 shared document');
    expect(await clientUser(marc.contactId)).to.include({ email: marc.email, password_hash: null });
  });

  it('refuses a wrong password and an unknown email with the same 401', async function () {
    const wrong = await signIn(h.agent(), SECOND_LOGINS.claire.email, 'not-her-password');
    const unknown = await signIn(h.agent(), 'nobody@martin.example', 'not-her-password');
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    const message = 'That email and password do not match an account here.';
    expect(wrong.text).to.contain(message);
    expect(unknown.text).to.contain(message);
  });

  it('refuses a login the host switched off (statut 0) or soft-deleted, even with the right password', async function () {
    for (const login of [SECOND_LOGINS.hugo, SECOND_LOGINS.jean]) {
      const res = await signIn(h.agent(), login.email, login.password);
      expect(res.status, login.email).to.equal(401);
      expect(await clientUser(login.contactId), login.email).to.equal(undefined);
      expect((await requestCode(h.agent(), login.email)).status).to.equal(200);
      expect(await mailTo(login.email), login.email).to.have.length(0);
    }
  });

  it('refuses a contact without a host password, and a contact of another entity', async function () {
    expect((await signIn(h.agent(), SECOND_LOGINS.lea.email, 'any-password-at-all')).status).to.equal(401);
    const { giulia } = SECOND_LOGINS;
    expect((await signIn(h.agent(), giulia.email, giulia.password)).status).to.equal(401);
    expect((await requestCode(h.agent(), giulia.email)).status).to.equal(200);
    expect(await mailTo(giulia.email)).to.have.length(0);
    // Her own entity's portal is not switched on: it does not exist.
    await h.agent().get('/portal/atelier-sud/sign-in').expect(404);
    // Nor does a switched-off entity's.
    await h.agent().get('/portal/atelier-ouest/sign-in').expect(404);
  });

  it('signs in a host login that never used the portal with an emailed one-time code', async function () {
    const { sophie } = SECOND_LOGINS;
    expect(await clientUser(sophie.contactId)).to.equal(undefined);
    const agent = h.agent();
    expect((await requestCode(agent, sophie.email)).status).to.equal(200);
    const message = await h.smtp.waitForMessage((m) => m.to.includes(sophie.email), 5000);
    const form = await agent.get(`${BASE}/sign-in/code`).expect(200);
    const res = await agent
      .post(`${BASE}/sign-in/code/verify`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), email: sophie.email, code: sixDigitCode(message.subject) });
    expect(res.status).to.equal(303);
    const dashboard = await agent.get(`${BASE}/`).expect(200);
    expect(dashboard.text).to.match(/Good (morning|afternoon|evening), Sophie/);
    expect(await clientUser(sophie.contactId)).to.include({ email: sophie.email, status: 'active', password_hash: null });
  });

  it('sends no code or reset link, and honours none issued before, once the host switches a used login off', async function () {
    const { marc } = SECOND_LOGINS;
    expect((await signIn(h.agent(), marc.email, marc.password)).status).to.equal(303);
    expect(await clientUser(marc.contactId)).to.not.equal(undefined);

    // A code and a reset link issued while the login is on.
    const agent = h.agent();
    await requestCode(agent, marc.email);
    const code = sixDigitCode((await h.smtp.waitForMessage((m) => m.to.includes(marc.email) && /\d{6}/.test(m.subject), 5000)).subject);
    const forgot = await agent.get(`${BASE}/password/forgot`).expect(200);
    await agent.post(`${BASE}/password/forgot`).type('form').send({ _csrf: csrfFrom(forgot.text), email: marc.email }).expect(200);
    const reset = linkFrom((await h.smtp.waitForMessage((m) => m.to.includes(marc.email) && m.text.includes('/password/reset/'), 5000)).text, '/password/reset/');

    await h.db('llx_socpeople').where({ rowid: 2 }).update({ statut: 0 });
    try {
      h.smtp.clear();
      const form = await agent.get(`${BASE}/sign-in/code`).expect(200);
      const verify = await agent.post(`${BASE}/sign-in/code/verify`).type('form').send({ _csrf: csrfFrom(form.text), email: marc.email, code });
      expect(verify.status).to.equal(401);
      await h.agent().get(reset).expect(410);

      expect((await requestCode(h.agent(), marc.email)).status).to.equal(200);
      const again = h.agent();
      const page = await again.get(`${BASE}/password/forgot`).expect(200);
      await again.post(`${BASE}/password/forgot`).type('form').send({ _csrf: csrfFrom(page.text), email: marc.email }).expect(200);
      expect(await mailTo(marc.email)).to.have.length(0);
      expect((await signIn(h.agent(), marc.email, marc.password)).status).to.equal(401);
    } finally {
      await h.db('llx_socpeople').where({ rowid: 2 }).update({ statut: 1 });
    }
  });

  it('ends a session once the host soft-deletes the contact', async function () {
    const { claire } = SECOND_LOGINS;
    const agent = h.agent();
    expect((await signIn(agent, claire.email, claire.password)).status).to.equal(303);
    await agent.get(`${BASE}/`).expect(200);
    await h.db('llx_socpeople').where({ rowid: 1 }).update({ deleted_at: h.db.fn.now() });
    try {
      await agent.get(`${BASE}/`).expect(303);
      expect((await signIn(h.agent(), claire.email, claire.password)).status).to.equal(401);
    } finally {
      await h.db('llx_socpeople').where({ rowid: 1 }).update({ deleted_at: null });
    }
  });
});
