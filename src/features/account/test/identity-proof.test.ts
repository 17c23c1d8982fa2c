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
import { insertClientUser } from '../../../core/index.ts';
import { csrfFrom, signedInAgent, sixDigitCode, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

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
    const user = await insertClientUser(h.crm.db, {
      workspaceId: ws.id,
      clientId: contact!.clientId,
      contactId: contact!.id,
      email: contact!.email,
      status: 'active',
    });
    const agent = h.agent();
    const form = await agent.get('/portal/demo/sign-in').expect(200);
    await agent
      .post('/portal/demo/sign-in/code')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), email })
      .expect(200);
    await h.crm.portal.drainOutbox();
    const mail = await h.smtp.waitForMessage((m) => m.to.includes(email));
    const codePage = await agent.get('/portal/demo/sign-in/code').expect(200);
    await agent
      .post('/portal/demo/sign-in/code/verify')
      .type('form')
      .send({ _csrf: csrfFrom(codePage.text), email, code: sixDigitCode(mail.text) })
      .expect(303);
    h.smtp.clear();
    return { agent, email, id: user.id };
  }

  const passwordHashOf = async (id: string) =>
    ((await h.crm.db('client_users').where({ id }).first('password_hash')) as { password_hash: string | null }).password_hash;

  describe('a first password needs a code emailed to the sign-in address', function () {
    it('refuses a first password without a code, sets it with a fresh one, and the code works once', async function () {
      const owen = await codeOnlyClient('owen@bluebell.test');
      const page = await owen.agent.get('/portal/demo/account').expect(200);
      expect(page.text).to.contain('name="confirmationCode"');
      const csrf = csrfFrom(page.text);
      const form = { _csrf: csrf, password: 'a brand new password', confirmPassword: 'a brand new password' };

      const bare = await owen.agent.post('/portal/demo/account/password').type('form').send(form);
      expect(bare.status).to.equal(400);
      expect(bare.text).to.contain('Email me a code');
      expect(await passwordHashOf(owen.id)).to.equal(null);
      const guessed = await owen.agent
        .post('/portal/demo/account/password')
        .type('form')
        .send({ ...form, confirmationCode: '123456' });
      expect(guessed.status).to.equal(400);
      expect(await passwordHashOf(owen.id)).to.equal(null);

      const sent = await owen.agent.post('/portal/demo/account/confirmation-code').type('form').send({ _csrf: csrf, for: 'password' });
      expect(sent.status).to.equal(303);
      expect(sent.headers.location).to.equal('/portal/demo/account?notice=code-sent');
      expect((await owen.agent.get(String(sent.headers.location)).expect(200)).text).to.contain('We have emailed you a 6-digit code');
      await h.crm.portal.drainOutbox();
      const code = sixDigitCode((await h.smtp.waitForMessage((m) => m.to.includes(owen.email))).subject);

      const set = await owen.agent
        .post('/portal/demo/account/password')
        .type('form')
        .send({ ...form, confirmationCode: code });
      expect(set.status, set.text).to.equal(303);
      expect(set.headers.location).to.equal('/portal/demo/account?notice=password-changed');
      expect(await passwordHashOf(owen.id)).to.be.a('string');
      expect(
        await h.crm
          .db('client_confirmation_codes')
          .where({ client_user_id: owen.id })
          .whereNull('used_at')
          .count({ n: '*' })
          .then((r) => Number(r[0]!.n)),
      ).to.equal(0);
    });

    it('a session with no password and no code cannot reach an email change or two-factor removal through a first password', async function () {
      const raj = await codeOnlyClient('raj@greenleaf.test');
      const page = await raj.agent.get('/portal/demo/account').expect(200);
      await raj.agent
        .post('/portal/demo/account/password')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), password: 'attacker password 1', confirmPassword: 'attacker password 1' })
        .expect(400);
      const emailPage = await raj.agent.get('/portal/demo/account/email').expect(200);
      const change = await raj.agent
        .post('/portal/demo/account/email')
        .type('form')
        .send({ _csrf: csrfFrom(emailPage.text), email: 'attacker@example.test', currentPassword: 'attacker password 1' });
      expect(change.status).to.equal(400);
      expect(
        await h.crm
          .db('client_confirmation_codes')
          .where({ client_user_id: raj.id, purpose: 'email-change' })
          .count({ n: '*' })
          .then((r) => Number(r[0]!.n)),
      ).to.equal(0);
    });
  });

  describe('the tries of a one-time code cannot be raced', function () {
    it('25 wrong sign-in codes at once: at most five are compared, and the right code is refused after', async function () {
      const ws = await workspace();
      const email = 'lena@harbordental.test';
      const [contact] = await h.crm.adapter.contacts.findByEmail(ws.id, email);
      const user = await insertClientUser(h.crm.db, {
        workspaceId: ws.id,
        clientId: contact!.clientId,
        contactId: contact!.id,
        email,
        status: 'active',
      });
      const asker = h.agent();
      const form = await asker.get('/portal/demo/sign-in').expect(200);
      await asker
        .post('/portal/demo/sign-in/code')
        .type('form')
        .send({ _csrf: csrfFrom(form.text), email })
        .expect(200);
      await h.crm.portal.drainOutbox();
      const code = sixDigitCode((await h.smtp.waitForMessage((m) => m.to.includes(email))).text);
      const agents = Array.from({ length: 25 }, () => h.agent());
      const tokens = await Promise.all(
        agents.map(async (agent) => csrfFrom((await agent.get('/portal/demo/sign-in/code').expect(200)).text)),
      );
      const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
      const statuses = await Promise.all(
        agents.map((agent, i) =>
          agent
            .post('/portal/demo/sign-in/code/verify')
            .type('form')
            .send({ _csrf: tokens[i], email, code: wrong(i) })
            .then((r) => r.status),
        ),
      );
      expect(
        statuses.every((s) => s !== 303),
        statuses.join(','),
      ).to.equal(true);
      const compared = await h.crm
        .db('client_activity_logs')
        .where({ workspace_id: ws.id, client_user_id: user.id, event: 'sign_in.failed' })
        .whereRaw("details->>'reason' = 'wrong_code'")
        .count({ n: '*' })
        .then((r) => Number(r[0]!.n));
      expect(compared).to.be.at.most(5);
      const [row] = await h.crm.db('client_login_codes').where({ client_user_id: user.id }).select('failed_attempts');
      expect(Number((row as { failed_attempts: number }).failed_attempts)).to.be.at.most(5);
      const last = h.agent();
      const lastPage = await last.get('/portal/demo/sign-in/code').expect(200);
      const right = await last
        .post('/portal/demo/sign-in/code/verify')
        .type('form')
        .send({ _csrf: csrfFrom(lastPage.text), email, code });
      expect(right.status).to.not.equal(303);
    });

    it('25 wrong email-change codes at once: at most five are compared, and the right code is refused after', async function () {
      const login = logins[0]!;
      const agent = await signedInAgent(h.agent(), 'demo', login);
      const page = await agent.get('/portal/demo/account/email').expect(200);
      const csrf = csrfFrom(page.text);
      const to = 'race.new@example.test';
      await agent
        .post('/portal/demo/account/email')
        .type('form')
        .send({ _csrf: csrf, email: to, currentPassword: login.password })
        .expect(303);
      await h.crm.portal.drainOutbox();
      const code = sixDigitCode((await h.smtp.waitForMessage((m) => m.to.includes(to))).subject);
      const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
      const statuses = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          agent
            .post('/portal/demo/account/email/confirm')
            .type('form')
            .send({ _csrf: csrf, code: wrong(i) })
            .then((r) => r.status),
        ),
      );
      expect(
        statuses.every((s) => s === 400),
        statuses.join(','),
      ).to.equal(true);
      const [row] = await h.crm.db('client_confirmation_codes').where({ purpose: 'email-change', new_email: to }).select('attempts');
      expect(Number((row as { attempts: number }).attempts)).to.be.at.most(5);
      const right = await agent.post('/portal/demo/account/email/confirm').type('form').send({ _csrf: csrf, code });
      expect(right.status).to.equal(400);
    });
  });

  describe('a two-factor set-up belongs to the session that started it', function () {
    it('gives two sessions different secrets, and sends the set-up page uncached', async function () {
      const login = logins[1]!;
      const first = await signedInAgent(h.agent(), 'demo', login);
      const second = await signedInAgent(h.agent(), 'demo', login);
      const a = await first.get('/portal/demo/account/two-factor/setup').expect(200);
      const b = await second.get('/portal/demo/account/two-factor/setup').expect(200);
      expect(a.headers['cache-control']).to.equal('no-store');
      expect(secretOn(a.text)).to.not.equal(secretOn(b.text));
      // A reload in the same session keeps its secret (the app may already hold it).
      expect(secretOn((await first.get('/portal/demo/account/two-factor/setup').expect(200)).text)).to.equal(secretOn(a.text));
      // The code of the other session's secret does not confirm this session's set-up.
      const crossed = await second
        .post('/portal/demo/account/two-factor/setup')
        .type('form')
        .send({ _csrf: csrfFrom(b.text), code: totpFor(secretOn(a.text)).generate(), currentPassword: login.password });
      expect(crossed.status).to.equal(400);
    });

    it('a secret started before "sign out other sessions" or a password change cannot be confirmed afterwards', async function () {
      const login = logins[1]!;
      const agent = await signedInAgent(h.agent(), 'demo', login);
      const before = secretOn((await agent.get('/portal/demo/account/two-factor/setup').expect(200)).text);
      const confirmPage = await agent.get('/portal/demo/account/sessions/revoke-others').expect(200);
      await agent
        .post('/portal/demo/account/sessions/revoke-others')
        .type('form')
        .send({ _csrf: csrfFrom(confirmPage.text) })
        .expect(303);
      const afterSignOut = await agent.get('/portal/demo/account/two-factor/setup').expect(200);
      expect(secretOn(afterSignOut.text)).to.not.equal(before);
      const stale = await agent
        .post('/portal/demo/account/two-factor/setup')
        .type('form')
        .send({ _csrf: csrfFrom(afterSignOut.text), code: totpFor(before).generate(), currentPassword: login.password });
      expect(stale.status).to.equal(400);

      const started = secretOn((await agent.get('/portal/demo/account/two-factor/setup').expect(200)).text);
      const account = await agent.get('/portal/demo/account').expect(200);
      const newPassword = `${login.password}-changed`;
      await agent
        .post('/portal/demo/account/password')
        .type('form')
        .send({ _csrf: csrfFrom(account.text), currentPassword: login.password, password: newPassword, confirmPassword: newPassword })
        .expect(303);
      const afterChange = await agent.get('/portal/demo/account/two-factor/setup').expect(200);
      expect(secretOn(afterChange.text)).to.not.equal(started);
      const refused = await agent
        .post('/portal/demo/account/two-factor/setup')
        .type('form')
        .send({ _csrf: csrfFrom(afterChange.text), code: totpFor(started).generate(), currentPassword: newPassword });
      expect(refused.status).to.equal(400);
      // Put back for the other tests.
      const back = await agent.get('/portal/demo/account').expect(200);
      await agent
        .post('/portal/demo/account/password')
        .type('form')
        .send({ _csrf: csrfFrom(back.text), currentPassword: newPassword, password: login.password, confirmPassword: login.password })
        .expect(303);
    });
  });

  describe('the email-change form does not tell which addresses have accounts', function () {
    // The CSRF token (in the forms and in the htmx header attribute) differs per session; the addresses differ by design.
    const withoutToken = (html: string) =>
      html
        .replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value=""')
        .replace(/X-CSRF-Token&#34;:&#34;[^&]+&#34;/g, 'X-CSRF-Token&#34;:&#34;&#34;');

    it('answers a taken and a free address alike, sending the taken one no code', async function () {
      const login = logins[2] ?? logins[0]!;
      const taken = logins.find((l) => l.email !== login.email)!.email;
      const free = 'free-target@example.test';
      const answers: Array<{ status: number; location: string; confirm: string }> = [];
      for (const email of [taken, free]) {
        await h.crm.db('portal_rate_limits').delete();
        const agent = await signedInAgent(h.agent(), 'demo', login);
        const page = await agent.get('/portal/demo/account/email').expect(200);
        const res = await agent
          .post('/portal/demo/account/email')
          .type('form')
          .send({ _csrf: csrfFrom(page.text), email, currentPassword: login.password });
        const confirm = res.status === 303 ? await agent.get(String(res.headers.location)) : res;
        answers.push({
          status: res.status,
          location: String(res.headers.location),
          confirm: `${confirm.status} ${withoutToken(confirm.text.split(email).join('ADDRESS'))}`,
        });
      }
      expect(answers[0]).to.deep.equal(answers[1]);
      expect(answers[0]!.status).to.equal(303);
      await h.crm.portal.drainOutbox();
      await h.smtp.waitForMessage((m) => m.to.includes(free));
      expect(h.smtp.messages.filter((m) => m.to.includes(taken))).to.deep.equal([]);
    });

    it('refuses the request past the limit with a clear 429, for taken addresses too', async function () {
      const login = logins[0]!;
      const taken = logins.find((l) => l.email !== login.email)!.email;
      const agent = await signedInAgent(h.agent(), 'demo', login);
      const page = await agent.get('/portal/demo/account/email').expect(200);
      const csrf = csrfFrom(page.text);
      const statuses: number[] = [];
      let last = '';
      for (let i = 0; i < 6; i++) {
        const res = await agent
          .post('/portal/demo/account/email')
          .type('form')
          .send({ _csrf: csrf, email: i % 2 ? `limit-${i}@example.test` : taken, currentPassword: login.password });
        statuses.push(res.status);
        last = res.text;
        if (res.status === 429) {
          expect(res.headers['retry-after']).to.match(/^\d+$/);
          break;
        }
      }
      expect(statuses.at(-1), statuses.join(',')).to.equal(429);
      expect(statuses.slice(0, -1).every((s) => s === 303)).to.equal(true);
      expect(last).to.contain('You can ask again at');
    });
  });
});
