// Single sign-on against a real OpenID Provider (oidc-provider on a local port, test/openid-provider.ts),
// through the reference CRM over HTTP. An agency admin adds the provider and binds Northwind on the
// staff pages (the secret written once, never shown back); then a Northwind client signs in through
// the provider and lands on the dashboard. Refused, each with its own test: an ID token for another
// client (wrong audience), a replayed code, a changed state, an unverified email, a person of
// another company, a disabled client user. "Single sign-on only" refuses the password and the code;
// the provider's multi-factor stands for the portal's second factor only where the agency trusts it.
import { expect } from 'chai';
import {
  csrfFrom,
  postPasswordSignIn,
  signedInStaffAgent,
  sixDigitCode,
  startPortalHarness,
  type PortalHarness,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';
import { countQueries, describeQueries } from '../../../../test/support/query-counter.ts';
import { expectEachNamesItsWorkspace } from '../../../../test/support/shard-routing.ts';
import { startOpenIdProvider, type TestOpenIdProvider } from './openid-provider.ts';

const ADMIN = '/settings/client-portal';
const PORTAL = '/portal/demo';
type Agent = ReturnType<PortalHarness['agent']>;

describe('single sign-on (OpenID Connect)', function () {
  let h: PortalHarness;
  let op: TestOpenIdProvider;
  let staff: Agent;
  let workspaceId: string;
  let northwindId: string;
  let bluebellId: string;
  let providerId: string;
  let providerHref: string;

  const login = (email: string) => demoLogin(h, email);

  /** Posts a staff form from its page, as an admin would; returns the response. */
  async function staffPost(pageUrl: string, action: string, form: Record<string, string>, status: number) {
    const page = await staff.get(pageUrl).expect(200);
    return staff
      .post(action)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...form })
      .expect(status);
  }

  async function bind(clientId: string, form: Record<string, string> = {}) {
    await staffPost(
      providerHref,
      `${providerHref}/bindings`,
      { clientId, emailDomains: 'northwind.test', signInMode: 'any', ...form },
      303,
    );
  }

  /** Starts a sign-in at the portal with the provider's button; returns the provider's authorization URL. */
  async function start(agent: Agent): Promise<string> {
    const page = await agent.get(`${PORTAL}/sign-in`).expect(200);
    // As the boosted form sends it: htmx leaves for the provider with a full page load.
    const res = await agent
      .post(`${PORTAL}/sign-in/sso`)
      .set('HX-Request', 'true')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), providerId })
      .expect(204);
    return res.headers['hx-redirect'] as string;
  }

  /** The whole round trip: the portal, the provider (as `sub`), back to the portal's callback. */
  async function signInThrough(agent: Agent, sub: string, amr?: string[]) {
    const authorization = await start(agent);
    op.signInAs(sub, amr);
    const back = await op.authorize(authorization);
    const callback = await agent.get(`${back.pathname}${back.search}`);
    const location = callback.status === 303 ? String(callback.headers.location) : '';
    return { back, res: location.includes('/sign-in/sso/refused') ? await agent.get(location) : callback };
  }

  /** A refused callback moves on to a page of its own, off the provider's code and state; that page says why. */
  async function refused(agent: Agent, callbackUrl: string, status: number) {
    const callback = await agent.get(callbackUrl).expect(303);
    const location = String(callback.headers.location);
    expect(location).to.match(/\/sign-in\/sso\/refused\?reason=[a-zA-Z]+/);
    expect(location).not.to.match(/code=|state=/);
    return agent.get(location).expect(status);
  }

  const account = (sub: string, email: string, verified = true) => op.accounts.set(sub, { sub, email, email_verified: verified });

  before(async function () {
    this.timeout(180_000);
    // Acme's portal is on too: another workspace where the provider's id must start nothing.
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'] });
    workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
    northwindId = String((await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id')).id);
    bluebellId = String((await h.crm.db('clients').where({ workspace_id: workspaceId }).whereILike('name', 'Bluebell%').first('id')).id);
    staff = await signedInStaffAgent(h, 'demo');
    // The address the staff page tells the agency to register is the one the provider is given.
    const list = await staff.get(`${ADMIN}/single-sign-on`).expect(200);
    const redirectUri = /<code class="break">([^<]+)<\/code>/.exec(list.text)?.[1];
    expect(redirectUri).to.match(/\/portal\/demo\/sign-in\/sso\/callback$/);
    op = await startOpenIdProvider({ redirectUri: redirectUri! });
    account('maria-sub', 'maria@northwind.test');
    account('olivia-sub', 'olivia@northwind.test');
    account('priya-sub', 'priya@bluebell.test');
    account('unverified-sub', 'olivia@northwind.test', false);
  });
  after(async function () {
    await op?.close();
    await h?.close();
  });

  describe('staff pages', function () {
    it('add a provider with a write-only secret, sealed in the database, and bind a company', async function () {
      const created = await staffPost(
        `${ADMIN}/single-sign-on/new`,
        `${ADMIN}/single-sign-on`,
        {
          displayName: 'Northwind ID',
          issuerUrl: op.issuer,
          clientId: op.clientId,
          clientSecret: op.clientSecret,
          scopes: 'openid email profile',
        },
        303,
      );
      providerHref = (created.headers.location as string).split('?')[0]!;
      providerId = providerHref.split('/').pop()!;
      const page = await staff.get(providerHref).expect(200);
      expect(page.text).to.contain('Northwind ID');
      expect(page.text).to.not.contain(op.clientSecret);
      const row = await h.crm.db('portal_sso_providers').where({ workspace_id: workspaceId, id: providerId }).first();
      expect(row.client_secret_sealed).to.be.a('string').and.not.contain(op.clientSecret);
      await bind(northwindId);
      const bound = await staff.get(providerHref).expect(200);
      expect(bound.text).to.contain('Northwind Traders').and.contain('northwind.test');
    });

    it('refuse a form with a reason (400) and keep what was typed, never the secret', async function () {
      const res = await staffPost(
        `${ADMIN}/single-sign-on/new`,
        `${ADMIN}/single-sign-on`,
        {
          displayName: 'Broken',
          issuerUrl: 'http://idp.example.com',
          clientId: 'x',
          clientSecret: 'do-not-echo-this-secret',
          scopes: 'profile',
        },
        400,
      );
      expect(res.text).to.contain('Broken').and.not.contain('do-not-echo-this-secret');
      expect(res.text).to.contain('https://');
      await staffPost(
        providerHref,
        `${providerHref}/bindings`,
        { clientId: 'no-such-company', emailDomains: 'x.test', signInMode: 'any' },
        400,
      );
      await staffPost(
        providerHref,
        `${providerHref}/bindings`,
        { clientId: northwindId, emailDomains: 'not a domain', signInMode: 'any' },
        400,
      );
    });

    it('save without a secret keeps the one saved', async function () {
      const before = await h.crm
        .db('portal_sso_providers')
        .where({ workspace_id: workspaceId, id: providerId })
        .first('client_secret_sealed');
      await staffPost(
        providerHref,
        providerHref,
        {
          displayName: 'Northwind ID',
          issuerUrl: op.issuer,
          clientId: op.clientId,
          clientSecret: '',
          scopes: 'openid email profile',
        },
        303,
      );
      const after = await h.crm
        .db('portal_sso_providers')
        .where({ workspace_id: workspaceId, id: providerId })
        .first('client_secret_sealed');
      expect(after.client_secret_sealed).to.equal(before.client_secret_sealed);
    });

    it('are an admin’s: a workspace member is refused', async function () {
      const member = await signedInStaffAgent(h, 'demo', 'member');
      await member.get(`${ADMIN}/single-sign-on`).expect(403);
      await member.get(providerHref).expect(403);
    });
  });

  describe('signing in', function () {
    it('shows the provider’s button on the sign-in page', async function () {
      const page = await h.agent().get(`${PORTAL}/sign-in`).expect(200);
      expect(page.text).to.contain('Sign in with Northwind ID');
      const german = await h.agent().get(`${PORTAL}/sign-in`).set('Accept-Language', 'de').expect(200);
      expect(german.text).to.contain('Anmelden mit Northwind ID');
    });

    it('signs a bound client in through the provider and lands on the dashboard; sign-out offers the provider’s', async function () {
      const agent = h.agent();
      const { back, res } = await signInThrough(agent, 'maria-sub');
      expect(back.searchParams.get('code')).to.be.a('string');
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`${PORTAL}/`);
      const dashboard = await agent.get(`${PORTAL}/`).expect(200);
      expect(dashboard.text).to.contain('Maria');
      const remembered = await h.crm
        .db('portal_sso_identities')
        .where({ workspace_id: workspaceId, provider_id: providerId, subject: 'maria-sub' });
      expect(remembered).to.have.length(1);
      const logged = await h.crm
        .db('client_activity_logs')
        .where({ workspace_id: workspaceId, event: 'sign_in.succeeded', email: 'maria@northwind.test' })
        .orderBy('created_at', 'desc')
        .first('details');
      const details = typeof logged.details === 'string' ? JSON.parse(logged.details) : logged.details;
      expect(details.method).to.equal('sso');

      const home = await agent.get(`${PORTAL}/`).expect(200);
      const out = await agent
        .post(`${PORTAL}/sign-out`)
        .type('form')
        .send({ _csrf: csrfFrom(home.text) })
        .expect(303);
      expect(out.headers.location).to.contain(`provider=${providerId}`);
      const signedOut = await agent.get(out.headers.location as string).expect(200);
      expect(signedOut.text).to.contain('Also sign out of Northwind ID').and.contain(`${op.issuer}/session/end`);
    });

    it('also starts from the email’s domain', async function () {
      const agent = h.agent();
      const page = await agent.get(`${PORTAL}/sign-in`).expect(200);
      const res = await agent
        .post(`${PORTAL}/sign-in/sso`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: 'Maria@Northwind.test' })
        .expect(200);
      // Without JavaScript: a page that moves on to the provider (a redirect would break the CSP's form-action).
      expect(res.text).to.contain(`<meta http-equiv="refresh" content="0;url=${op.issuer}/auth?`);
      expect(res.text).to.contain(`href="${op.issuer}/auth?`);
      const unknown = await agent
        .post(`${PORTAL}/sign-in/sso`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: 'someone@elsewhere.test' })
        .expect(400);
      expect(unknown.text).to.contain('password or a code');
    });

    it('refuses an ID token for another client (wrong audience)', async function () {
      const agent = h.agent();
      const authorization = new URL(await start(agent));
      // The attacker's own client at the same provider, sent back to the portal's callback with
      // the state and nonce the portal is waiting for: the code and its ID token are not the portal's.
      authorization.searchParams.set('client_id', op.otherClient.clientId);
      op.signInAs('maria-sub');
      const back = await op.authorize(authorization.href);
      expect(back.searchParams.get('code')).to.be.a('string');
      const res = await refused(agent, `${back.pathname}${back.search}`, 400);
      expect(res.text).to.contain('could not be completed');
      const logged = await h.crm
        .db('client_activity_logs')
        .where({ workspace_id: workspaceId, event: 'sign_in.failed' })
        .orderBy('created_at', 'desc')
        .first('details');
      const details = typeof logged.details === 'string' ? JSON.parse(logged.details) : logged.details;
      expect(details).to.include({ method: 'sso', reason: 'provider_answer' });
      await agent.get(`${PORTAL}/`).expect(303);
    });

    it('refuses a replayed code', async function () {
      const agent = h.agent();
      const { back, res } = await signInThrough(agent, 'maria-sub');
      expect(res.status).to.equal(303);
      // The same answer again, on a fresh sign-in of the attacker's own that waits for it.
      const attacker = h.agent();
      await start(attacker);
      await refused(attacker, `${back.pathname}${back.search}`, 400);
      // And on the session that already used it: nothing is waiting any more.
      const again = await agent.get(`${back.pathname}${back.search}`);
      expect(again.status).to.be.oneOf([303, 400]);
      await attacker.get(`${PORTAL}/`).expect(303);
    });

    it('refuses a changed state', async function () {
      const agent = h.agent();
      const authorization = await start(agent);
      op.signInAs('maria-sub');
      const back = await op.authorize(authorization);
      back.searchParams.set('state', 'forged-state');
      await refused(agent, `${back.pathname}${back.search}`, 400);
      // The real state afterwards is refused too: the waiting sign-in was used up by the forged one.
      await agent.get(`${PORTAL}/`).expect(303);
    });

    it('says so when the person cancelled at the provider, and the waiting sign-in is used up', async function () {
      const agent = h.agent();
      const authorization = new URL(await start(agent));
      const state = authorization.searchParams.get('state')!;
      const res = await refused(agent, `${PORTAL}/sign-in/sso/callback?error=access_denied&state=${encodeURIComponent(state)}`, 400);
      expect(res.text).to.contain('was cancelled');
      await refused(agent, `${PORTAL}/sign-in/sso/callback?code=x&state=${encodeURIComponent(state)}`, 400);
    });

    it('refuses an email the provider did not verify', async function () {
      const { res } = await signInThrough(h.agent(), 'unverified-sub');
      expect(res.status).to.equal(403);
      expect(res.text).to.contain('did not confirm your email');
    });

    it('refuses a person of another company, even from a bound domain’s provider', async function () {
      const agent = h.agent();
      const { res } = await signInThrough(agent, 'priya-sub');
      expect(res.status).to.equal(403);
      expect(res.text).to.contain('No portal account of your company');
      // A page of its own, named for what happened, that offers the same provider again and the other ways.
      expect(res.text).to.contain('<title>Sign-in with your company account not completed');
      expect(res.text).not.to.contain('Not allowed');
      const retry =
        /<form method="post" action="([^"]+)"[^>]*>\s*<input type="hidden" name="_csrf" value="([^"]+)">\s*<input type="hidden" name="providerId" value="([^"]+)">/.exec(
          res.text,
        );
      expect(retry?.[1]).to.equal(`${PORTAL}/sign-in/sso`);
      await agent.post(String(retry?.[1])).type('form').send({ _csrf: retry?.[2], providerId: retry?.[3] }).expect(200);
      expect(res.text).to.contain(`href="${PORTAL}/sign-in"`);
      // An address that names no refusal is a 400 with words, never a page that pretends one happened.
      await agent.get(`${PORTAL}/sign-in/sso/refused?reason=nonsense`).expect(400);
    });

    it('refuses a disabled client user', async function () {
      await h.crm.db('client_users').where({ workspace_id: workspaceId, email: 'olivia@northwind.test' }).update({ status: 'disabled' });
      try {
        const { res } = await signInThrough(h.agent(), 'olivia-sub');
        expect(res.status).to.equal(403);
      } finally {
        await h.crm.db('client_users').where({ workspace_id: workspaceId, email: 'olivia@northwind.test' }).update({ status: 'active' });
      }
    });

    it('creates no account for a contact of the company unless the binding allows it', async function () {
      account('tom-sub', 'tom@northwind.test');
      const refused = await signInThrough(h.agent(), 'tom-sub');
      expect(refused.res.status).to.equal(403);
      await bind(northwindId, { allowSelfRegistration: 'on' });
      try {
        const agent = h.agent();
        const allowed = await signInThrough(agent, 'tom-sub');
        expect(allowed.res.status).to.equal(303);
        await agent.get(`${PORTAL}/`).expect(200);
      } finally {
        await bind(northwindId);
      }
    });

    it('refuses everyone while the provider is switched off', async function () {
      await staffPost(providerHref, `${providerHref}/disable`, {}, 303);
      try {
        const agent = h.agent();
        const own = await agent.get(`${PORTAL}/sign-in`).expect(200);
        expect(own.text).to.not.contain('Sign in with Northwind ID');
        await agent
          .post(`${PORTAL}/sign-in/sso`)
          .type('form')
          .send({ _csrf: csrfFrom(own.text), providerId })
          .expect(404);
      } finally {
        await staffPost(providerHref, `${providerHref}/enable`, {}, 303);
      }
    });
  });

  describe('another workspace', function () {
    it('knows nothing of this workspace’s provider: no button, and its id starts nothing there', async function () {
      const agent = h.agent();
      const other = await agent.get('/portal/acme/sign-in').expect(200);
      expect(other.text).to.not.contain('Northwind ID');
      await agent
        .post('/portal/acme/sign-in/sso')
        .type('form')
        .send({ _csrf: csrfFrom(other.text), providerId })
        .expect(404);
      // Nor does its callback take an answer meant for this workspace's sign-in.
      const callback = await refused(agent, '/portal/acme/sign-in/sso/callback?code=x&state=y', 400);
      expect(callback.text).to.contain('took too long or was already used');
      await agent.get('/portal/acme/').expect(303);
    });

    it('cannot use up a sign-in under way here: its callback leaves it waiting, and this callback still completes', async function () {
      // Both workspaces' portals share the one session cookie (path /portal): an answer brought to
      // the other workspace's callback (a link, an image, a redirect) must not spend this one.
      const agent = h.agent();
      const authorization = await start(agent);
      op.signInAs('maria-sub');
      const back = await op.authorize(authorization);
      const elsewhere = await refused(agent, `/portal/acme/sign-in/sso/callback${back.search}`, 400);
      expect(elsewhere.text).to.contain('took too long or was already used');
      const res = await agent.get(`${back.pathname}${back.search}`).expect(303);
      expect(res.headers.location).to.equal(`${PORTAL}/`);
      const dashboard = await agent.get(`${PORTAL}/`).expect(200);
      expect(dashboard.text).to.contain('Maria');
    });
  });

  describe('query budgets', function () {
    async function expectBudget(what: string, budget: number, action: () => Promise<unknown>) {
      const counter = countQueries();
      try {
        const counted = await counter.measure(action);
        expect(counted.count, describeQueries(what, counted)).to.equal(budget);
        expectEachNamesItsWorkspace(counted.sql, what);
        return counted;
      } finally {
        counter.stop();
      }
    }

    it('sign-in page with the button: the workspace’s providers and bindings once, then none', async function () {
      await staffPost(providerHref, `${providerHref}/disable`, {}, 303);
      await staffPost(providerHref, `${providerHref}/enable`, {}, 303);
      await expectBudget('GET sign-in after a change', 2, () => h.agent().get(`${PORTAL}/sign-in`).expect(200));
      const page = await expectBudget('GET sign-in again', 0, () => h.agent().get(`${PORTAL}/sign-in`).expect(200));
      expect(page.count).to.equal(0);
    });

    it('the staff pages: the CRM’s four (its session, the staff member, the header’s two counts), then the pages’ own', async function () {
      // The providers, the bindings, the host's companies and the verified custom domains (a SAML consumer service each).
      await expectBudget('GET staff single-sign-on', 8, () => staff.get(`${ADMIN}/single-sign-on`).expect(200));
      // The provider, the workspace's providers and bindings, the host's companies.
      await expectBudget('GET staff provider', 8, () => staff.get(providerHref).expect(200));
    });
  });

  describe('two-factor after a single sign-on', function () {
    const providerForm = (trust: boolean) => ({
      displayName: 'Northwind ID',
      issuerUrl: op.issuer,
      clientId: op.clientId,
      scopes: 'openid email profile',
      ...(trust ? { mfaSatisfiesTwoFactor: 'on' } : {}),
    });
    let oliviaId: string;

    before(async function () {
      oliviaId = (await h.crm.db('client_users').where({ workspace_id: workspaceId, email: 'olivia@northwind.test' }).first('id')).id;
      // Two-factor switched on for Olivia: the sign-in asks it whatever the secret (never checked here).
      await h.crm.db('client_two_factor').insert({
        workspace_id: workspaceId,
        client_user_id: oliviaId,
        secret_ciphertext: 'v1:not-used-by-these-tests',
        enabled_at: new Date(),
      });
    });
    after(async function () {
      await h.crm.db('client_two_factor').where({ workspace_id: workspaceId, client_user_id: oliviaId }).delete();
      await staffPost(providerHref, providerHref, providerForm(false), 303);
    });

    it('is asked as after a password while the agency does not trust the provider’s multi-factor', async function () {
      await staffPost(providerHref, providerHref, providerForm(false), 303);
      const { res } = await signInThrough(h.agent(), 'olivia-sub', ['pwd', 'mfa']);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`${PORTAL}/sign-in/two-factor`);
    });

    it('is not asked again when the agency trusts it and the provider says it did multi-factor', async function () {
      await staffPost(providerHref, providerHref, providerForm(true), 303);
      const agent = h.agent();
      const { res } = await signInThrough(agent, 'olivia-sub', ['pwd', 'otp']);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`${PORTAL}/`);
      await agent.get(`${PORTAL}/`).expect(200);
    });

    it('is asked when the provider trusted for it did only a password', async function () {
      await staffPost(providerHref, providerHref, providerForm(true), 303);
      const { res } = await signInThrough(h.agent(), 'olivia-sub', ['pwd']);
      expect(res.headers.location).to.equal(`${PORTAL}/sign-in/two-factor`);
    });
  });

  describe('single sign-on only', function () {
    beforeEach(async function () {
      await bind(northwindId, { signInMode: 'sso_only' });
    });
    afterEach(async function () {
      await bind(northwindId);
    });

    it('refuses the password of that company’s people, pointing to the button', async function () {
      const res = await postPasswordSignIn(h.agent(), 'demo', login('maria@northwind.test'));
      expect(res.status).to.equal(403);
      expect(res.text).to.contain('Sign in with Northwind ID').and.contain('company signs in with its own account here');
      // A wrong password is answered as before: nothing said about the company.
      const wrong = await postPasswordSignIn(h.agent(), 'demo', { email: 'maria@northwind.test', password: 'not her password' });
      expect(wrong.status).to.equal(401);
      expect(wrong.text).to.not.contain('company signs in with its own account here');
      // Another company's people are not concerned.
      const priya = await postPasswordSignIn(h.agent(), 'demo', login('priya@bluebell.test'));
      expect(priya.status).to.equal(303);
      expect(bluebellId).to.not.equal(northwindId);
    });

    it('refuses the one-time code of that company’s people', async function () {
      const agent = h.agent();
      const page = await agent.get(`${PORTAL}/sign-in`).expect(200);
      await agent
        .post(`${PORTAL}/sign-in/code`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: 'maria@northwind.test' })
        .expect(200);
      const mail = await h.smtp.waitForMessage((m) => m.to.includes('maria@northwind.test'));
      const form = await agent.get(`${PORTAL}/sign-in/code`).expect(200);
      const res = await agent
        .post(`${PORTAL}/sign-in/code/verify`)
        .type('form')
        .send({ _csrf: csrfFrom(form.text), email: 'maria@northwind.test', code: sixDigitCode(mail.text) });
      expect(res.status).to.equal(403);
      expect(res.text).to.contain('company signs in with its own account here');
      await agent.get(`${PORTAL}/`).expect(303);
    });

    it('still signs them in through the provider', async function () {
      const agent = h.agent();
      const { res } = await signInThrough(agent, 'maria-sub');
      expect(res.status).to.equal(303);
      await agent.get(`${PORTAL}/`).expect(200);
    });
  });
});
