// Sign-in with an emailed one-time code, end to end over HTTP with the code read from a real SMTP
// message: the happy path with session regeneration, wrong, expired and reused codes, the burn
// after five wrong tries, the same answer for unknown emails, rate limits, and the activity log.
import { expect } from 'chai';
import { csrfFrom, sixDigitCode, startPortalHarness, cookieNamed, type PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('sign-in with a one-time code', function () {
  let h: PortalHarness;
  let email: string;

  before(async function () {
    h = await startPortalHarness();
    email = h.crm.clientLogins.find((login) => login.workspaceSlug === 'demo')!.email;
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

  async function requestCode(agent: ReturnType<PortalHarness['agent']>, address = email) {
    const page = await agent.get('/portal/demo/sign-in').expect(200);
    return agent
      .post('/portal/demo/sign-in/code')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: address });
  }

  async function codeFor(address = email) {
    const message = await h.smtp.waitForMessage((m) => m.to.includes(address), 5000);
    return sixDigitCode(message.subject);
  }

  async function verify(agent: ReturnType<PortalHarness['agent']>, code: string, address = email) {
    const page = await agent.get('/portal/demo/sign-in/code').expect(200);
    return agent
      .post('/portal/demo/sign-in/code/verify')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: address, code });
  }

  it('signs in with the code from the email and regenerates the session', async function () {
    const agent = h.agent();
    const sent = await requestCode(agent);
    expect(sent.status).to.equal(200);
    expect(sent.text).to.contain('6-digit code');
    const before = cookieNamed(sent, 'portal.sid') ?? '';

    const message = await h.smtp.waitForMessage((m) => m.to.includes(email), 5000);
    expect(message.text).to.contain('works once, for 10 minutes');
    const code = sixDigitCode(message.subject);
    const signedIn = await verify(agent, code);
    expect(signedIn.status).to.equal(303);
    expect(signedIn.headers.location).to.equal('/portal/demo/');
    const after = cookieNamed(signedIn, 'portal.sid') ?? '';
    expect(after)
      .to.match(/^portal\.sid=/)
      .and.to.match(/HttpOnly/i)
      .and.to.match(/SameSite=Lax/i)
      .and.to.match(/Path=\/portal/);
    expect(after.split(';')[0]).to.not.equal(before.split(';')[0]);

    const dashboard = await agent.get('/portal/demo/').expect(200);
    const name = h.crm.clientLogins.find((login) => login.email === email)!.name.split(' ')[0]!;
    expect(dashboard.text).to.match(new RegExp(`Good (morning|afternoon|evening), ${name}`));
  });

  it('stores only a hash of the code', async function () {
    const agent = h.agent();
    await requestCode(agent);
    const code = await codeFor();
    const rows = await h.crm.db('client_login_codes').whereNull('consumed_at').select('code_hash');
    expect(rows).to.have.length.greaterThan(0);
    for (const row of rows) expect(row.code_hash).to.not.contain(code);
  });

  it('refuses a wrong code with a clear message', async function () {
    const agent = h.agent();
    await requestCode(agent);
    const code = await codeFor();
    const wrong = code === '000000' ? '111111' : '000000';
    const res = await verify(agent, wrong);
    expect(res.status).to.equal(401);
    expect(res.text).to.contain('That code is not right');
  });

  it('refuses an expired code', async function () {
    const agent = h.agent();
    await requestCode(agent);
    const code = await codeFor();
    await h.crm
      .db('client_login_codes')
      .whereNull('consumed_at')
      .update({ expires_at: h.crm.db.raw("now() - interval '1 minute'") });
    const res = await verify(agent, code);
    expect(res.status).to.equal(401);
  });

  it('refuses a code that was already used', async function () {
    const first = h.agent();
    await requestCode(first);
    const code = await codeFor();
    expect((await verify(first, code)).status).to.equal(303);
    const second = h.agent();
    expect((await verify(second, code)).status).to.equal(401);
  });

  it('burns the code after five wrong tries', async function () {
    const agent = h.agent();
    await requestCode(agent);
    const code = await codeFor();
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await verify(agent, wrong)).status).to.equal(401);
    expect((await verify(agent, code)).status).to.equal(401);
    const [row] = await h.crm.db('client_login_codes').orderBy('created_at', 'desc').limit(1).select('failed_attempts', 'consumed_at');
    expect(row.failed_attempts).to.equal(5);
    expect(row.consumed_at).to.not.equal(null);
  });

  it('only the newest code works', async function () {
    const agent = h.agent();
    await requestCode(agent);
    const older = await codeFor();
    h.smtp.clear();
    await h.afterRepeatWindow();
    await requestCode(agent);
    const newer = await codeFor();
    if (older !== newer) expect((await verify(agent, older)).status).to.equal(401);
    expect((await verify(agent, newer)).status).to.equal(303);
  });

  it('answers an unknown email exactly like a known one, and sends nothing', async function () {
    const agent = h.agent();
    const known = await requestCode(agent, email);
    const unknown = await requestCode(agent, 'nobody-here@example.com');
    expect(unknown.status).to.equal(known.status);
    const strip = (html: string) =>
      html
        .replace(/value="[^"]*"/g, '')
        .replaceAll(email, '')
        .replaceAll('nobody-here@example.com', '');
    expect(strip(unknown.text)).to.equal(strip(known.text));
    await h.smtp.waitForMessage((m) => m.to.includes(email), 5000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.smtp.messages.filter((m) => m.to.includes('nobody-here'))).to.have.length(0);
  });

  it('limits code requests per email with 429 and Retry-After', async function () {
    const agent = h.agent();
    for (let i = 0; i < 3; i++) {
      expect((await requestCode(agent)).status).to.equal(200);
      await h.afterRepeatWindow();
    }
    const limited = await requestCode(agent);
    expect(limited.status).to.equal(429);
    expect(Number(limited.headers['retry-after'])).to.be.within(1, 15 * 60);
    // The address is one the browser can reload; the page names the time and offers a password.
    expect(limited.text).to.match(/try again at [^(]+\(in \d+ minutes?\)/i);
    expect(limited.text).to.contain('id="password"');
  });

  it('logs code requests and sign-ins with IP and user agent', async function () {
    const agent = h.agent().set('User-Agent', 'CodeTest/1.0');
    await requestCode(agent);
    const code = await codeFor();
    await verify(agent, code);
    const events = await h.crm
      .db('client_activity_logs')
      .where({ email })
      .orderBy('id', 'desc')
      .limit(5)
      .select('event', 'ip', 'user_agent', 'details');
    const kinds = events.map((e) => e.event);
    expect(kinds).to.include('sign_in.succeeded');
    expect(kinds).to.include('sign_in_code.requested');
    const requested = events.find((e) => e.event === 'sign_in_code.requested')!;
    expect(requested.ip).to.be.a('string').and.not.be.empty;
    expect(requested.user_agent).to.equal('CodeTest/1.0');
  });
});
