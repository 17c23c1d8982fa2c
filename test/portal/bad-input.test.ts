// Bad input gets a 4xx page with a message a person understands, never a 500 or a stack trace:
// malformed and oversized emails, missing fields, oversized bodies, malformed codes and tokens.
import { expect } from 'chai';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

describe('bad input on the portal', function () {
  let h: PortalHarness;

  before(async function () {
    h = await startPortalHarness();
  });
  after(async function () {
    await h.close();
  });
  beforeEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
  });

  async function post(path: string, fields: Record<string, string>) {
    const agent = h.agent();
    const page = await agent.get('/portal/demo/sign-in').expect(200);
    return agent
      .post(`/portal/demo${path}`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...fields });
  }

  const noStack = (text: string) => {
    expect(text).to.not.match(/at .*\.(ts|js):\d+/);
    expect(text).to.not.contain('Error:');
  };

  it('explains a malformed email', async function () {
    const res = await post('/sign-in/code', { email: 'not-an-email' });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Enter a valid email address');
    expect(res.text).to.contain('value="not-an-email"');
    noStack(res.text);
  });

  it('explains missing fields', async function () {
    const res = await post('/sign-in/password', {});
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Enter your email address.');
    noStack(res.text);
    const code = await post('/sign-in/code/verify', { email: 'a@example.com' });
    expect(code.status).to.equal(400);
    expect(code.text).to.contain('Enter the 6-digit code from the email.');
  });

  it('explains oversized fields', async function () {
    const long = `${'a'.repeat(330)}@example.com`;
    const res = await post('/sign-in/password', { email: long, password: 'x'.repeat(500) });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('That email address is too long.');
    noStack(res.text);
  });

  it('refuses a body that is far too large with 413 and a message', async function () {
    const res = await post('/sign-in/password', { email: 'a@example.com', password: 'x'.repeat(64 * 1024) });
    expect(res.status).to.equal(413);
    expect(res.text).to.contain('That form was too large');
    noStack(res.text);
  });

  it('treats a malformed code as a validation error, not a sign-in attempt', async function () {
    const res = await post('/sign-in/code/verify', { email: 'a@example.com', code: '12ab56' });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Enter the 6-digit code');
  });

  it('answers a made-up reset or invitation token with 410 and what to do', async function () {
    for (const path of ['/password/reset/made-up-token', '/invitation/made-up-token', `/password/reset/${'x'.repeat(2000)}`]) {
      const res = await h.agent().get(`/portal/demo${path}`);
      expect(res.status, path).to.equal(410);
      expect(res.text).to.contain('This link has expired or was already used');
    }
  });

  it('answers unknown pages with a branded 404', async function () {
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    const agent = await signedInAgent(h.agent(), 'demo', login);
    const res = await agent.get('/portal/demo/nothing-here');
    expect(res.status).to.equal(404);
    expect(res.text).to.contain('Page not found');
    expect(res.text).to.contain('/portal/demo/branding.css');
  });

  it('never answers 500 to junk in the slug or query', async function () {
    for (const path of ['/portal/%E0%A4%A', '/portal/demo/sign-in?next[]=x', '/portal/demo/sign-in?next=%00']) {
      const res = await h.agent().get(path);
      expect(res.status, path).to.be.within(200, 499);
    }
  });
});
