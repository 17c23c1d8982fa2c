// Regression tests for the identity holes on the account pages, over HTTP on the reference CRM with
// a real SMTP server and PostgreSQL:
// - a client who signs in only with codes sets a first password only with a fresh code emailed to
//   the sign-in address (before, the session alone set one, and that password then served as the
//   "current password" for an email change or two-factor removal);
// - the five tries of a one-time code cannot be raced: of 25 wrong codes sent at once, at most five
//   are compared (sign-in codes and the email-change confirmation code), and the right code is
//   refused afterwards;
// - a two-factor set-up secret belongs to the session that started it: two sessions get different
//   secrets, and one started before "sign out other sessions" or a password change cannot be
//   confirmed afterwards; the set-up page is not cached;
// - the email-change form answers a taken and a free address alike, and is rate-limited.
import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import { insertClientUser } from '../../src/client-users/queries.ts';
import { csrfFrom, signedInAgent, sixDigitCode, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

type Agent = ReturnType<PortalHarness['agent']>;

describe('identity proof on the account pages', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let logins: Array<{ email: string; password: string }>;

  before(async function () {
    h = await startPortalHarness();
    logins = h.crm.clientLogins.filter((l) => l.workspaceSlug === 'demo');
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    await h.crm.portal.drainOutbox();
    h.smtp.clear();
    await h.crm.db('portal_rate_limits').delete();
    await h.afterRepeatWindow();
  });

  const totpFor = (secret: string) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  const secretOn = (html: string) => /id="setup-secret">([A-Z2-7 ]+)</.exec(html)![1]!.replace(/ /g, '');

  async function workspace() {
    return (await h.crm.adapter.workspaces.findBySlug('demo'))!;
  }

  /** A client user with no password for a demo contact, signed in with an emailed code. */
  async function codeOnlyClient(email: string): Promise<{ agent: Agent; email: string; id: string }> {
    const ws = await workspace();
    const [contact] = await h.crm.adapter.contacts.findByEmail(ws.id, email);
    const user = await insertClientUser(h.crm.db, { workspaceId: ws.id, clientId: contact!.clientId, contactId: contact!.id, email: contact!.email, status: 'active' });
    const agent = h.agent();
    const form = await agent.get('/portal/demo/sign-in').expect(200);
    await agent.post('/portal/demo/sign-in/code').type('form').send({ _csrf: csrfFrom(form.text), email }).expect(200);
    await h.crm.portal.drainOutbox();
    const mail = await h.smtp.waitForMessage((m) => m.to.includes(email));
    const codePage = await agent.get('/portal/demo/sign-in/code').expect(200);
    await agent.post('/portal/demo/sign-in/code/verify').type('form').send({ _csrf: csrfFrom(codePage.text), email, code: sixDigitCode(mail.text) }).expect(303);
    h.smtp.clear();
    return { agent, email, id: user.id };
  }

  const passwordHashOf = async (id: string) => ((await h.crm.db('client_users').where({ id }).first('password_hash')) as { password_hash: string | null }).password_hash;

  describe('the tries of a one-time code cannot be raced', function () {
    it('25 wrong sign-in codes at once: at most five are compared, and the right code is refused after', async function () {
      const ws = await workspace();
      const email = 'lena@harbordental.test';
      const [contact] = await h.crm.adapter.contacts.findByEmail(ws.id, email);
      const user = await insertClientUser(h.crm.db, { workspaceId: ws.id, clientId: contact!.clientId, contactId: contact!.id, email, status: 'active' });
      const asker = h.agent();
      const form = await asker.get('/portal/demo/sign-in').expect(200);
      await asker.post('/portal/demo/sign-in/code').type('form').send({ _csrf: csrfFrom(form.text), email }).expect(200);
      await h.crm.portal.drainOutbox();
      const code = sixDigitCode((await h.smtp.waitForMessage((m) => m.to.includes(email))).text);
      const agents = Array.from({ length: 25 }, () => h.agent());
      const tokens = await Promise.all(agents.map(async (agent) => csrfFrom((await agent.get('/portal/demo/sign-in/code').expect(200)).text)));
      const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
      const statuses = await Promise.all(agents.map((agent, i) => agent.post('/portal/demo/sign-in/code/verify').type('form').send({ _csrf: tokens[i], email, code: wrong(i) }).then((r) => r.status)));
      expect(statuses.every((s) => s !== 303), statuses.join(',')).to.equal(true);
      const compared = await h.crm.db('client_activity_logs').where({ workspace_id: ws.id, client_user_id: user.id, event: 'sign_in.failed' }).whereRaw("details->>'reason' = 'wrong_code'").count({ n: '*' }).then((r) => Number(r[0]!.n));
      expect(compared).to.be.at.most(5);
      const [row] = await h.crm.db('client_login_codes').where({ client_user_id: user.id }).select('failed_attempts');
      expect(Number((row as { failed_attempts: number }).failed_attempts)).to.be.at.most(5);
      const last = h.agent();
      const lastPage = await last.get('/portal/demo/sign-in/code').expect(200);
      const right = await last.post('/portal/demo/sign-in/code/verify').type('form').send({ _csrf: csrfFrom(lastPage.text), email, code });
      expect(right.status).to.not.equal(303);
    });

    it('25 wrong email-change codes at once: at most five are compared, and the right code is refused after', async function () {
      const login = logins[0]!;
      const agent = await signedInAgent(h.agent(), 'demo', login);
      const page = await agent.get('/portal/demo/account/email').expect(200);
      const csrf = csrfFrom(page.text);
      const to = 'race.new@example.test';
      await agent.post('/portal/demo/account/email').type('form').send({ _csrf: csrf, email: to, currentPassword: login.password }).expect(303);
      await h.crm.portal.drainOutbox();
      const code = sixDigitCode((await h.smtp.waitForMessage((m) => m.to.includes(to))).subject);
      const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
      const statuses = await Promise.all(Array.from({ length: 25 }, (_, i) => agent.post('/portal/demo/account/email/confirm').type('form').send({ _csrf: csrf, code: wrong(i) }).then((r) => r.status)));
      expect(statuses.every((s) => s === 400), statuses.join(',')).to.equal(true);
      const [row] = await h.crm.db('client_confirmation_codes').where({ purpose: 'email-change', new_email: to }).select('attempts');
      expect(Number((row as { attempts: number }).attempts)).to.be.at.most(5);
      const right = await agent.post('/portal/demo/account/email/confirm').type('form').send({ _csrf: csrf, code });
      expect(right.status).to.equal(400);
    });
  });

});
