// Client two-factor authentication over HTTP, on the reference CRM with a real SMTP server: set-up
// refuses a wrong app code and a wrong password and switches on with the right ones (recovery codes
// shown once, the secret not stored in plain text); password and one-time-code sign-ins both stop at
// the second factor, whose session grants nothing else; a code is accepted once; recovery codes work
// once; attempts are limited; a password-less client confirms with an emailed code; the workspace
// requirement keeps clients on set-up; the admin's reset (confirmed, logged, emailed) and removal.
import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import { insertClientUser } from '../../../core/index.ts';
import {
  csrfFrom,
  postPasswordSignIn,
  sixDigitCode,
  startPortalHarness,
  type PortalHarness,
} from '../../../../test/support/portal-harness.ts';

type Agent = ReturnType<PortalHarness['agent']>;

describe('client two-factor authentication', function () {
  let h: PortalHarness;
  let alice: { email: string; password: string };
  let bob: { email: string; password: string };

  before(async function () {
    h = await startPortalHarness();
    const demo = h.crm.clientLogins.filter((l) => l.workspaceSlug === 'demo');
    alice = demo[0]!;
    bob = demo[1]!;
  });
  after(async function () {
    await h?.close();
  });

  const totpFor = (secret: string) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  const events = async (event: string, email: string) =>
    Number((await h.crm.db('client_activity_logs').where({ event, email }).count({ n: '*' }))[0]!.n);

  /** Signs in with a password and reaches the set-up page; returns the agent and the key shown. */
  async function openSetup(login: { email: string; password: string }) {
    const agent = h.agent();
    const signedIn = await postPasswordSignIn(agent, 'demo', login);
    expect(signedIn.status).to.equal(303);
    const page = await agent.get('/portal/demo/account/two-factor/setup').expect(200);
    const secret = /id="setup-secret">([A-Z2-7 ]+)</.exec(page.text)![1]!.replace(/ /g, '');
    return { agent, page, secret };
  }

  async function setUp(login: { email: string; password: string }) {
    const { agent, page, secret } = await openSetup(login);
    const code = totpFor(secret).generate();
    const res = await agent
      .post('/portal/demo/account/two-factor/setup')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code, currentPassword: login.password });
    expect(res.status, res.text).to.equal(303);
    const shown = await agent.get(String(res.headers.location)).expect(200);
    const recovery = [...shown.text.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);
    return { agent, secret, code, recovery, shown };
  }

  let aliceSecret = '';
  let aliceSetupCode = '';
  let aliceRecovery: string[] = [];

  it('refuses set-up with a wrong app code or a wrong password, then switches on with both right', async function () {
    const { agent, page, secret } = await openSetup(alice);
    // The QR code is the page's own SVG (no markup from the library, no inline style).
    expect(page.text).to.match(/<svg class="qr-code" role="img"[^>]*viewBox="0 0 \d+ \d+"/);
    expect(page.text).to.not.contain('style=');
    const csrf = csrfFrom(page.text);
    const wrongCode = await agent
      .post('/portal/demo/account/two-factor/setup')
      .type('form')
      .send({ _csrf: csrf, code: '000000', currentPassword: alice.password });
    // 000000 could be the right code once in a million; the assertion names it if so.
    expect(wrongCode.status, 'the wrong code happened to be right').to.equal(400);
    expect(wrongCode.text).to.contain('That code is not right');
    const fresh = h.agent();
    await postPasswordSignIn(fresh, 'demo', alice);
    const freshPage = await fresh.get('/portal/demo/account/two-factor/setup').expect(200);
    const wrongPassword = await fresh
      .post('/portal/demo/account/two-factor/setup')
      .type('form')
      .send({ _csrf: csrfFrom(freshPage.text), code: totpFor(secret).generate(), currentPassword: 'not-my-password' });
    expect(wrongPassword.status).to.equal(400);
    expect(wrongPassword.text).to.contain('That is not your current password.');
    expect(
      await h.crm
        .db('client_two_factor')
        .whereNotNull('enabled_at')
        .count({ n: '*' })
        .then((r) => Number(r[0]!.n)),
    ).to.equal(0);

    const done = await setUp(alice);
    // Each session sets up a secret of its own (a set-up belongs to the session that started it).
    expect(done.secret).to.not.equal(secret);
    expect(freshPage.text).to.not.contain(`${secret.slice(0, 4)} ${secret.slice(4, 8)}`);
    expect(done.recovery).to.have.length(10);
    expect(done.shown.text).to.contain('Two-factor authentication is on.');
    // Shown once: the page does not show them again.
    const again = await done.agent.get('/portal/demo/account/two-factor/recovery-codes');
    expect(again.status).to.equal(303);
    aliceSecret = done.secret;
    aliceSetupCode = done.code;
    aliceRecovery = done.recovery;
    // Stored: the secret encrypted, the recovery codes as keyed hashes.
    const row = await h.crm.db('client_two_factor').whereNotNull('enabled_at').first('secret_ciphertext');
    expect(row.secret_ciphertext).to.match(/^v1:/);
    expect(row.secret_ciphertext).to.not.contain(aliceSecret);
    const hashes = await h.crm.db('client_recovery_codes').select('code_hash');
    expect(hashes.map((r: { code_hash: string }) => r.code_hash)).to.not.include.members(aliceRecovery);
    expect(await events('two_factor.enabled', alice.email)).to.equal(1);
    void agent;
  });

  /** After the first factor: the second-factor page, and nothing else. */
  async function expectSecondFactorAsked(agent: Agent, res: { status: number; headers: Record<string, string> }) {
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/portal/demo/sign-in/two-factor');
    // The pending session grants nothing: pages send it to sign-in.
    const dashboard = await agent.get('/portal/demo/');
    expect(dashboard.status).to.equal(303);
    expect(dashboard.headers.location).to.match(/^\/portal\/demo\/sign-in/);
    await agent.get('/portal/demo/account').expect(303);
    return agent.get('/portal/demo/sign-in/two-factor').expect(200);
  }

  it('asks for the second factor after a password, accepts a code once, and refuses its replay', async function () {
    const succeededBefore = await events('sign_in.succeeded', alice.email);
    const agent = h.agent();
    const first = await postPasswordSignIn(agent, 'demo', alice, { next: '/portal/demo/account' });
    const page = await expectSecondFactorAsked(agent, first as never);
    expect(page.text).to.contain('autofocus');
    // The set-up code again: already used, refused (even if its 30 seconds are not over).
    const replay = await agent
      .post('/portal/demo/sign-in/two-factor')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: aliceSetupCode });
    expect(replay.status).to.equal(401);
    expect(replay.text).to.contain('already used');
    // A right password followed by a refused second factor is no sign-in, and is not logged as one.
    expect(await events('sign_in.succeeded', alice.email)).to.equal(succeededBefore);
    const step = Math.floor(Date.now() / 30_000) + 1;
    const next = totpFor(aliceSecret).generate({ timestamp: step * 30_000 });
    const sidBefore = (first.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('portal.sid='));
    const ok = await agent
      .post('/portal/demo/sign-in/two-factor')
      .type('form')
      .send({ _csrf: csrfFrom(replay.text), code: next });
    expect(ok.status).to.equal(303);
    expect(ok.headers.location).to.equal('/portal/demo/account');
    // A new session id on completion.
    const sidAfter = (ok.headers['set-cookie'] as unknown as string[] | undefined)?.find((c) => c.startsWith('portal.sid='));
    expect(sidAfter).to.be.a('string').and.not.equal(sidBefore);
    await agent.get('/portal/demo/account').expect(200);
    // The same code in another sign-in is refused too.
    const other = h.agent();
    const otherPage = await expectSecondFactorAsked(other, (await postPasswordSignIn(other, 'demo', alice)) as never);
    const again = await other
      .post('/portal/demo/sign-in/two-factor')
      .type('form')
      .send({ _csrf: csrfFrom(otherPage.text), code: next });
    expect(again.status).to.equal(401);
    expect(await events('two_factor.passed', alice.email)).to.equal(1);
    expect(await events('two_factor.failed', alice.email)).to.equal(2);
    expect(await events('sign_in.succeeded', alice.email)).to.equal(succeededBefore + 1);
  });

  it('asks for the second factor after a one-time code, and takes each recovery code once', async function () {
    const agent = h.agent();
    const form = await agent.get('/portal/demo/sign-in').expect(200);
    h.smtp.clear();
    await agent
      .post('/portal/demo/sign-in/code')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), email: alice.email })
      .expect(200);
    await h.crm.portal.drainOutbox();
    const mail = await h.smtp.waitForMessage((m) => m.to.includes(alice.email));
    const codePage = await agent.get('/portal/demo/sign-in/code').expect(200);
    const verified = await agent
      .post('/portal/demo/sign-in/code/verify')
      .type('form')
      .send({ _csrf: csrfFrom(codePage.text), email: alice.email, code: sixDigitCode(mail.text) });
    const page = await expectSecondFactorAsked(agent, verified as never);
    const ok = await agent
      .post('/portal/demo/sign-in/two-factor')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: aliceRecovery[0]!.toUpperCase() });
    expect(ok.status).to.equal(303);
    await agent.get('/portal/demo/').expect(200);

    const other = h.agent();
    const otherPage = await expectSecondFactorAsked(other, (await postPasswordSignIn(other, 'demo', alice)) as never);
    const reused = await other
      .post('/portal/demo/sign-in/two-factor')
      .type('form')
      .send({ _csrf: csrfFrom(otherPage.text), code: aliceRecovery[0] });
    expect(reused.status).to.equal(401);
    const second = await other
      .post('/portal/demo/sign-in/two-factor')
      .type('form')
      .send({ _csrf: csrfFrom(reused.text), code: aliceRecovery[1] });
    expect(second.status).to.equal(303);
    const status = await other.get('/portal/demo/account/two-factor').expect(200);
    expect(status.text).to.contain('8 recovery codes left.');
  });

  it("lets the admin reset a client's two-factor after a confirmation page: logged, signed out, emailed", async function () {
    const signedIn = h.agent();
    const page = await expectSecondFactorAsked(signedIn, (await postPasswordSignIn(signedIn, 'demo', alice)) as never);
    await signedIn
      .post('/portal/demo/sign-in/two-factor')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: aliceRecovery[2] })
      .expect(303);
    await signedIn.get('/portal/demo/').expect(200);

    const admin = await staffAgent('admin');
    const clients = await admin.get('/settings/client-portal/clients').expect(200);
    const resetPath = /href="(\/settings\/client-portal\/clients\/[0-9a-f-]{36}\/two-factor\/reset)"/.exec(clients.text)![1]!;
    const confirm = await admin.get(resetPath).expect(200);
    expect(confirm.text).to.contain(`Reset two-factor for ${alice.email}`);
    h.smtp.clear();
    const done = await admin
      .post(resetPath)
      .type('form')
      .send({ _csrf: csrfFrom(confirm.text) });
    expect(done.status).to.equal(303);
    expect(done.headers.location).to.contain('notice=two-factor-reset');
    await h.crm.portal.drainOutbox();
    const mail = await h.smtp.waitForMessage((m) => m.to.includes(alice.email));
    expect(mail.subject).to.contain('Two-factor authentication was reset');
    expect(await events('two_factor.reset', alice.email)).to.equal(1);
    // Signed out everywhere; the next sign-in asks for no second factor.
    await signedIn.get('/portal/demo/').expect(303);
    const again = await postPasswordSignIn(h.agent(), 'demo', alice);
    expect(again.status).to.equal(303);
    expect(again.headers.location).to.equal('/portal/demo/');
    // A member of staff cannot reset; nor can an id without two-factor be reset.
    expect((await admin.get(resetPath)).status).to.equal(404);
  });

  async function staffAgent(role: 'admin' | 'member') {
    const login = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === role)!;
    const agent = h.agent();
    const page = await agent.get('/signin').expect(200);
    await agent
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: login.email, password: login.password })
      .expect(303);
    return agent;
  }

  /** Sends the admin settings form as it stands, with the two-factor rule set as given. */
  async function setTwoFactorRule(admin: Agent, required: boolean) {
    const page = await admin.get('/settings/client-portal').expect(200);
    const form: Record<string, string> = { _csrf: csrfFrom(page.text) };
    for (const [tag] of page.text.matchAll(/<input type="checkbox"[^>]*>/g)) {
      const name = /name="([^"]+)"/.exec(tag)![1]!;
      if (/ checked>$/.test(tag)) form[name] = 'on';
    }
    if (required) form.requireTwoFactor = 'on';
    else delete form.requireTwoFactor;
    await admin.post('/settings/client-portal').type('form').send(form).expect(303);
  }

  it('with the workspace requiring two-factor, keeps a client without it on set-up until done', async function () {
    const admin = await staffAgent('admin');
    await setTwoFactorRule(admin, true);
    const clients = await admin.get('/settings/client-portal/clients').expect(200);
    expect(clients.text).to.contain('Two-factor authentication is required for client users.');
    try {
      const agent = h.agent();
      const signedIn = await postPasswordSignIn(agent, 'demo', bob);
      expect(signedIn.status).to.equal(303);
      for (const path of ['/portal/demo/', '/portal/demo/account', '/portal/demo/invoices', '/portal/demo/account/email']) {
        const res = await agent.get(path);
        expect(res.status, path).to.equal(303);
        expect(res.headers.location, path).to.equal('/portal/demo/account/two-factor/setup');
      }
      const setupPage = await agent.get('/portal/demo/account/two-factor/setup').expect(200);
      expect(setupPage.text).to.contain('Your agency asks every client');
      const post = await agent
        .post('/portal/demo/account/profile')
        .type('form')
        .send({ _csrf: csrfFrom(setupPage.text), name: 'Changed', phone: '' });
      expect(post.status).to.equal(403);
      const secret = /id="setup-secret">([A-Z2-7 ]+)</.exec(setupPage.text)![1]!.replace(/ /g, '');
      await agent
        .post('/portal/demo/account/two-factor/setup')
        .type('form')
        .send({ _csrf: csrfFrom(setupPage.text), code: totpFor(secret).generate(), currentPassword: bob.password })
        .expect(303);
      await agent.get('/portal/demo/').expect(200);
      // Required: it cannot be switched off.
      const status = await agent.get('/portal/demo/account/two-factor').expect(200);
      expect(status.text).to.contain('cannot be turned off');
      const removed = await agent
        .post('/portal/demo/account/two-factor/remove')
        .type('form')
        .send({ _csrf: csrfFrom(status.text), currentPassword: bob.password });
      expect(removed.status).to.equal(409);
    } finally {
      await setTwoFactorRule(admin, false);
    }
  });

  it('limits second-factor attempts: after five wrong codes even the right one is refused', async function () {
    const agent = h.agent();
    let page = await expectSecondFactorAsked(agent, (await postPasswordSignIn(agent, 'demo', bob)) as never);
    for (let i = 0; i < 5; i++) {
      const res = await agent
        .post('/portal/demo/sign-in/two-factor')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), code: 'wrong-code' });
      expect(res.status).to.equal(401);
      page = res;
    }
    const limited = await agent
      .post('/portal/demo/sign-in/two-factor')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: 'abcde-fghjk' });
    expect(limited.status).to.equal(429);
    expect(limited.headers['retry-after']).to.match(/^\d+$/);
    expect(limited.text).to.contain('Too many attempts');
    expect(await events('two_factor.locked', bob.email)).to.equal(1);
  });

  it('lets a client without a password confirm with an emailed code, then switch two-factor off', async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const [tom] = await h.crm.adapter.contacts.findByEmail(workspace.id, 'tom@northwind.test');
    await insertClientUser(h.crm.db, {
      workspaceId: workspace.id,
      clientId: tom!.clientId,
      contactId: tom!.id,
      email: tom!.email,
      status: 'active',
    });
    const agent = h.agent();
    const form = await agent.get('/portal/demo/sign-in').expect(200);
    h.smtp.clear();
    await agent
      .post('/portal/demo/sign-in/code')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), email: tom!.email })
      .expect(200);
    await h.crm.portal.drainOutbox();
    const signInMail = await h.smtp.waitForMessage((m) => m.to.includes(tom!.email));
    const codePage = await agent.get('/portal/demo/sign-in/code').expect(200);
    await agent
      .post('/portal/demo/sign-in/code/verify')
      .type('form')
      .send({ _csrf: csrfFrom(codePage.text), email: tom!.email, code: sixDigitCode(signInMail.text) })
      .expect(303);

    const setupPage = await agent.get('/portal/demo/account/two-factor/setup').expect(200);
    expect(setupPage.text).to.contain('name="confirmationCode"');
    expect(setupPage.text).to.not.contain('name="currentPassword"');
    const secret = /id="setup-secret">([A-Z2-7 ]+)</.exec(setupPage.text)![1]!.replace(/ /g, '');
    const missing = await agent
      .post('/portal/demo/account/two-factor/setup')
      .type('form')
      .send({ _csrf: csrfFrom(setupPage.text), code: totpFor(secret).generate() });
    expect(missing.status).to.equal(400);
    expect(missing.text).to.contain('Email me a code');
    h.smtp.clear();
    const sent = await agent
      .post('/portal/demo/account/confirmation-code')
      .type('form')
      .send({ _csrf: csrfFrom(setupPage.text), for: 'setup' });
    expect(sent.status).to.equal(303);
    expect(sent.headers.location).to.equal('/portal/demo/account/two-factor/setup?notice=code-sent');
    await h.crm.portal.drainOutbox();
    const confirmMail = await h.smtp.waitForMessage((m) => m.to.includes(tom!.email));
    const code = sixDigitCode(confirmMail.subject);
    const enabled = await agent
      .post('/portal/demo/account/two-factor/setup')
      .type('form')
      .send({ _csrf: csrfFrom(setupPage.text), code: totpFor(secret).generate(), confirmationCode: code });
    expect(enabled.status, enabled.text).to.equal(303);
    await agent.get(String(enabled.headers.location)).expect(200);
    // Switching off within a few minutes of confirming needs no second email.
    const status = await agent.get('/portal/demo/account/two-factor').expect(200);
    const off = await agent
      .post('/portal/demo/account/two-factor/remove')
      .type('form')
      .send({ _csrf: csrfFrom(status.text) });
    expect(off.status).to.equal(303);
    expect(off.headers.location).to.equal('/portal/demo/account/two-factor?notice=removed');
    expect((await agent.get(String(off.headers.location)).expect(200)).text).to.contain('Two-factor authentication is off.');
    expect(await events('two_factor.disabled', tom!.email)).to.equal(1);
  });

  it('answers a reload of the second-factor page without a pending sign-in with the sign-in page', async function () {
    const res = await h.agent().get('/portal/demo/sign-in/two-factor');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/portal/demo/sign-in');
  });
});
