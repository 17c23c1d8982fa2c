// Single sign-on issuers in production: the server requests an identity provider only at a public
// address. The reference CRM boots as NODE_ENV=production boots it, with a DNS server of the
// test's own as its resolver (SSO_RESOLVERS). With no host allowed, the admin's form refuses, with
// one sentence in English and in German and a 400, issuers at the loopback (127.0.0.1, localhost,
// [::1]), on private networks (10.x, 192.168.x), at the cloud's metadata service (169.254.169.254)
// and at a name whose DNS answers 127.0.0.1; and a provider saved before (its issuer on this
// machine) or whose name answers a private address only after it was saved reaches nothing: the
// client's sign-in is a 503, the log says why, and no connection arrives at the service behind it.
// With `localhost` allowed by name (SSO_ALLOWED_PRIVATE_HOSTS), an issuer there is saved and a
// client signs in through it (discovery, keys, token and userinfo over the checked connection),
// while the same machine by its address is still refused. Then which addresses count as public,
// IPv6 forms that carry an IPv4 address included.
import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { expect } from 'chai';
import { captureLogger, type CapturedLogger } from '../../../../test/support/capture-logger.ts';
import { startDnsServer, type LocalDnsServer } from '../../../../test/support/dns-server.ts';
import { csrfFrom, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { isPublicAddress } from '../issuer-network.ts';
import { startOpenIdProvider, type TestOpenIdProvider } from './openid-provider.ts';

const ADMIN = '/settings/client-portal';
const PORTAL = '/portal/demo';
const REFUSED_EN = 'This issuer address leads to a private or local network';
const REFUSED_DE = 'Diese Issuer-Adresse führt in ein privates oder lokales Netz';
type Agent = ReturnType<PortalHarness['agent']>;

describe('single sign-on issuers in production: public addresses only', function () {
  let dns: LocalDnsServer;
  /** A service on this machine that an issuer address must never reach: it counts connections. */
  let internal: Server;
  let internalPort: number;
  let connections = 0;

  before(async function () {
    dns = await startDnsServer();
    internal = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    internalPort = (internal.address() as AddressInfo).port;
  });
  after(async function () {
    await dns?.close();
    await new Promise<void>((resolve) => (internal ? internal.close(() => resolve()) : resolve()));
  });

  /** The reference CRM as in production, its demo data kept (a production start seeds none), and its admin signed in. */
  async function productionCrm(allowedPrivateHosts: string[], log: CapturedLogger) {
    const h = await startPortalHarness({
      boot: {
        logger: log.logger,
        production: true,
        seedDemoData: true,
        // Production refuses a predictable secret.
        sessionSecret: randomBytes(48).toString('base64'),
        portalConfig: { singleSignOn: { allowedPrivateHosts, resolvers: [dns.address] } },
      },
    });
    const workspaceId = String((await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id);
    return { h, workspaceId, staff: await signedInStaffAgent(h, 'demo') };
  }

  /** Posts the new-provider form as an admin would; returns the answer. */
  async function addProvider(staff: Agent, issuerUrl: string, language = 'en', extra: Record<string, string> = {}) {
    const page = await staff.get(`${ADMIN}/single-sign-on/new`).expect(200);
    return staff
      .post(`${ADMIN}/single-sign-on`)
      .set('Accept-Language', language)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), displayName: 'Company ID', issuerUrl, clientId: 'portal', scopes: 'openid email', ...extra });
  }

  /** Starts a client's sign-in with a provider's button, as the boosted form sends it. */
  async function start(agent: Agent, providerId: string) {
    const page = await agent.get(`${PORTAL}/sign-in`).expect(200);
    return agent
      .post(`${PORTAL}/sign-in/sso`)
      .set('HX-Request', 'true')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), providerId });
  }

  const idFrom = (location: unknown) => String(location).split('?')[0]!.split('/').pop()!;

  describe('no host allowed', function () {
    let h: PortalHarness;
    let staff: Agent;
    let workspaceId: string;
    const log = captureLogger();

    before(async function () {
      this.timeout(180_000);
      ({ h, staff, workspaceId } = await productionCrm([], log));
    });
    after(async function () {
      await h?.close();
    });

    it('the form refuses, in English and German, an issuer at the loopback, a private network or the metadata service', async function () {
      dns.addresses.set('sso.loopback.test', ['127.0.0.1']);
      const refused = [
        `http://127.0.0.1:${internalPort}`,
        `http://localhost:${internalPort}`,
        `http://[::1]:${internalPort}`,
        'https://10.0.0.7',
        'https://192.168.1.20',
        'https://169.254.169.254',
        'https://sso.loopback.test',
      ];
      for (const issuerUrl of refused) {
        const res = await addProvider(staff, issuerUrl);
        expect(res.status, issuerUrl).to.equal(400);
        expect(res.text, issuerUrl).to.contain(REFUSED_EN);
        expect(res.text, issuerUrl).to.contain(issuerUrl);
      }
      const german = await addProvider(staff, 'https://169.254.169.254', 'de');
      expect(german.status).to.equal(400);
      expect(german.text).to.contain(REFUSED_DE);
      expect(await h.crm.db('portal_sso_providers').where({ workspace_id: workspaceId })).to.have.length(0);
      expect(connections).to.equal(0);
    });

    it('reaches nothing through a provider saved before, or whose name answers a private address after it was saved', async function () {
      // Saved while the installation still allowed it (outside production, or before this check).
      const [saved] = await h.crm
        .db('portal_sso_providers')
        .insert({ workspace_id: workspaceId, display_name: 'Old ID', issuer_url: `http://127.0.0.1:${internalPort}`, client_id: 'portal' })
        .returning('id');
      const refused = await start(h.agent(), String(saved.id));
      expect(refused.status).to.equal(503);
      expect(refused.text).to.contain('temporarily unavailable');

      // Public when the admin saved it, this machine when the server asks (DNS rebinding).
      dns.addresses.set('sso.rebind.test', ['8.8.8.8']);
      const added = await addProvider(staff, `https://sso.rebind.test:${internalPort}`);
      expect(added.status).to.equal(303);
      dns.addresses.set('sso.rebind.test', ['127.0.0.1']);
      expect((await start(h.agent(), idFrom(added.headers.location))).status).to.equal(503);
      expect(connections).to.equal(0);
      // The operator reads why, and what would allow it.
      expect(log.output()).to.contain('sso.rebind.test is at 127.0.0.1, not a public address').and.contain('SSO_ALLOWED_PRIVATE_HOSTS');
    });
  });

  describe('localhost allowed by name', function () {
    let h: PortalHarness;
    let staff: Agent;
    let workspaceId: string;
    let op: TestOpenIdProvider;

    before(async function () {
      this.timeout(180_000);
      ({ h, staff, workspaceId } = await productionCrm(['localhost'], captureLogger()));
      // The address the staff page tells the agency to register is the one the provider is given.
      const list = await staff.get(`${ADMIN}/single-sign-on`).expect(200);
      const redirectUri = /<code class="break">([^<]+)<\/code>/.exec(list.text)?.[1];
      op = await startOpenIdProvider({ redirectUri: redirectUri!, host: 'localhost' });
      op.accounts.set('maria-sub', { sub: 'maria-sub', email: 'maria@northwind.test', email_verified: true });
    });
    after(async function () {
      await op?.close();
      await h?.close();
    });

    it('saves an issuer there and signs a client in through it; the same machine by its address is still refused', async function () {
      const byAddress = await addProvider(staff, op.issuer.replace('localhost', '127.0.0.1'));
      expect(byAddress.status).to.equal(400);
      expect(byAddress.text).to.contain(REFUSED_EN);

      const created = await addProvider(staff, op.issuer, 'en', { clientId: op.clientId, clientSecret: op.clientSecret });
      expect(created.status).to.equal(303);
      const providerHref = String(created.headers.location).split('?')[0]!;
      const page = await staff.get(providerHref).expect(200);
      const northwind = await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id');
      await staff
        .post(`${providerHref}/bindings`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), clientId: String(northwind.id), emailDomains: 'northwind.test', signInMode: 'any' })
        .expect(303);

      const agent = h.agent();
      const started = await start(agent, idFrom(providerHref));
      expect(started.status).to.equal(204);
      op.signInAs('maria-sub');
      const back = await op.authorize(started.headers['hx-redirect'] as string);
      const res = await agent.get(`${back.pathname}${back.search}`).expect(303);
      expect(res.headers.location).to.equal(`${PORTAL}/`);
      await agent.get(`${PORTAL}/`).expect(200);
    });
  });
});

describe('which addresses an issuer may be at', function () {
  it('public IPv4 and global IPv6 only; IPv6 forms carrying an IPv4 address are judged by it', function () {
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808'])
      expect(isPublicAddress(address), address).to.equal(true);
    for (const address of [
      '127.0.0.1',
      '127.8.9.10',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.254',
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.1',
      '::',
      '::1',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
      '2001:db8::1',
      '::ffff:127.0.0.1',
      '::ffff:a9fe:a9fe',
      '64:ff9b::a00:1',
      '2002:7f00:1::1',
      'not an address',
    ])
      expect(isPublicAddress(address), address).to.equal(false);
  });
});
