// Cache-Control on every kind of page, over HTTP against the reference CRM with the portal: pages
// that are not public assets (signed-in client pages, sign-in, reset and invitation pages, public
// links, the portal's admin, inbox and notification pages, the staff record page showing live
// link tokens, the CRM's own staff pages) say `no-store`; static assets and branding.css keep the
// caching they had.
import { expect } from 'chai';
import { csrfFrom, signedInAgent, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

type Agent = ReturnType<PortalHarness['agent']>;

describe('Cache-Control on pages and assets', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let client: Agent;
  let staff: Agent;
  let recordPath: string;
  let publicLink: string;

  before(async function () {
    h = await startPortalHarness();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    client = await signedInAgent(h.agent(), 'demo', login);
    staff = await signedInStaffAgent(h, 'demo');
    const proposal = await h.crm
      .db('proposals as p')
      .join('workspaces as w', 'w.id', 'p.workspace_id')
      .where('w.slug', 'demo')
      .first('p.id', 'p.client_id');
    recordPath = `/settings/client-portal/records/proposal/${proposal.client_id}/${proposal.id}`;
    const page = await staff.get(recordPath).expect(200);
    const made = await staff
      .post(`${recordPath}/links`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), days: '30' })
      .expect(303);
    const after = await staff.get(made.headers.location!.split('#')[0]!).expect(200);
    const url = /value="(https?:\/\/[^"]+\/portal\/demo\/p\/[A-Za-z0-9_-]{43})"/.exec(after.text);
    expect(url, 'the record page shows the new link').to.not.equal(null);
    publicLink = new URL(url![1]!).pathname;
  });
  after(async function () {
    await h?.close();
  });

  const pages: Array<{ kind: string; who: 'client' | 'staff' | 'anonymous'; path: () => string }> = [
    { kind: 'signed-in dashboard', who: 'client', path: () => '/portal/demo/' },
    { kind: 'signed-in messages', who: 'client', path: () => '/portal/demo/messages' },
    { kind: 'signed-in account', who: 'client', path: () => '/portal/demo/account' },
    { kind: 'sign-in page', who: 'anonymous', path: () => '/portal/demo/sign-in' },
    { kind: 'forgotten password page', who: 'anonymous', path: () => '/portal/demo/password/forgot' },
    { kind: 'reset page', who: 'anonymous', path: () => `/portal/demo/password/reset/${'r'.repeat(43)}` },
    { kind: 'invitation page', who: 'anonymous', path: () => `/portal/demo/invitation/${'i'.repeat(43)}` },
    { kind: 'public link page', who: 'anonymous', path: () => publicLink },
    { kind: 'unknown workspace (404)', who: 'anonymous', path: () => '/portal/no-such-workspace/sign-in' },
    { kind: 'staff record page with link tokens', who: 'staff', path: () => recordPath },
    { kind: 'portal admin settings', who: 'staff', path: () => '/settings/client-portal' },
    { kind: 'staff inbox', who: 'staff', path: () => '/client-messages' },
    { kind: 'staff notifications', who: 'staff', path: () => '/client-portal/notifications' },
    { kind: 'CRM dashboard', who: 'staff', path: () => '/' },
    { kind: 'CRM staff sign-in', who: 'anonymous', path: () => '/signin' },
  ];

  for (const page of pages) {
    it(`${page.kind} is not stored`, async function () {
      const agent = page.who === 'client' ? client : page.who === 'staff' ? staff : h.agent();
      const res = await agent.get(page.path());
      expect(res.status, page.path()).to.be.below(500);
      if (page.who !== 'anonymous' || page.kind.endsWith('page')) expect(res.type).to.equal('text/html');
      expect(res.headers['cache-control'], page.path()).to.equal('no-store');
    });
  }

  const assets: Array<{ path: string; cacheControl: RegExp }> = [
    { path: '/portal/assets/portal.css', cacheControl: /max-age=3600/ },
    { path: '/portal/assets/htmx.js', cacheControl: /public, max-age=86400/ },
    { path: '/portal/demo/branding.css', cacheControl: /^no-cache$/ },
    { path: '/assets/crm.css', cacheControl: /max-age=3600/ },
  ];
  for (const asset of assets) {
    it(`${asset.path} keeps its caching`, async function () {
      const res = await h.agent().get(asset.path).expect(200);
      expect(res.headers['cache-control']).to.match(asset.cacheControl);
    });
  }
});
