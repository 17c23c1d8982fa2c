// The admin router's guards on every admin route: not signed in → 401 (from the host's guard and
// from the portal's own), a workspace member → 403, the portal flag off → 404, a state change
// without the CSRF token → 403, and errors rendered inside the admin layout; an admin of another
// workspace finds none of this one's records (nor refunds its unapplied money, nor reads the
// sign-in and security log of its people).
import { expect } from 'chai';
import supertest from 'supertest';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { ADMIN_PATH, createTestHost, type TestHost } from '../../../../test/support/test-host.ts';
import type { HostStaffUser } from '../../../core/index.ts';

const CLIENT_USER_ID = '00000000-0000-4000-8000-000000000000';
/** A workspace role that exists (made in before): a refused form about it is shown again, not a 404. */
const ROLE_ID = '00000000-0000-4000-8000-00000000a11e';
/** An erasure request that exists (made in before): a refused decision shows the request again, not a 404. */
const ERASURE_ID = '00000000-0000-4000-8000-0000000e7a5e';
/** A request for a new colleague that exists (made in before). */
const COLLEAGUE_REQUEST_ID = '00000000-0000-4000-8000-00000000c011';
/** A custom domain of acme's (made in before), pending. */
const DOMAIN = 'portal.guarded.test';
/** Money taken that could not be applied (made in before): its refund is the one state change on the list. */
const UNAPPLIED_ID = '00000000-0000-4000-8000-0000000a9914';
/** A client user of acme's (made in before), with an entry in their sign-in and security log. */
const PERSON_ID = '00000000-0000-4000-8000-0000000a11ce';
/** An identity provider for single sign-on (made in before). */
const SSO_PROVIDER_ID = '00000000-0000-4000-8000-000000000550';

const ROUTES: Array<{ method: 'get' | 'post'; path: string }> = [
  { method: 'get', path: '' },
  { method: 'post', path: '' },
  { method: 'get', path: '/clients' },
  { method: 'post', path: '/clients/invite' },
  { method: 'get', path: `/clients/${CLIENT_USER_ID}/disable` },
  { method: 'post', path: `/clients/${CLIENT_USER_ID}/disable` },
  { method: 'post', path: `/clients/${CLIENT_USER_ID}/enable` },
  { method: 'get', path: `/clients/${CLIENT_USER_ID}/two-factor/reset` },
  { method: 'post', path: `/clients/${CLIENT_USER_ID}/two-factor/reset` },
  { method: 'get', path: `/clients/${CLIENT_USER_ID}/access` },
  { method: 'get', path: `/clients/${PERSON_ID}/security-log` },
  { method: 'post', path: `/clients/${CLIENT_USER_ID}/access` },
  { method: 'get', path: '/companies/c-1/access' },
  { method: 'post', path: '/companies/c-1/access' },
  { method: 'get', path: '/roles' },
  { method: 'post', path: '/roles' },
  { method: 'get', path: `/roles/${ROLE_ID}` },
  { method: 'post', path: `/roles/${ROLE_ID}` },
  { method: 'get', path: `/roles/${ROLE_ID}/remove` },
  { method: 'post', path: `/roles/${ROLE_ID}/remove` },
  { method: 'get', path: '/activity' },
  { method: 'get', path: '/satisfaction' },
  { method: 'get', path: '/help-feedback' },
  { method: 'get', path: '/erasure-requests' },
  { method: 'get', path: `/erasure-requests/${ERASURE_ID}` },
  { method: 'post', path: `/erasure-requests/${ERASURE_ID}/approve` },
  { method: 'post', path: `/erasure-requests/${ERASURE_ID}/decline` },
  { method: 'get', path: '/colleague-requests' },
  { method: 'get', path: `/colleague-requests/${COLLEAGUE_REQUEST_ID}` },
  { method: 'post', path: `/colleague-requests/${COLLEAGUE_REQUEST_ID}/add` },
  { method: 'post', path: `/colleague-requests/${COLLEAGUE_REQUEST_ID}/decline` },
  { method: 'get', path: '/payments/unapplied' },
  { method: 'post', path: `/payments/unapplied/${UNAPPLIED_ID}/refund` },
  { method: 'get', path: '/custom-domains' },
  { method: 'post', path: '/custom-domains' },
  { method: 'post', path: `/custom-domains/${DOMAIN}/check` },
  { method: 'post', path: `/custom-domains/${DOMAIN}/remove` },
  { method: 'get', path: '/single-sign-on' },
  { method: 'get', path: '/single-sign-on/new' },
  { method: 'post', path: '/single-sign-on' },
  { method: 'get', path: `/single-sign-on/${SSO_PROVIDER_ID}` },
  { method: 'post', path: `/single-sign-on/${SSO_PROVIDER_ID}` },
  { method: 'post', path: `/single-sign-on/${SSO_PROVIDER_ID}/disable` },
  { method: 'post', path: `/single-sign-on/${SSO_PROVIDER_ID}/enable` },
  { method: 'post', path: `/single-sign-on/${SSO_PROVIDER_ID}/bindings` },
  { method: 'post', path: `/single-sign-on/${SSO_PROVIDER_ID}/bindings/c-1/remove` },
];

describe('admin guards', () => {
  let database: TestDatabase;
  let host: TestHost;
  let openHost: TestHost;
  let admin: HostStaffUser;
  let member: HostStaffUser;
  let adminWithoutPortal: HostStaffUser;

  before(async () => {
    database = await createTestDatabase();
    host = await createTestHost(database.url, { portalEnabledFor: ['acme'] });
    const acme = await host.createWorkspace({ slug: 'acme', name: 'Acme Agency' });
    const dark = await host.createWorkspace({ slug: 'dark', name: 'Dark Agency' });
    admin = await host.createStaff(acme, 'admin');
    member = await host.createStaff(acme, 'member');
    adminWithoutPortal = await host.createStaff(dark, 'admin', 'Dora Dark');
    await host.db('client_roles').insert({ workspace_id: acme.id, id: ROLE_ID, name: 'Guarded', permissions: ['invoices'] });
    await host
      .db('client_users')
      .insert({ workspace_id: acme.id, id: PERSON_ID, client_id: 'c-1', contact_id: 'guarded-contact', email: 'alice@guarded.test' });
    await host.db('client_activity_logs').insert({
      workspace_id: acme.id,
      client_user_id: PERSON_ID,
      client_id: 'c-1',
      email: 'alice@guarded.test',
      event: 'sign_in.failed',
      details: JSON.stringify({ method: 'password' }),
      ip: '203.0.113.66',
    });
    await host
      .db('portal_erasure_requests')
      .insert({ workspace_id: acme.id, id: ERASURE_ID, client_user_id: CLIENT_USER_ID, client_id: 'c-1' });
    await host.db('portal_custom_domain_hosts').insert({ hostname: DOMAIN, workspace_id: acme.id, verified: false });
    await host.db('portal_custom_domains').insert({ workspace_id: acme.id, hostname: DOMAIN, token: 'a'.repeat(32) });
    await host.db('portal_colleague_requests').insert({
      workspace_id: acme.id,
      id: COLLEAGUE_REQUEST_ID,
      client_id: 'c-1',
      requested_by: CLIENT_USER_ID,
      name: 'Lena Vogt',
      email: 'lena@example.test',
    });
    await host.db('client_unapplied_payments').insert({
      workspace_id: acme.id,
      id: UNAPPLIED_ID,
      payment_id: CLIENT_USER_ID,
      client_id: 'c-1',
      invoice_id: '1',
      invoice_number: 'INV-GUARDED',
      provider: 'stripe',
      amount_cents: 23_000,
      currency: 'EUR',
      reference: 'pi_guarded',
      reason: 'checkout_closed',
    });
    await host.db('portal_sso_providers').insert({
      workspace_id: acme.id,
      id: SSO_PROVIDER_ID,
      display_name: 'Guarded ID',
      issuer_url: 'https://id.example.test',
      client_id: 'portal',
    });
    // A second app on the same database whose settings area lets anonymous requests through,
    // so the portal's own staff check answers them.
    openHost = await createTestHost(database.url, { hostGuard: false, portalEnabledFor: ['acme'] });
  });

  after(async () => {
    await openHost?.close();
    await host?.close();
    await database?.drop();
  });

  for (const route of ROUTES) {
    const label = `${route.method.toUpperCase()} ${ADMIN_PATH}${route.path}`;

    it(`${label}: not signed in → 401`, async () => {
      await supertest(host.app)[route.method](`${ADMIN_PATH}${route.path}`).expect(401);
      const res = await supertest(openHost.app)[route.method](`${ADMIN_PATH}${route.path}`).expect(401);
      expect(res.text).to.contain('Please sign in to the CRM first.');
      expect(res.text).to.contain('href="/settings"');
    });

    it(`${label}: a workspace member → 403`, async () => {
      const agent = await host.staffAgent(member);
      const res = await agent[route.method](`${ADMIN_PATH}${route.path}`).expect(403);
      expect(res.text).to.contain('Only workspace admins can change the client portal settings.');
    });

    it(`${label}: portal flag off for the workspace → 404`, async () => {
      const agent = await host.staffAgent(adminWithoutPortal);
      await agent[route.method](`${ADMIN_PATH}${route.path}`).expect(404);
    });

    if (route.method === 'post') {
      it(`${label}: no CSRF token → 403`, async () => {
        const agent = await host.staffAgent(admin);
        const res = await agent.post(`${ADMIN_PATH}${route.path}`).type('form').send({ contactId: '1' }).expect(403);
        expect(res.text).to.contain('This form has expired');
      });

      it(`${label}: a wrong CSRF token → 403, as form field or header`, async () => {
        const agent = await host.staffAgent(admin);
        await agent.post(`${ADMIN_PATH}${route.path}`).type('form').send({ _csrf: 'forged' }).expect(403);
        await agent.post(`${ADMIN_PATH}${route.path}`).set('X-CSRF-Token', 'forged').type('form').send({}).expect(403);
      });
    }
  }

  it("an admin of another workspace with the portal on finds none of this workspace's records → 404", async () => {
    const bravo = await host.createWorkspace({ slug: 'bravo', name: 'Bravo Agency' });
    const bravoAdmin = await host.createStaff(bravo, 'admin', 'Bea Bravo');
    const bravoHost = await createTestHost(database.url, { portalEnabledFor: ['acme', 'bravo'] });
    try {
      const agent = await bravoHost.staffAgent(bravoAdmin);
      const owner = await bravoHost.staffAgent(admin);
      for (const path of [
        `/roles/${ROLE_ID}`,
        `/erasure-requests/${ERASURE_ID}`,
        `/colleague-requests/${COLLEAGUE_REQUEST_ID}`,
        `/single-sign-on/${SSO_PROVIDER_ID}`,
        `/clients/${PERSON_ID}/security-log`,
      ]) {
        await owner.get(`${ADMIN_PATH}${path}`).expect(200); // acme's own admin opens it
        await agent.get(`${ADMIN_PATH}${path}`).expect(404);
      }
      // Its own lists are empty of them.
      expect((await agent.get(`${ADMIN_PATH}/colleague-requests`).expect(200)).text).not.to.contain('Lena Vogt');
      expect((await owner.get(`${ADMIN_PATH}/custom-domains`).expect(200)).text).to.contain(DOMAIN);
      const domains = await agent.get(`${ADMIN_PATH}/custom-domains`).expect(200);
      expect(domains.text).not.to.contain(DOMAIN);
      // Nor may it check or remove this workspace's domain.
      const csrf = /name="_csrf" value="([^"]+)"/.exec(domains.text)![1];
      for (const action of ['check', 'remove'])
        await agent.post(`${ADMIN_PATH}/custom-domains/${DOMAIN}/${action}`).type('form').send({ _csrf: csrf }).expect(404);
      expect(await host.db('portal_custom_domains').where({ hostname: DOMAIN }).first()).to.not.equal(undefined);
      expect((await agent.get(`${ADMIN_PATH}/single-sign-on`).expect(200)).text).not.to.contain('Guarded ID');
      expect((await owner.get(`${ADMIN_PATH}/payments/unapplied`).expect(200)).text).to.contain('INV-GUARDED');
      const list = await agent.get(`${ADMIN_PATH}/payments/unapplied`).expect(200);
      expect(list.text).not.to.contain('INV-GUARDED');
      // Nor may it refund this workspace's money.
      await agent
        .post(`${ADMIN_PATH}/payments/unapplied/${UNAPPLIED_ID}/refund`)
        .type('form')
        .send({ _csrf: /name="_csrf" value="([^"]+)"/.exec((await agent.get(ADMIN_PATH).expect(200)).text)![1] })
        .expect(404);
      const row = await host.db('client_unapplied_payments').where({ id: UNAPPLIED_ID }).first();
      expect(row.refund_id).to.equal(null);
    } finally {
      await bravoHost.close();
    }
  });

  it('renders errors inside the admin layout, with the admin navigation once the workspace is known', async () => {
    const agent = await host.staffAgent(admin);
    const res = await agent.get(`${ADMIN_PATH}/clients/nowhere`).expect(404);
    expect(res.text).to.contain('id="admin-main"');
    expect(res.text).to.contain('aria-label="Client portal settings"');
    expect(res.text).to.contain('We could not find that page.');
  });

  it('answers an htmx request for an error with headers that replace the main region', async () => {
    const agent = await host.staffAgent(admin);
    const res = await agent.get(`${ADMIN_PATH}/activity?page=0`).set('HX-Request', 'true').expect(400);
    expect(res.headers['hx-retarget']).to.equal('#admin-main');
    expect(res.headers['hx-reselect']).to.equal('#admin-main');
  });

  it('sends the strict CSP on admin pages', async () => {
    const agent = await host.staffAgent(admin);
    const res = await agent.get(ADMIN_PATH).expect(200);
    expect(res.headers['content-security-policy']).to.contain("script-src 'self'");
    expect(res.text).not.to.match(/<script(?![^>]*\bsrc=)/);
    expect(res.text).not.to.contain('style=');
  });
});
