// Custom domains on the reference CRM, with a DNS server of the test's own on 127.0.0.1 (dns2) as
// the resolver the check asks: the admin adds portal.agency.test to the demo workspace and sees the
// CNAME and TXT records to create; "Check now" fails with words while the TXT record is missing or
// holds another token, and verifies once it holds the domain's token. Only then is the workspace
// served at that Host (requests to 127.0.0.1 with `Host: portal.agency.test`, through the real
// app), at the root of the host: its links, redirects and cookies (Path=/, never a Domain) say so.
// An unknown or unverified Host is 404 with nothing of any workspace; the TLS question answers yes
// for the verified domain only; removing the domain stops serving it at once. Names are stored in
// one form (lower case, punycode); the portal's own host, a name another workspace verified, and
// nonsense are refused with words, in German too. Who holds a name: an unverified claim expires
// after seven days and then blocks no one (its page says when); before that, another workspace
// may still add the name, and the first to prove its TXT record takes it, the other's domain
// marked superseded on its page; a verified claim is never taken, not even by a proof.
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import type { Knex } from 'knex';
import { startDnsServer, type LocalDnsServer } from '../../../../test/support/dns-server.ts';
import {
  cookieNamed,
  csrfFrom,
  postFormFrom,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
} from '../../../../test/support/portal-harness.ts';
import { checkVerificationRecord, dnsTxtLookup } from '../dns-check.ts';
import { hostRouting } from '../host-routing.ts';
import type { CustomDomains } from '../service.ts';
import { customOriginOf, type WorkspaceCache } from '../../../core/index.ts';
import { createPortalLinks } from '../../../core/web/portal-links.ts';
import { hostnameOfHeader, hostnameOfInput, normaliseHostname } from '../hostnames.ts';

const PAGE = '/settings/client-portal/custom-domains';
const HOST = 'portal.agency.test';
const TLS = '/client-portal/tls-allowed';

describe('custom domains', function () {
  let dns: LocalDnsServer;
  let h: PortalHarness;
  let db: Knex;
  let admin: Awaited<ReturnType<typeof signedInStaffAgent>>;
  let workspaceId: string;

  const tokenOf = async (hostname: string) =>
    (await db('portal_custom_domains').where({ workspace_id: workspaceId, hostname }).first('token'))!.token as string;
  const atHost = (path: string, host = HOST) => h.agent().get(path).set('Host', host);
  const add = (hostname: string, status: number) => postFormFrom(admin, PAGE, PAGE, { hostname }, status);
  const check = (hostname: string) => postFormFrom(admin, PAGE, `${PAGE}/${hostname}/check`, {}, 303);

  before(async function () {
    dns = await startDnsServer();
    h = await startPortalHarness({
      enabledFor: ['demo', 'acme'],
      boot: { portalConfig: { customDomains: { resolvers: [dns.address] } } },
    });
    db = h.crm.db;
    workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
    admin = await signedInStaffAgent(h, 'demo');
  });
  after(async function () {
    await h?.close();
    await dns?.close();
  });

  describe('host names', function () {
    it('are stored lower case, without a trailing dot, international names in punycode', function () {
      expect(normaliseHostname(' Portal.Agency.TEST. ')).to.equal('portal.agency.test');
      expect(normaliseHostname('büro.example')).to.equal('xn--bro-hoa.example');
      expect(hostnameOfHeader('Portal.Agency.test:8443')).to.equal('portal.agency.test');
    });

    it('refuse addresses, single labels, URLs and broken labels', function () {
      for (const bad of ['127.0.0.1', 'localhost', 'https://portal.agency.test/', 'a..b', '-a.example', 'a_b.example', 'x.123', '']) {
        expect(normaliseHostname(bad), bad).to.equal(null);
      }
      expect(hostnameOfHeader('[::1]:3000')).to.equal(null);
    });

    it('links to a domain at the scheme and port of the portal’s own address', async function () {
      const linksAt = (appUrl: string) => {
        const links = createPortalLinks({ appUrl, portalPath: '/portal' });
        links.useCustomDomains({ verifiedHostOf: async () => HOST, verifiedHostsOf: async () => [HOST] });
        return links.baseOf({ id: 'w', slug: 'demo' });
      };
      expect(await linksAt('https://portal.example.com')).to.equal(`https://${HOST}`);
      expect(await linksAt('http://localhost:3000')).to.equal(`http://${HOST}:3000`);
    });

    it('a page at the domain links back over the scheme of the portal’s own address, behind a TLS proxy too', async function () {
      // The proxy hands the portal plain HTTP and the host app trusts no forwarded header: the
      // origin (an identity provider's redirect, a payment provider's return) is still https.
      const app = express();
      app.use(
        hostRouting({
          domains: { workspaceOfHost: async (name: string) => (name === HOST ? 'w1' : null) } as unknown as CustomDomains,
          workspaces: { byId: async () => ({ workspace: { id: 'w1', slug: 'demo' } }) } as unknown as Pick<WorkspaceCache, 'byId'>,
          portalPath: '/portal',
          ownHosts: ['portal.example.com'],
          appUrl: 'https://portal.example.com',
        }),
      );
      app.get('/portal/demo/where', (req, res) => {
        res.json({ origin: customOriginOf(req) ?? null, protocol: req.protocol });
      });
      const answer = await request(app).get('/where').set('Host', `${HOST}:8443`).expect(200);
      expect(answer.body).to.deep.equal({ origin: `https://${HOST}:8443`, protocol: 'http' });
      const own = await request(app).get('/portal/demo/where').set('Host', 'portal.example.com').expect(200);
      expect(own.body.origin).to.equal(null);
    });

    it('a pasted address is read as its name; one that says more than a name is refused as such', function () {
      for (const typed of ['https://Portal.Agency.test/', 'http://portal.agency.test', 'portal.agency.test/', ' PORTAL.agency.test ']) {
        expect(hostnameOfInput(typed), typed).to.equal('portal.agency.test');
      }
      for (const more of [
        'https://portal.agency.test:8443/',
        'https://portal.agency.test/clients',
        'portal.agency.test/?a=1',
        'https://me@portal.agency.test/',
      ]) {
        expect(hostnameOfInput(more), more).to.deep.equal({ refused: 'notJustName' });
      }
      for (const bad of ['ftp://portal.agency.test/', 'https://localhost/', 'https://', 'not a domain']) {
        expect(hostnameOfInput(bad), bad).to.deep.equal({ refused: 'invalid' });
      }
    });
  });

  describe('the DNS check', function () {
    it('finds the token at _portal-verify.<domain>, joined when the record is split in strings', async function () {
      const lookup = dnsTxtLookup([dns.address]);
      dns.txt.set('_portal-verify.check.example', [['other'], ['tok', 'en-1']]);
      expect(await checkVerificationRecord(lookup, 'check.example', 'token-1')).to.equal('verified');
      expect(await checkVerificationRecord(lookup, 'check.example', 'token-2')).to.equal('wrongToken');
      expect(await checkVerificationRecord(lookup, 'missing.example', 'token-1')).to.equal('noRecord');
      expect(dns.asked).to.include('_portal-verify.check.example');
    });

    it('tells a server that does not answer from a missing record', async function () {
      // A port nothing listens on: the resolver times out (or is refused), which is not "no record".
      const silent = dnsTxtLookup(['127.0.0.1:9'], 200);
      expect(await checkVerificationRecord(silent, 'check.example', 'token-1')).to.equal('dnsError');
    });
  });

  describe('the staff page and the Host', function () {
    it('adds a domain and shows the CNAME to the portal’s host and the TXT token', async function () {
      const res = await add('Portal.Agency.Test', 303);
      expect(res.headers.location).to.equal(`${PAGE}?notice=added`);
      const page = await admin.get(`${PAGE}?notice=added`).expect(200);
      const token = await tokenOf(HOST);
      expect(token).to.match(/^[0-9a-f]{32}$/);
      expect(page.text).to.include('Domain added.');
      expect(page.text).to.include(`_portal-verify.${HOST}`);
      expect(page.text).to.include(token);
      // The CNAME target defaults to the host of appUrl (localhost in the harness).
      expect(page.text).to.match(/CNAME<\/th><td><code>portal\.agency\.test<\/code><\/td><td><code>localhost<\/code>/);
      expect(page.text).to.include('Waiting for the first check');
    });

    it('refuses nonsense, the portal’s own host and a name already added, with words', async function () {
      expect((await add('not a domain', 400)).text).to.include('Enter a domain name, like portal.example.com.');
      expect((await add('localhost.', 400)).text).to.include('Enter a domain name');
      expect((await add('PORTAL.agency.test', 400)).text).to.include('That domain is already in use by a portal.');
      // A pasted address is the name it holds, so it meets the same refusal; one with a path is told to give the name alone.
      expect((await add('https://Portal.Agency.test/', 400)).text).to.include('That domain is already in use by a portal.');
      expect((await add('https://portal.agency.test/clients', 400)).text).to.include('Enter only the domain name, like portal.example.com');
      // Another workspace may add a name demo has not proved yet, with a token of its own, and sees
      // nothing of demo's domain or its token.
      const acme = await signedInStaffAgent(h, 'acme');
      const added = await postFormFrom(acme, PAGE, PAGE, { hostname: HOST }, 303);
      expect(added.headers.location).to.equal(`${PAGE}?notice=addedWaiting`);
      const page = await acme.get(PAGE).expect(200);
      expect(page.text).to.include('Another workspace added this name first and has not proved it.');
      expect(page.text).not.to.include(await tokenOf(HOST));
      await postFormFrom(acme, PAGE, `${PAGE}/${HOST}/remove`, {}, 303);
    });

    it('an unverified domain is 404 at its Host, with nothing of the workspace', async function () {
      for (const path of ['/', '/sign-in', '/portal/demo/sign-in']) {
        const res = await atHost(path).expect(404);
        expect(res.text).not.to.include('Demo Agency');
      }
      await h.agent().get(`${TLS}?domain=${HOST}`).expect(404);
    });

    it('Check now fails with words while the TXT record is missing or holds another token', async function () {
      expect((await check(HOST)).headers.location).to.equal(`${PAGE}?notice=failed`);
      let page = await admin.get(`${PAGE}?notice=failed`).expect(200);
      expect(page.text).to.include('The check did not find the token.');
      expect(page.text).to.include(`no TXT record found at _portal-verify.${HOST}`);
      dns.txt.set(`_portal-verify.${HOST}`, [['someone-else’s token']]);
      await check(HOST);
      page = await admin.get(PAGE).expect(200);
      expect(page.text).to.include('it does not hold this domain’s token');
      expect(page.text).to.include('Not verified: not served here');
      await atHost('/sign-in').expect(404);
    });

    it('verifies once the TXT record holds the token; the workspace is served at the root of its Host', async function () {
      dns.txt.set(`_portal-verify.${HOST}`, [[await tokenOf(HOST)]]);
      expect((await check(HOST)).headers.location).to.equal(`${PAGE}?notice=verified`);
      const page = await admin.get(PAGE).expect(200);
      expect(page.text).to.include(`https://${HOST}/`);
      const row = await db('portal_custom_domains').where({ workspace_id: workspaceId, hostname: HOST }).first();
      expect(row.status).to.equal('verified');
      expect(row.verified_at).to.be.instanceOf(Date);

      const home = await atHost('/').expect(303);
      expect(home.headers.location).to.match(/^\/sign-in\?next=/);
      const signIn = await atHost('/sign-in').expect(200);
      expect(signIn.text).to.include('Demo Agency');
      expect(signIn.text).to.include('action="/sign-in/password"');
      expect(signIn.text).not.to.include('/portal/demo');
      // The portal's static assets keep their path.
      expect(signIn.text).to.include('/portal/assets/');
      await atHost('/portal/assets/htmx.js').expect(200);
      // A path of another workspace stays inside this one: a page it does not have, behind its sign-in.
      const other = await atHost('/portal/acme/sign-in').expect(303);
      expect(other.headers.location).to.match(/^\/sign-in\?next=%2Fportal%2Facme%2Fsign-in/);
      expect(other.text).not.to.include('Acme Studio');
      await h.agent().get(`${TLS}?domain=${HOST}`).expect(200);
      await h.agent().get(`${TLS}?domain=PORTAL.agency.test.`).expect(200);
    });

    it('signs a client in at the Host: the cookie is for that host only, at its root', async function () {
      const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
      const agent = h.agent();
      const page = await agent.get('/sign-in').set('Host', HOST).expect(200);
      const csrfCookie = cookieNamed(page, 'portal.csrf');
      expect(csrfCookie).to.match(/; Path=\//);
      expect(csrfCookie).not.to.match(/Domain=/i);
      const res = await agent
        .post('/sign-in/password')
        .set('Host', HOST)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: login.email, password: login.password })
        .expect(303);
      expect(res.headers.location).to.equal('/');
      const session = cookieNamed(res, 'portal.sid');
      expect(session).to.match(/; Path=\/;/);
      expect(session).not.to.match(/Domain=/i);
      const dashboard = await agent.get('/').set('Host', HOST).expect(200);
      expect(dashboard.text).to.include('href="/invoices"');
      expect(dashboard.text).not.to.include('/portal/demo');
      // Every page the dashboard links to stays on the host: each answers, and links from the root.
      const links = [...new Set([...dashboard.text.matchAll(/href="(\/[^"/][^"]*)"/g)].map((match) => match[1]!))].filter(
        (href) => !href.startsWith('/portal/assets/'),
      );
      expect(links).to.include.members(['/invoices', '/account']);
      for (const href of links) {
        const linked = await agent.get(href.replace(/&amp;/g, '&')).set('Host', HOST);
        expect(linked.status, href).to.be.below(400);
        expect(linked.text ?? '', href).not.to.include('/portal/demo');
        if (linked.status === 303) expect(linked.headers.location, href).to.match(/^\/(?!portal\/demo)/);
      }
      // On the portal's own host the same workspace keeps its path and its cookie's.
      const own = await h.agent().get('/portal/demo/sign-in').expect(200);
      expect(cookieNamed(own, 'portal.csrf')).to.match(/; Path=\/portal;/);
    });

    it('emails to the workspace’s clients link to its domain', async function () {
      const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
      await h.afterRepeatWindow();
      h.smtp.clear();
      // Asked for on the portal's own host: the link still names the workspace's domain.
      const agent = h.agent();
      const page = await agent.get('/portal/demo/sign-in').expect(200);
      await agent
        .post('/portal/demo/sign-in/code')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: login.email })
        .expect(200);
      await h.crm.portal.drainOutbox();
      const mail = await h.smtp.waitForMessage((m) => m.to.includes(login.email));
      // The domain is served by the portal's own server, so at the port of its address (see below).
      expect(mail.text).to.match(new RegExp(`http://${HOST.replace(/\./g, '\\.')}(:\\d+)?/sign-in/code`));
      expect(mail.text).not.to.include('/portal/demo');

      // Asked for at the domain itself, at a port of its own: the link goes back to that very address.
      await h.afterRepeatWindow();
      h.smtp.clear();
      const there = h.agent();
      const form = await there.get('/sign-in').set('Host', `${HOST}:8443`).expect(200);
      await there
        .post('/sign-in/code')
        .set('Host', `${HOST}:8443`)
        .type('form')
        .send({ _csrf: csrfFrom(form.text), email: login.email })
        .expect(200);
      await h.crm.portal.drainOutbox();
      const again = await h.smtp.waitForMessage((m) => m.to.includes(login.email));
      expect(again.text).to.include(`http://${HOST}:8443/sign-in/code`);
    });

    it('an unknown Host is 404 with nothing of any workspace', async function () {
      for (const host of ['unknown.example', 'acme.agency.test']) {
        const res = await atHost('/portal/demo/sign-in', host).expect(404);
        expect(res.text).not.to.include('Demo Agency');
        await h.agent().get(`${TLS}?domain=${host}`).expect(404);
      }
      await h
        .agent()
        .get(`${TLS}?domain=${encodeURIComponent('not a name')}`)
        .expect(404);
      await h.agent().get(TLS).expect(404);
    });

    it('speaks German to a German admin', async function () {
      const page = await admin.get(PAGE).set('Accept-Language', 'de').expect(200);
      expect(page.text).to.include('Eigene Domains');
      expect(page.text).to.include('Jetzt prüfen');
    });

    it('a later failed check stops serving the domain; a good one serves it again', async function () {
      dns.txt.delete(`_portal-verify.${HOST}`);
      expect((await check(HOST)).headers.location).to.equal(`${PAGE}?notice=failed`);
      await atHost('/sign-in').expect(404);
      await h.agent().get(`${TLS}?domain=${HOST}`).expect(404);
      expect((await db('portal_custom_domains').where({ workspace_id: workspaceId, hostname: HOST }).first()).verified_at).to.equal(null);
      dns.txt.set(`_portal-verify.${HOST}`, [[await tokenOf(HOST)]]);
      expect((await check(HOST)).headers.location).to.equal(`${PAGE}?notice=verified`);
      await atHost('/sign-in').expect(200);
    });

    it('removing the domain stops serving it at once', async function () {
      const res = await postFormFrom(admin, PAGE, `${PAGE}/${HOST}/remove`, {}, 303);
      expect(res.headers.location).to.equal(`${PAGE}?notice=removed`);
      await atHost('/sign-in').expect(404);
      await h.agent().get(`${TLS}?domain=${HOST}`).expect(404);
      expect(await db('portal_custom_domain_hosts').where({ hostname: HOST }).first()).to.equal(undefined);
      await postFormFrom(admin, PAGE, `${PAGE}/${HOST}/check`, {}, 404);
      await postFormFrom(admin, PAGE, `${PAGE}/NOT_STORED/remove`, {}, 404);
    });

    it('the TLS question is limited per address', async function () {
      // Last: it uses up this address's allowance. A proxy asks once per new name; 120 a minute pass,
      // counted afresh here (the questions above counted too).
      await db('portal_rate_limits').where('key', 'like', 'tls-ask:%').delete();
      const answers: number[] = [];
      for (let i = 0; i < 121; i++) answers.push((await h.agent().get(`${TLS}?domain=n${i}.example`)).status);
      expect(answers.filter((status) => status === 404)).to.have.length(120);
      const refused = await h.agent().get(`${TLS}?domain=${HOST}`).expect(429);
      expect(refused.headers['retry-after']).to.match(/^\d+$/);
    });
  });

  describe('who holds a name', function () {
    let acme: Awaited<ReturnType<typeof signedInStaffAgent>>;
    let acmeId: string;
    const claimOf = (hostname: string) => db('portal_custom_domain_hosts').where({ hostname }).first('workspace_id', 'verified');
    const acmeAdd = (hostname: string, status: number) => postFormFrom(acme, PAGE, PAGE, { hostname }, status);
    const tokenIn = async (workspace: string, hostname: string) =>
      (await db('portal_custom_domains').where({ workspace_id: workspace, hostname }).first('token'))!.token as string;

    before(async function () {
      acme = await signedInStaffAgent(h, 'acme');
      acmeId = (await h.crm.adapter.workspaces.findBySlug('acme'))!.id;
    });

    it('an unverified claim made 8 days ago blocks no one, and its page says it expired', async function () {
      const name = 'old.claim.test';
      await add(name, 303);
      expect((await admin.get(PAGE).expect(200)).text).to.include('Held for this workspace until');
      await db('portal_custom_domains')
        .where({ workspace_id: workspaceId, hostname: name })
        .update({ created_at: new Date(Date.now() - 8 * 24 * 3600 * 1000) });
      expect((await admin.get(PAGE).expect(200)).text).to.include('This claim expired on');
      // Another workspace adding the name takes the claim at once, without a proof yet.
      expect((await acmeAdd(name, 303)).headers.location).to.equal(`${PAGE}?notice=added`);
      expect(await claimOf(name)).to.deep.equal({ workspace_id: acmeId, verified: false });
      // Neither serves it until one proves it.
      await atHost('/sign-in', name).expect(404);
    });

    it('a workspace that proves the TXT record takes the name from a fresh unverified claim', async function () {
      const name = 'fresh.claim.test';
      await add(name, 303);
      expect((await acmeAdd(name, 303)).headers.location).to.equal(`${PAGE}?notice=addedWaiting`);
      expect(await claimOf(name)).to.deep.equal({ workspace_id: workspaceId, verified: false });
      dns.txt.set(`_portal-verify.${name}`, [[await tokenIn(acmeId, name)]]);
      const checked = await postFormFrom(acme, PAGE, `${PAGE}/${name}/check`, {}, 303);
      expect(checked.headers.location).to.equal(`${PAGE}?notice=verified`);
      expect(await claimOf(name)).to.deep.equal({ workspace_id: acmeId, verified: true });
      const demoRow = await db('portal_custom_domains').where({ workspace_id: workspaceId, hostname: name }).first('status');
      expect(demoRow.status).to.equal('superseded');
      const demoPage = await admin.get(PAGE).expect(200);
      expect(demoPage.text).to.include('Taken by another workspace, which proved the TXT record for this name first');
      expect((await admin.get(PAGE).set('Accept-Language', 'de').expect(200)).text).to.include(
        'Von einem anderen Arbeitsbereich übernommen',
      );
      const served = await atHost('/sign-in', name).expect(200);
      expect(served.text).to.include('Acme Studio').and.not.include('Demo Agency');
      // demo's own proof comes too late: the name stays acme's.
      dns.txt.set(`_portal-verify.${name}`, [[await tokenIn(acmeId, name)], [await tokenIn(workspaceId, name)]]);
      expect((await check(name)).headers.location).to.equal(`${PAGE}?notice=heldElsewhere`);
      expect(await claimOf(name)).to.deep.equal({ workspace_id: acmeId, verified: true });
    });

    it('a verified claim is never taken: not by adding the name, not by proving it', async function () {
      const name = 'kept.claim.test';
      await add(name, 303);
      // acme adds it while demo's claim is unverified, so it has a token of its own to prove with.
      await acmeAdd(name, 303);
      dns.txt.set(`_portal-verify.${name}`, [[await tokenIn(workspaceId, name)], [await tokenIn(acmeId, name)]]);
      expect((await check(name)).headers.location).to.equal(`${PAGE}?notice=verified`);
      await db('portal_custom_domains')
        .where({ workspace_id: workspaceId, hostname: name })
        .update({ created_at: new Date(Date.now() - 30 * 24 * 3600 * 1000) });
      const proved = await postFormFrom(acme, PAGE, `${PAGE}/${name}/check`, {}, 303);
      expect(proved.headers.location).to.equal(`${PAGE}?notice=heldElsewhere`);
      expect(await claimOf(name)).to.deep.equal({ workspace_id: workspaceId, verified: true });
      expect((await acme.get(PAGE).expect(200)).text).to.include('Another workspace proved this name and is served at it.');
      await postFormFrom(acme, PAGE, `${PAGE}/${name}/remove`, {}, 303);
      expect((await acmeAdd(name, 400)).text).to.include('That domain is already in use by a portal.');
      expect(await claimOf(name)).to.deep.equal({ workspace_id: workspaceId, verified: true });
      const served = await atHost('/sign-in', name).expect(200);
      expect(served.text).to.include('Demo Agency');
    });
  });
});
