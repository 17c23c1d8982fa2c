// SAML 2.0 at a workspace's own domain, against the suite's real identity provider (samlify, in
// this process) through the reference CRM over HTTP, with a DNS server of the test's own proving
// the domains (as custom-domains.test.ts does). The demo workspace verifies portal.agency.test, and
// Acme portal.acme.test; requests reach the app at 127.0.0.1 with that Host, as a browser at the
// domain sends them. The workspace keeps one entity id; its metadata lists a consumer service at
// the portal's own address (the default) and one at its verified domain, none at a domain not yet
// verified nor at another workspace's. Started at the domain, the AuthnRequest asks for the
// domain's consumer service, the answer posted there signs the person in there (the session cookie
// that host's, at its root); started at the identity provider and posted to the domain, too.
// Refused, each with its reason in the log: an answer addressed to the portal's own address but
// posted to the domain and the reverse (by its Recipient, or its Destination alone), an answer to a
// request started at one host delivered at the other, an answer addressed to another workspace's
// domain, and an answer to this workspace posted to another workspace's domain.
import { expect } from 'chai';
import { startDnsServer, type LocalDnsServer } from '../../../../test/support/dns-server.ts';
import {
  cookieNamed,
  csrfFrom,
  postFormFrom,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
} from '../../../../test/support/portal-harness.ts';
import { startSamlIdp, type Answer, type TestSamlIdp } from './saml-identity-provider.ts';

const ADMIN = '/settings/client-portal';
const DOMAINS = `${ADMIN}/custom-domains`;
const PORTAL = '/portal/demo';
/** The portal's own address (APP_URL); the app listens on 127.0.0.1 at a port of its own, reached with these Hosts. */
const OWN = 'http://crm.test';
const DEMO_DOMAIN = 'portal.agency.test';
const ACME_DOMAIN = 'portal.acme.test';
const DEMO_ROOT = `http://${DEMO_DOMAIN}`;
const ACME_ROOT = `http://${ACME_DOMAIN}`;
type Agent = ReturnType<PortalHarness['agent']>;

describe('single sign-on (SAML 2.0) at a custom domain', function () {
  let dns: LocalDnsServer;
  let h: PortalHarness;
  let demoStaff: Agent;
  let acmeStaff: Agent;
  let demoId: string;
  let acmeId: string;
  let northwind: TestSamlIdp;
  let northwindProviderId: string;
  let spMetadata: string;
  const ownAcs = () => `${OWN}${PORTAL}/saml/acs`;
  const domainAcs = () => `${DEMO_ROOT}/saml/acs`;
  const acmeAcs = () => `${ACME_ROOT}/saml/acs`;

  /** Adds the domain on the workspace's staff page, puts its token in DNS, and checks it. */
  async function verify(staff: Agent, workspaceId: string, hostname: string) {
    await postFormFrom(staff, DOMAINS, DOMAINS, { hostname }, 303);
    const { token } = await h.crm.db('portal_custom_domains').where({ workspace_id: workspaceId, hostname }).first('token');
    dns.txt.set(`_portal-verify.${hostname}`, [[token as string]]);
    const checked = await postFormFrom(staff, DOMAINS, `${DOMAINS}/${hostname}/check`, {}, 303);
    expect(checked.headers.location).to.equal(`${DOMAINS}?notice=verified`);
  }

  /** A request as the browser sends it to this absolute address: its path, with its host as the Host. */
  const at = (agent: Agent, method: 'get' | 'post', url: string) => {
    const { host, pathname, search } = new URL(url);
    return agent[method](`${pathname}${search}`).set('Host', host);
  };

  /** The identity provider's form post to a consumer service, as the browser sends it: no CSRF token, no session needed. */
  const postAcs = (agent: Agent, acsUrl: string, samlResponse: string) =>
    at(agent, 'post', acsUrl).type('form').send({ SAMLResponse: samlResponse });

  /** Posts the answer to `acsUrl` and follows the portal on that host to the end: the completed sign-in, or the refusal page. */
  async function deliver(agent: Agent, acsUrl: string, samlResponse: string) {
    const root = new URL(acsUrl).origin === OWN ? `${OWN}${PORTAL}` : new URL(acsUrl).origin;
    const acs = await postAcs(agent, acsUrl, samlResponse);
    expect(acs.status, acs.text).to.equal(303);
    const location = String(acs.headers.location);
    const onHost = `${new URL(acsUrl).origin}${location}`;
    if (location.includes('/sign-in/sso/refused')) return { refused: true as const, res: await at(agent, 'get', onHost) };
    expect(location).to.match(/\/sign-in\/sso\/saml\/continue\?handoff=[\w-]{43}$/);
    const page = await at(agent, 'get', onHost).expect(200);
    const handoff = new URL(onHost).searchParams.get('handoff')!;
    const res = await at(agent, 'post', `${root}/sign-in/sso/saml/continue`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), handoff });
    return { refused: false as const, res };
  }

  /** The latest refusal logged in a workspace: its reason and detail. */
  async function lastRefusal(workspaceId = demoId): Promise<{ reason: string; detail?: string }> {
    const row = await h.crm
      .db('client_activity_logs')
      .where({ workspace_id: workspaceId, event: 'sign_in.failed' })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first('details');
    const details = typeof row.details === 'string' ? JSON.parse(row.details) : row.details;
    expect(details.method).to.equal('sso');
    return { reason: details.reason, detail: details.detail };
  }

  async function expectRefused(acsUrl: string, samlResponse: string, reason: string, workspaceId = demoId) {
    const { refused, res } = await deliver(h.agent(), acsUrl, samlResponse);
    expect(refused, `expected a refusal (${reason})`).to.equal(true);
    expect(res.status).to.be.within(400, 403);
    const logged = await lastRefusal(workspaceId);
    expect(logged.reason).to.equal(reason);
    return logged;
  }

  /** Signed in at the custom domain: the session cookie is that host's (Path=/, no Domain), its dashboard greets Maria. */
  async function expectSignedInAtDomain(agent: Agent, samlResponse: string, acsUrl = domainAcs()) {
    const { refused, res } = await deliver(agent, acsUrl, samlResponse);
    expect(refused, refused ? `refused: ${JSON.stringify(await lastRefusal())}` : '').to.equal(false);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/');
    const session = cookieNamed(res, 'portal.sid');
    expect(session).to.match(/; Path=\/;/);
    expect(session).not.to.match(/Domain=/i);
    const dashboard = await at(agent, 'get', `${DEMO_ROOT}/`).expect(200);
    expect(dashboard.text).to.contain('Maria').and.not.contain('/portal/demo');
  }

  const answer = (fields: Partial<Answer> = {}) => northwind.answer(spMetadata, { email: 'maria@northwind.test', ...fields });

  /** Starts at the sign-in page of `root` with Northwind's button; the AuthnRequest the provider reads. */
  async function start(agent: Agent, root: string) {
    const page = await at(agent, 'get', `${root}/sign-in`).expect(200);
    const started = await at(agent, 'post', `${root}/sign-in/sso`)
      .set('HX-Request', 'true')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), providerId: northwindProviderId })
      .expect(204);
    return northwind.readAuthnRequest(String(started.headers['hx-redirect']));
  }

  before(async function () {
    this.timeout(180_000);
    dns = await startDnsServer();
    h = await startPortalHarness({
      enabledFor: ['demo', 'acme'],
      boot: { appUrl: OWN, portalConfig: { customDomains: { resolvers: [dns.address] } } },
    });
    demoId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
    acmeId = (await h.crm.adapter.workspaces.findBySlug('acme'))!.id;
    demoStaff = await signedInStaffAgent(h, 'demo');
    acmeStaff = await signedInStaffAgent(h, 'acme');
    await verify(demoStaff, demoId, DEMO_DOMAIN);
    await verify(acmeStaff, acmeId, ACME_DOMAIN);
    // Added and never proved: not served, so no consumer service there.
    await postFormFrom(demoStaff, DOMAINS, DOMAINS, { hostname: 'pending.agency.test' }, 303);

    northwind = startSamlIdp({ entityId: 'https://idp.northwind.test/saml' });
    const samlForm = { metadataXml: northwind.metadata, emailAttribute: 'email', wantAssertionsSigned: 'on', allowIdpInitiated: 'on' };
    const created = await postFormFrom(
      demoStaff,
      `${ADMIN}/single-sign-on/new-saml`,
      `${ADMIN}/single-sign-on/saml`,
      { displayName: 'Northwind SAML', ...samlForm },
      303,
    );
    const href = String(created.headers.location).split('?')[0]!;
    northwindProviderId = href.split('/').pop()!;
    const northwindId = String((await h.crm.db('clients').where({ workspace_id: demoId, name: 'Northwind Traders' }).first('id')).id);
    await postFormFrom(
      demoStaff,
      href,
      `${href}/bindings`,
      { clientId: northwindId, emailDomains: 'northwind.test', signInMode: 'any' },
      303,
    );
    // Acme signs in with the same identity provider: an answer meant for the demo workspace is
    // refused there by the checks, not merely for want of a provider.
    await postFormFrom(
      acmeStaff,
      `${ADMIN}/single-sign-on/new-saml`,
      `${ADMIN}/single-sign-on/saml`,
      { displayName: 'Northwind SAML', ...samlForm },
      303,
    );
  });
  after(async function () {
    await h?.close();
    await dns?.close();
  });

  describe('the service provider', function () {
    it('keeps one entity id; its metadata lists the portal’s own consumer service (the default) and the verified domain’s', async function () {
      spMetadata = (await h.agent().get(`${PORTAL}/saml/metadata`).expect(200)).text;
      expect(spMetadata).to.contain(`entityID="${OWN}${PORTAL}/saml/metadata"`);
      const services = [...spMetadata.matchAll(/<AssertionConsumerService\b[^>]*\/>/g)].map((match) => match[0]);
      expect(services).to.have.length(2);
      expect(services[0]).to.contain('index="1"').and.contain('isDefault="true"').and.contain(`Location="${ownAcs()}"`);
      expect(services[1]).to.contain('index="2"').and.contain(`Location="${domainAcs()}"`).and.not.contain('isDefault');
      for (const service of services) expect(service).to.contain('Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"');
      expect(spMetadata).not.to.contain('pending.agency.test').and.not.contain(ACME_DOMAIN);
      // The same metadata at the domain: the entity id stays the portal's own address.
      const atDomain = await at(h.agent(), 'get', `${DEMO_ROOT}/saml/metadata`).expect(200);
      const withoutId = (xml: string) => xml.replace(/ ID="[^"]+"/, '');
      expect(withoutId(atDomain.text)).to.equal(withoutId(spMetadata));
      // The identity provider reads both addresses from it, the portal's own as the default, and no other.
      expect(northwind.consumerService(spMetadata)).to.equal(ownAcs());
      expect(northwind.consumerService(spMetadata, domainAcs())).to.equal(domainAcs());
      expect(() => northwind.consumerService(spMetadata, acmeAcs())).to.throw(/not a consumer service/);
    });

    it('the staff pages show the consumer service at the domain beside the portal’s own', async function () {
      const page = await demoStaff.get(`${ADMIN}/single-sign-on`).expect(200);
      expect(page.text).to.contain(ownAcs()).and.contain(domainAcs()).and.contain('At your own domains');
      expect(page.text).not.to.contain('pending.agency.test/saml/acs');
    });
  });

  describe('signing in at the domain', function () {
    it('started at the domain: the AuthnRequest asks for the domain’s consumer service, and the answer posted there signs in there', async function () {
      const agent = h.agent();
      const request = await start(agent, DEMO_ROOT);
      expect(request.acsUrl).to.equal(domainAcs());
      const row = await h.crm.db('portal_sso_saml_requests').where({ workspace_id: demoId, request_id: request.id }).first('acs_url');
      expect(row.acs_url).to.equal(domainAcs());
      await expectSignedInAtDomain(agent, await answer({ inResponseTo: request.id, acsUrl: request.acsUrl! }));
    });

    it('started at the portal’s own address, the request still asks for the portal’s own consumer service', async function () {
      const request = await start(h.agent(), `${OWN}${PORTAL}`);
      expect(request.acsUrl).to.equal(ownAcs());
    });

    it('started at the identity provider and posted to the domain’s consumer service', async function () {
      await expectSignedInAtDomain(h.agent(), await answer({ acsUrl: domainAcs() }));
    });
  });

  describe('refusals, each with its reason in the log', function () {
    it('an answer addressed to the portal’s own address but posted to the domain, and the reverse', async function () {
      const toOwn = await expectRefused(domainAcs(), await answer({ acsUrl: ownAcs() }), 'wrong_recipient');
      expect(toOwn.detail).to.equal(`Recipient ${ownAcs()}, posted to ${domainAcs()}`);
      const toDomain = await expectRefused(ownAcs(), await answer({ acsUrl: domainAcs() }), 'wrong_recipient');
      expect(toDomain.detail).to.equal(`Recipient ${domainAcs()}, posted to ${ownAcs()}`);
    });

    it('a response whose Destination names another host than the one it was posted to', async function () {
      const refused = await expectRefused(domainAcs(), await answer({ acsUrl: domainAcs(), destination: ownAcs() }), 'wrong_recipient');
      expect(refused.detail).to.equal(`Destination ${ownAcs()}, posted to ${domainAcs()}`);
      const reverse = await expectRefused(ownAcs(), await answer({ acsUrl: ownAcs(), destination: domainAcs() }), 'wrong_recipient');
      expect(reverse.detail).to.equal(`Destination ${domainAcs()}, posted to ${ownAcs()}`);
    });

    it('an answer to a request started at the domain, delivered at the portal’s own address (and the reverse)', async function () {
      const atDomain = await start(h.agent(), DEMO_ROOT);
      const refused = await expectRefused(ownAcs(), await answer({ inResponseTo: atDomain.id, acsUrl: ownAcs() }), 'wrong_recipient');
      expect(refused.detail).to.equal(`requested at ${domainAcs()}, posted to ${ownAcs()}`);
      const atOwn = await start(h.agent(), `${OWN}${PORTAL}`);
      const reverse = await expectRefused(domainAcs(), await answer({ inResponseTo: atOwn.id, acsUrl: domainAcs() }), 'wrong_recipient');
      expect(reverse.detail).to.equal(`requested at ${ownAcs()}, posted to ${domainAcs()}`);
    });

    it('an answer addressed to another workspace’s domain, posted to this one’s', async function () {
      const refused = await expectRefused(domainAcs(), await answer({ recipient: acmeAcs(), destination: acmeAcs() }), 'wrong_recipient');
      expect(refused.detail).to.equal(`Recipient ${acmeAcs()}, posted to ${domainAcs()}`);
    });

    it('an answer to this workspace posted to another workspace’s domain: refused there, and signs nobody in here', async function () {
      const before = await h.crm.db('client_activity_logs').where({ workspace_id: demoId, event: 'sign_in' }).count({ n: '*' });
      // Acme's service provider is another entity id: the assertion is not for it.
      await expectRefused(acmeAcs(), await answer({ acsUrl: domainAcs() }), 'wrong_audience', acmeId);
      // Even re-addressed to Acme's domain, it names the demo workspace as its audience.
      await expectRefused(acmeAcs(), await answer({ recipient: acmeAcs(), destination: acmeAcs() }), 'wrong_audience', acmeId);
      const after = await h.crm.db('client_activity_logs').where({ workspace_id: demoId, event: 'sign_in' }).count({ n: '*' });
      expect(Number(after[0]!.n)).to.equal(Number(before[0]!.n));
    });
  });
});
