// Covers the plugin contract of createReferenceCrmApp: mountPublic runs before the CRM session
// (no crm.sid, no CRM CSRF, staff.current is null there), mountStaff runs after it (requireStaff,
// helpers.csrfToken, staff.current from the CRM session; CSRF is the plugin's own, not the CRM's), settingsPages links
// on the Settings page (same-site only), and the 404 / error pages that come after plugins.
import { expect } from 'chai';
import type express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { createReferenceCrmAdapter } from '../../plugins/reference-crm/binding/adapter.ts';
import type { CrmPlugin } from '../../plugins/reference-crm/crm-plugin.ts';
import { DEMO_ADMIN, DEMO_MEMBER, signIn, startCrm, textOf, type CrmTestContext } from './support.ts';

describe('reference CRM plugin mount points', function () {
  let crm: CrmTestContext;
  const calls: string[] = [];

  before(async function () {
    let adapter: ReturnType<typeof createReferenceCrmAdapter> | undefined;
    const plugin: CrmPlugin = {
      mountPublic(app: express.Express) {
        calls.push('mountPublic');
        app.get('/portal/ping', async (req, res) => {
          res.json({ crmSession: Boolean((req as { session?: unknown }).session), staff: await adapter!.staff.current(req) });
        });
        app.post('/portal/echo', (_req, res) => {
          res.json({ ok: true });
        });
      },
      mountStaff(app, helpers) {
        calls.push('mountStaff');
        app.get('/portal-admin', helpers.requireStaff, async (req, res) => {
          res.json({ staff: await adapter!.staff.current(req), csrf: helpers.csrfToken(req) });
        });
        app.post('/portal-admin', helpers.requireStaff, (_req, res) => {
          res.json({ saved: true });
        });
        app.get('/portal-admin/broken', helpers.requireStaff, () => {
          throw new Error('secret internal detail');
        });
        app.get('/portal-admin/invalid', helpers.requireStaff, () => {
          z.object({ colour: z.string().regex(/^#[0-9a-f]{6}$/, { error: 'Enter the colour as #rrggbb.' }) }).parse({ colour: 'red' });
        });
      },
      async settingsPages(staff) {
        calls.push(`settingsPages:${staff.role}`);
        expect(staff.id).to.be.a('string');
        expect(staff.workspaceId).to.be.a('string');
        if (staff.role !== 'admin') return [];
        return [
          { label: 'Client portal', href: '/portal-admin' },
          { label: 'Off-site', href: 'https://evil.test/' },
          { label: 'Protocol-relative', href: '//evil.test/' },
        ];
      },
    };
    crm = await startCrm({ plugins: [plugin] });
    adapter = createReferenceCrmAdapter(crm.db);
  });

  after(async function () {
    await crm?.close();
  });

  it("mounts public routes first and staff routes after the CRM's own", function () {
    expect(calls.slice(0, 2)).to.deep.equal(['mountPublic', 'mountStaff']);
  });

  it('serves the CRM stylesheet before any plugin', async function () {
    const res = await request(crm.app).get('/assets/crm.css').expect(200);
    expect(res.headers['content-type']).to.match(/^text\/css/);
  });

  it('runs public routes without the CRM session or its CSRF check', async function () {
    const { agent } = await signIn(crm.app, DEMO_ADMIN);
    const res = await agent.get('/portal/ping').expect(200);
    expect(res.body).to.deep.equal({ crmSession: false, staff: null });
    expect(res.headers['set-cookie']).to.equal(undefined);
    await request(crm.app).post('/portal/echo').send({}).expect(200);
  });

  it('guards staff routes with requireStaff and exposes the signed-in staff user to the adapter', async function () {
    const anonymous = await request(crm.app).get('/portal-admin').expect(303);
    expect(anonymous.headers.location).to.equal('/signin?next=%2Fportal-admin');

    const { agent, csrf } = await signIn(crm.app, DEMO_ADMIN);
    const res = await agent.get('/portal-admin').expect(200);
    expect(res.body.csrf).to.equal(csrf);
    expect(res.body.staff).to.include({ email: 'admin@demo.test', role: 'admin', name: 'Dana Whitfield' });
    expect(res.body.staff.id).to.be.a('string');
    expect(res.body.staff.workspaceId).to.be.a('string');
  });

  it('leaves CSRF on plugin staff routes to the plugin, which carries its own token', async function () {
    const { agent } = await signIn(crm.app, DEMO_ADMIN);
    await agent.post('/portal-admin').type('form').send({ _csrf: 'the-plugin-token' }).expect(200, { saved: true });
    await request(crm.app).post('/portal-admin').send({}).expect(303);
  });

  it('lists plugin settings links for the staff user, same-site only', async function () {
    const admin = await signIn(crm.app, DEMO_ADMIN);
    const page = await admin.agent.get('/settings').expect(200);
    expect(page.text).to.include('<a href="/portal-admin">Client portal</a>');
    expect(page.text).to.not.include('evil.test');

    const member = await signIn(crm.app, DEMO_MEMBER);
    const memberPage = await member.agent.get('/settings').expect(200);
    expect(textOf(memberPage.text)).to.include('No add-ons have settings for you.');
    expect(calls).to.include.members(['settingsPages:admin', 'settingsPages:member']);
  });

  it('shows a friendly 500 page without details when a plugin route fails', async function () {
    const { agent } = await signIn(crm.app, DEMO_ADMIN);
    const originalError = console.error;
    const logged: unknown[] = [];
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      const res = await agent.get('/portal-admin/broken').expect(500);
      expect(textOf(res.text)).to.include('Something went wrong');
      expect(res.text).to.not.include('secret internal detail');
      expect(res.text).to.not.match(/\bat .+\.ts:\d+/);
    } finally {
      console.error = originalError;
    }
    expect(logged).to.have.length(1);
  });

  it('turns a zod error into a 400 page with readable messages', async function () {
    const { agent } = await signIn(crm.app, DEMO_ADMIN);
    const res = await agent.get('/portal-admin/invalid').expect(400);
    const text = textOf(res.text);
    expect(text).to.include('Please check your input');
    expect(text).to.include('Enter the colour as #rrggbb.');
  });

  it('answers unknown paths with the 404 page, signed in or not', async function () {
    const anonymous = await request(crm.app).get('/no/such/page').expect(404);
    expect(textOf(anonymous.text)).to.include('Page not found');
    const { agent } = await signIn(crm.app, DEMO_ADMIN);
    const res = await agent.get('/no/such/page').expect(404);
    expect(res.text).to.include('aria-label="Main"');
  });

  it('answers a malformed body with a 400 page, not a crash', async function () {
    const { agent, csrf } = await signIn(crm.app, DEMO_ADMIN);
    const res = await agent.post('/clients').set('X-CSRF-Token', csrf).set('Content-Type', 'application/json').send('{"name":');
    expect(res.status).to.equal(400);
    expect(textOf(res.text)).to.include('The request could not be read.');
  });
});
