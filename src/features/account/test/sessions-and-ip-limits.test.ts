// Two guarantees the rest of the suite only touched in passing, over HTTP with real emails:
// - a new password from a reset link or an invitation ends every session the client had
//   elsewhere (whoever else was signed in is locked out), while the browser that set it stays in;
// - each per-IP limit on signing in holds: one address spraying many emails (password attempts,
//   code requests, code checks, reset requests) is refused with 429 once the limit is spent,
//   although no single email reached its own limit.
import { expect } from 'chai';
import { SIGN_IN_LIMITS } from '../../../core/index.ts';
import {
  csrfFrom,
  linkFrom,
  postPasswordSignIn,
  sixDigitCode,
  startPortalHarness,
  type PortalHarness,
} from '../../../../test/support/portal-harness.ts';

type Agent = ReturnType<PortalHarness['agent']>;

describe('sessions ended by a new password, and the per-IP sign-in limits', function () {
  this.timeout(180_000);
  let h: PortalHarness;

  before(async function () {
    h = await startPortalHarness();
  });
  after(async function () {
    await h.close();
  });
  beforeEach(async function () {
    await h.crm.portal.drainOutbox();
    h.smtp.clear();
    await h.crm.db('portal_rate_limits').delete();
    await h.afterRepeatWindow();
  });

  const demoLogins = () => h.crm.clientLogins.filter((l) => l.workspaceSlug === 'demo');

  async function signedIn(email: string, password: string): Promise<Agent> {
    const agent = h.agent();
    expect((await postPasswordSignIn(agent, 'demo', { email, password })).status).to.equal(303);
    await agent.get('/portal/demo/').expect(200);
    return agent;
  }

  async function setPasswordThrough(agent: Agent, link: string, password: string) {
    const form = await agent.get(link).expect(200);
    await agent
      .post(link)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), password, confirmPassword: password })
      .expect(303);
  }

  it("a password reset ends the client's other sessions and keeps the resetting browser signed in", async function () {
    const login = demoLogins()[1]!;
    const elsewhere = await signedIn(login.email, login.password);
    const alsoElsewhere = await signedIn(login.email, login.password);

    const resetting = h.agent();
    const page = await resetting.get('/portal/demo/password/forgot').expect(200);
    await resetting
      .post('/portal/demo/password/forgot')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: login.email })
      .expect(200);
    const link = linkFrom((await h.smtp.waitForMessage((m) => m.to.includes(login.email), 10_000)).text, '/password/reset/');
    await setPasswordThrough(resetting, link, 'reset-ends-sessions-1');

    const gone = await elsewhere.get('/portal/demo/');
    expect(gone.status).to.equal(303);
    expect(gone.headers.location).to.match(/\/portal\/demo\/sign-in/);
    await alsoElsewhere.get('/portal/demo/').expect(303);
    await resetting.get('/portal/demo/').expect(200);
  });

  it('accepting an invitation ends the sessions the contact had opened with a code', async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const users = await h.crm.db('client_users').where({ workspace_id: workspace.id }).pluck('contact_id');
    const contact = (await h.crm.adapter.contacts.list(workspace.id)).find((c) => !users.includes(c.id))!;
    const email = contact.email.toLowerCase();
    const staff = { id: '1', workspaceId: workspace.id, name: 'Test Admin', email: 'admin@demo.test', role: 'admin' as const };
    await h.crm.portal.auth.invite(workspace, contact.id, staff, { ip: '127.0.0.1', userAgent: 'test' });
    const link = linkFrom((await h.smtp.waitForMessage((m) => m.to.includes(email), 10_000)).text, '/invitation/');

    // Before accepting, the invited contact signs in with an emailed code on another device.
    const withCode = h.agent();
    const signInPage = await withCode.get('/portal/demo/sign-in').expect(200);
    await withCode
      .post('/portal/demo/sign-in/code')
      .type('form')
      .send({ _csrf: csrfFrom(signInPage.text), email })
      .expect(200);
    const code = sixDigitCode((await h.smtp.waitForMessage((m) => m.to.includes(email) && /\d{6}/.test(m.subject), 10_000)).subject);
    const codePage = await withCode.get('/portal/demo/sign-in/code').expect(200);
    await withCode
      .post('/portal/demo/sign-in/code/verify')
      .type('form')
      .send({ _csrf: csrfFrom(codePage.text), email, code })
      .expect(303);
    await withCode.get('/portal/demo/').expect(200);

    const accepting = h.agent();
    await setPasswordThrough(accepting, link, 'invitation-ends-sessions-1');
    await withCode.get('/portal/demo/').expect(303);
    await accepting.get('/portal/demo/').expect(200);
  });

  /** Posts `count` forms from one address (every agent here is 127.0.0.1), each for another email. */
  async function spray(path: string, formPath: string, count: number, fields: (i: number) => Record<string, string>): Promise<number[]> {
    const agent = h.agent();
    const page = await agent.get(formPath).expect(200);
    const token = csrfFrom(page.text);
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      statuses.push(
        (
          await agent
            .post(path)
            .type('form')
            .send({ _csrf: token, ...fields(i) })
        ).status,
      );
    }
    return statuses;
  }

  it('refuses password attempts from one address past its limit, each for another email', async function () {
    const limit = SIGN_IN_LIMITS.attemptsPerIp.points;
    const statuses = await spray('/portal/demo/sign-in/password', '/portal/demo/sign-in', limit + 1, (i) => ({
      email: `spray-${i}@example.test`,
      password: 'wrong-password-1',
    }));
    expect(statuses.slice(0, limit)).to.deep.equal(Array(limit).fill(401));
    expect(statuses[limit]).to.equal(429);
    // The right password does not get through from that address either.
    const login = demoLogins()[0]!;
    expect((await postPasswordSignIn(h.agent(), 'demo', login)).status).to.equal(429);
  });

  it('refuses code requests from one address past its limit, each for another email', async function () {
    const limit = SIGN_IN_LIMITS.codeRequestsPerIp.points;
    const statuses = await spray('/portal/demo/sign-in/code', '/portal/demo/sign-in', limit + 1, (i) => ({
      email: `code-spray-${i}@example.test`,
    }));
    expect(statuses.slice(0, limit)).to.deep.equal(Array(limit).fill(200));
    expect(statuses[limit]).to.equal(429);
  });

  it('refuses code checks from one address past its limit, each for another email', async function () {
    const limit = SIGN_IN_LIMITS.codeChecksPerIp.points;
    const statuses = await spray('/portal/demo/sign-in/code/verify', '/portal/demo/sign-in/code', limit + 1, (i) => ({
      email: `check-spray-${i}@example.test`,
      code: '123456',
    }));
    expect(statuses.slice(0, limit)).to.deep.equal(Array(limit).fill(401));
    expect(statuses[limit]).to.equal(429);
  });

  it('refuses reset requests from one address past its limit, each for another email', async function () {
    const limit = SIGN_IN_LIMITS.resetRequestsPerIp.points;
    const statuses = await spray('/portal/demo/password/forgot', '/portal/demo/password/forgot', limit + 1, (i) => ({
      email: `reset-spray-${i}@example.test`,
    }));
    expect(statuses.slice(0, limit)).to.deep.equal(Array(limit).fill(200));
    expect(statuses[limit]).to.equal(429);
  });
});
