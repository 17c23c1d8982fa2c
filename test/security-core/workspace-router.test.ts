// The pipeline under /portal/:workspaceSlug (src/core/workspaces/workspace-router.ts), mounted in a bare
// express app with the real parts it is given in production: the workspace cache over the
// reference CRM's adapter, offline Unleash flags, the portal's CSRF and the database file storage.
// Its session is express-session's in memory, which any request may start, so a test route can
// sign someone in with a GET (the portal's own sessions are tested in sessions.test.ts). The routes plugged in are small test routers. What it checks: a slug of
// the wrong shape is not even looked up; an unknown workspace and one without the portal flag are
// the same 404; branding and provider callbacks need no session or token (callbacks not the flag
// either: they report money already taken); forms need the token;
// client pages send the signed-out to sign-in (and back), and a disabled user's session no longer
// signs anyone in.
import { expect } from 'chai';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import supertest from 'supertest';
import { insertClientUser, setClientUserPreferences, setClientUserStatus } from '../../src/core/client-users/queries.ts';
import { PortalConfigSchema } from '../../src/core/config.ts';
import { createInProcessEventBus } from '../../src/core/events/in-process-event-bus.ts';
import { createDatabaseStorage } from '../../src/core/files/database-storage.ts';
import { createUnleashFlags } from '../../src/core/flags/unleash-flags.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import type { FeatureFlags } from '../../src/core/ports/services.ts';
import { saveSettings } from '../../src/core/settings/queries.ts';
import { createPortalCsrf } from '../../src/core/web/csrf.ts';
import { RERENDERS_FORM, csrfRetryExplanation } from '../../src/core/web/csrf-retry.ts';
import { portalContext } from '../../src/core/web/portal-context.ts';
import { createWorkspaceCache, type WorkspaceCache } from '../../src/core/workspaces/workspace-cache.ts';
import { workspaceRouter } from '../../src/core/workspaces/workspace-router.ts';
import { flagsFileFor } from '../support/portal-harness.ts';
import { openReferenceCrmDatabase, type ReferenceCrmDatabase } from './reference-crm-database.ts';

const SECRET = 'workspace-router-secret-'.padEnd(48, 'x');

describe('workspace router (security core)', function () {
  this.timeout(120_000);
  let crm: ReferenceCrmDatabase;
  let flags: FeatureFlags;
  let cache: WorkspaceCache;
  let app: express.Express;
  let slugReads: string[];

  before(async function () {
    crm = await openReferenceCrmDatabase('security-core-commerce');
    await crm.db('workspace_client_portal_settings').where({ workspace_id: crm.workspaceId }).delete();
    flags = await createUnleashFlags({ bootstrapFile: flagsFileFor(['demo']) });
    slugReads = [];
    const adapter: HostAdapter = {
      ...crm.adapter,
      workspaces: {
        ...crm.adapter.workspaces,
        findBySlug: (slug) => {
          slugReads.push(slug);
          return crm.adapter.workspaces.findBySlug(slug);
        },
      },
    };
    cache = createWorkspaceCache({ db: crm.db, adapter, events: createInProcessEventBus(), config: { portalPath: '/portal' } });
    const config = PortalConfigSchema.parse({ appUrl: 'http://portal.test', sessionSecret: SECRET });

    const publicRoutes = Router();
    publicRoutes.get('/hello', (_req, res) => {
      const context = portalContext(res);
      res.json({
        slug: context.workspace.slug,
        base: context.base,
        assets: context.assets,
        client: context.client?.user.id ?? null,
        locale: context.i18n.locale,
        sections: [...context.sectionPages],
      });
    });
    publicRoutes.get('/token', (_req, res) => {
      res.send(portalContext(res).csrfToken!());
    });
    publicRoutes.post('/contact', (_req, res) => {
      res.send('sent');
    });
    // A form that is public and a client form as well: public wins, anyone may send it.
    publicRoutes.post('/feedback', (_req, res) => {
      res.send('thanks');
    });
    const rerender = Object.assign(
      (req: Request, res: Response) => {
        res.send(`again:${csrfRetryExplanation(req) ?? ''}`);
      },
      { [RERENDERS_FORM]: true },
    );
    publicRoutes.post('/sign-in', rerender);
    // Stands in for a sign-in: what the real one stores in the session.
    publicRoutes.get('/as/:clientUserId', (req, res) => {
      req.session.portal = {
        workspaceId: String(req.query.workspace ?? crm.workspaceId),
        clientUserId: String(req.params.clientUserId),
        signedInAt: new Date().toISOString(),
        ip: null,
        userAgent: null,
      };
      res.send('ok');
    });
    const clientRoutes = Router();
    clientRoutes.get('/proposals', (_req, res) => {
      const context = portalContext(res);
      res.json({ client: context.client!.user.id, locale: context.i18n.locale });
    });
    clientRoutes.post('/proposals/:id/accept', (_req, res) => {
      res.send('accepted');
    });
    clientRoutes.get('/invoices', (_req, res) => {
      res.send('invoices');
    });
    // A section with a form but no page of its own: not one of the workspace's section pages.
    clientRoutes.post('/tasks', (_req, res) => {
      res.send('task');
    });
    clientRoutes.post('/feedback', (_req, res) => {
      res.send('thanks, client');
    });
    const callbackRoutes = Router();
    callbackRoutes.post('/payments/callback/test', (req, res) => {
      res.json({ session: Boolean(req.session) });
    });

    app = express();
    app.use(
      '/portal/:workspaceSlug',
      workspaceRouter({
        db: crm.db,
        adapter,
        workspaces: cache,
        flags,
        storage: createDatabaseStorage(crm.db),
        config,
        session: session({ name: 'portal.sid', secret: SECRET, resave: false, saveUninitialized: false, cookie: { path: '/portal' } }),
        csrf: createPortalCsrf({ secret: SECRET, cookiePath: '/portal', secure: false }),
        publicRoutes: [publicRoutes],
        clientRoutes: [clientRoutes],
        callbackRoutes: [callbackRoutes],
      }),
    );
    app.use((err: { status?: number; message: string }, _req: Request, res: Response, _next: NextFunction) => {
      res.status(err.status ?? 500).send(err.message);
    });
  });
  after(async function () {
    cache?.close();
    flags?.close();
    await crm?.close();
  });

  async function signedInAgent(status: 'active' | 'disabled' = 'active', workspaceId?: string) {
    const email = `router-${Math.random().toString(36).slice(2)}@example.test`;
    const [contact] = await crm
      .db('contacts')
      .insert({ workspace_id: Number(crm.workspaceId), client_id: Number(crm.clientId), name: 'Router Person', email })
      .returning('id');
    const user = await insertClientUser(crm.db, {
      workspaceId: crm.workspaceId,
      clientId: crm.clientId,
      contactId: String(contact.id),
      email,
      status,
    });
    const agent = supertest.agent(app);
    await agent.get(`/portal/demo/as/${user.id}${workspaceId ? `?workspace=${workspaceId}` : ''}`).expect(200);
    return { agent, user };
  }

  it('serves a workspace with the portal on, with its context', async function () {
    const res = await supertest(app).get('/portal/demo/hello').expect(200);
    expect(res.body).to.deep.equal({
      slug: 'demo',
      base: '/portal/demo',
      assets: '/portal/assets',
      client: null,
      locale: res.body.locale,
      sections: ['proposals', 'invoices'],
    });
  });

  it("speaks the workspace's own language to a visitor who is not signed in", async function () {
    await saveSettings(crm.db, crm.workspaceId, { defaultLocale: 'de' }, 'staff-1');
    await cache.changed(crm.workspaceId);
    try {
      expect((await supertest(app).get('/portal/demo/hello').expect(200)).body.locale).to.equal('de');
    } finally {
      await saveSettings(crm.db, crm.workspaceId, { defaultLocale: 'en' }, 'staff-1');
      await cache.changed(crm.workspaceId);
    }
    expect((await supertest(app).get('/portal/demo/hello').expect(200)).body.locale).to.equal('en');
  });

  it('answers the same 404 for an unknown workspace, one without the portal flag, and a slug of the wrong shape, which is never looked up', async function () {
    const unknown = await supertest(app).get('/portal/no-such-workspace/hello').expect(404);
    const off = await supertest(app).get('/portal/acme/hello').expect(404);
    expect(off.text).to.equal(unknown.text);
    slugReads.length = 0;
    for (const slug of ['-demo', 'de_mo', 'x'.repeat(61), 'd%C3%A9mo', 'demo.', '%20demo'])
      await supertest(app).get(`/portal/${slug}/hello`).expect(404);
    expect(slugReads).to.deep.equal([]);
    for (const slug of ['x'.repeat(60), 'Q', '9-a']) await supertest(app).get(`/portal/${slug}/hello`).expect(404);
    expect(slugReads).to.deep.equal(['x'.repeat(60), 'Q', '9-a']);
  });

  it('serves branding without a session; the logo only when there is one', async function () {
    const css = await supertest(app).get('/portal/demo/branding.css').expect(200);
    expect(css.headers['content-type']).to.match(/^text\/css/);
    expect(css.headers['cache-control']).to.equal('no-cache');
    expect(css.headers['set-cookie']).to.equal(undefined);
    expect(css.text).to.include('--');
    await supertest(app).get('/portal/demo/branding/logo').expect(404);
    await supertest(app).get('/portal/acme/branding.css').expect(404);
    const storage = createDatabaseStorage(crm.db);
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const logoFileId = await storage.put(crm.workspaceId, 'logo', {
      filename: 'logo.png',
      contentType: 'image/png',
      sizeBytes: png.length,
      content: png,
    });
    await saveSettings(crm.db, crm.workspaceId, { logoFileId }, 'staff-1');
    await cache.changed(crm.workspaceId);
    try {
      const logo = await supertest(app).get('/portal/demo/branding/logo').expect(200);
      expect(logo.headers['content-type']).to.equal('image/png');
      expect(logo.headers['cache-control']).to.equal('public, max-age=86400');
      expect(logo.headers['x-content-type-options']).to.equal('nosniff');
      expect(Buffer.from(logo.body).equals(png)).to.equal(true);
      // A logo id whose file is gone: 404, not an error.
      await saveSettings(crm.db, crm.workspaceId, { logoFileId: '00000000-0000-4000-8000-000000000000' }, 'staff-1');
      await cache.changed(crm.workspaceId);
      await supertest(app).get('/portal/demo/branding/logo').expect(404);
    } finally {
      await crm.db('workspace_client_portal_settings').where({ workspace_id: crm.workspaceId }).delete();
      await cache.changed(crm.workspaceId);
    }
  });

  it('lets a provider callback through without a session or a token, whatever the flag says', async function () {
    const res = await supertest(app).post('/portal/demo/payments/callback/test').send({ any: 'thing' }).expect(200);
    expect(res.body).to.deep.equal({ session: false });
    expect(res.headers['set-cookie']).to.equal(undefined);
    // With the flag off (acme) a callback still reaches its route: it reports money a checkout the
    // portal started already took. A workspace that does not exist stays 404.
    await supertest(app).post('/portal/acme/payments/callback/test').expect(200);
    await supertest(app).post('/portal/no-such-workspace/payments/callback/test').expect(404);
    await supertest(app).get('/portal/acme/payments/callback/test').expect(404);
  });

  it('refuses a form without its token, and takes it with one', async function () {
    const agent = supertest.agent(app);
    await agent.post('/portal/demo/contact').type('form').send({ message: 'hi' }).expect(403);
    const token = (await agent.get('/portal/demo/token').expect(200)).text;
    await agent.post('/portal/demo/contact').type('form').send({ _csrf: token, message: 'hi' }).expect(200, 'sent');
  });

  it('refuses a form body of more than 50 fields or 32 kB before anything reads it', async function () {
    const agent = supertest.agent(app);
    const token = (await agent.get('/portal/demo/token').expect(200)).text;
    const fields = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, 'x']));
    await agent
      .post('/portal/demo/contact')
      .type('form')
      .send({ ...fields, _csrf: token })
      .expect(413);
    await agent
      .post('/portal/demo/contact')
      .type('form')
      .send({ _csrf: token, message: 'x'.repeat(33 * 1024) })
      .expect(413);
    await agent
      .post('/portal/demo/contact')
      .type('form')
      .send({ _csrf: token, message: 'x'.repeat(30 * 1024) })
      .expect(200, 'sent');
  });

  it('shows a form that can show itself again with a fresh token after a stale one', async function () {
    const agent = supertest.agent(app);
    await agent.get('/portal/demo/token').expect(200);
    const res = await agent.post('/portal/demo/sign-in').type('form').send({ _csrf: 'stale-token' }).expect(200);
    expect(res.text).to.match(/^again:.+/);
    await agent.post('/portal/demo/contact').type('form').send({ _csrf: 'stale-token' }).expect(403);
    // A stale public form is refused even where a client form of the same address exists: only a
    // form that is nothing but a client form sends the signed-out to sign-in.
    await agent.post('/portal/demo/feedback').type('form').send({ _csrf: 'stale-token' }).expect(403);
  });

  it('sends the signed-out from a client page to sign-in and back', async function () {
    const page = await supertest(app).get('/portal/demo/proposals?page=2').expect(303);
    expect(page.headers.location).to.equal(`/portal/demo/sign-in?next=${encodeURIComponent('/portal/demo/proposals?page=2')}`);
    const fragment = await supertest(app)
      .get('/portal/demo/proposals')
      .set('HX-Request', 'true')
      .set('HX-Request-Type', 'partial')
      .expect(401);
    expect(fragment.headers['hx-redirect']).to.equal(`/portal/demo/sign-in?next=${encodeURIComponent('/portal/demo/proposals')}`);
    expect(fragment.text).to.equal('Your session has ended. Please sign in again.');
    // A fragment belongs to the page it is swapped into: back there after signing in, not to the fragment.
    const swapped = await supertest(app)
      .get('/portal/demo/proposals')
      .set('Host', 'portal.test')
      .set('HX-Request', 'true')
      .set('HX-Request-Type', 'partial')
      .set('HX-Current-URL', 'http://portal.test/portal/demo/invoices?page=3')
      .expect(401);
    expect(swapped.headers['hx-redirect']).to.equal(`/portal/demo/sign-in?next=${encodeURIComponent('/portal/demo/invoices?page=3')}`);
    // An unknown page is no hint either: sign-in first.
    await supertest(app).get('/portal/demo/nothing-here').expect(303);
  });

  it('sends a signed-out form back to the page it came from, within the portal only', async function () {
    const agent = supertest.agent(app);
    const token = (await agent.get('/portal/demo/token').expect(200)).text;
    const post = (headers: Record<string, string>) => {
      let req = agent.post('/portal/demo/proposals/7/accept').set('Host', 'portal.test').type('form');
      for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
      return req.send({ _csrf: token }).expect(303);
    };
    const host = 'portal.test';
    const next = (res: { headers: Record<string, string> }) => decodeURIComponent(res.headers.location!.split('next=')[1]!);
    expect(next(await post({}))).to.equal('/portal/demo/');
    expect(next(await post({ 'HX-Current-URL': `http://${host}/portal/demo/proposals/7?tab=terms` }))).to.equal(
      '/portal/demo/proposals/7?tab=terms',
    );
    expect(next(await post({ Referer: `http://${host}/portal/demo/invoices` }))).to.equal('/portal/demo/invoices');
    expect(next(await post({ 'HX-Current-URL': 'not a url', Referer: `http://${host}/portal/demo/invoices` }))).to.equal(
      '/portal/demo/invoices',
    );
    expect(next(await post({ 'HX-Current-URL': 'http://evil.test/portal/demo/proposals' }))).to.equal('/portal/demo/');
    expect(next(await post({ Referer: `http://${host}/elsewhere` }))).to.equal('/portal/demo/');
    // Signed out with a stale token on a client form: to sign-in, not a 403.
    const stale = await agent.post('/portal/demo/proposals/7/accept').type('form').send({ _csrf: 'stale' }).expect(303);
    expect(stale.headers.location).to.match(/^\/portal\/demo\/sign-in\?next=/);
  });

  it('serves a signed-in client their pages, in their own language; 404 for an unknown page', async function () {
    const { agent, user } = await signedInAgent();
    expect((await agent.get('/portal/demo/proposals').expect(200)).body).to.include({ client: user.id });
    expect((await agent.get('/portal/demo/hello').expect(200)).body.client).to.equal(user.id);
    await agent.get('/portal/demo/nothing-here').expect(404);
    await setClientUserPreferences(crm.db, crm.workspaceId, user.id, { locale: 'de', timeZone: null });
    expect((await agent.get('/portal/demo/proposals').expect(200)).body.locale).to.equal('de');
    await setClientUserPreferences(crm.db, crm.workspaceId, user.id, { locale: 'de', timeZone: 'Europe/Berlin' });
    expect((await agent.get('/portal/demo/proposals').expect(200)).body.locale).to.equal('de');
  });

  it("refuses a signed-in client's form with a stale token instead of sending them to sign in", async function () {
    const { agent } = await signedInAgent();
    await agent.post('/portal/demo/proposals/7/accept').type('form').send({ _csrf: 'stale' }).expect(403);
    const token = (await agent.get('/portal/demo/token').expect(200)).text;
    await agent.post('/portal/demo/proposals/7/accept').type('form').send({ _csrf: token }).expect(200, 'accepted');
  });

  it("signs nobody in with a disabled user's session, or another workspace's", async function () {
    const { agent, user } = await signedInAgent();
    await agent.get('/portal/demo/proposals').expect(200);
    await setClientUserStatus(crm.db, crm.workspaceId, user.id, 'disabled');
    await agent.get('/portal/demo/proposals').expect(303);
    expect((await agent.get('/portal/demo/hello').expect(200)).body.client).to.equal(null);
    const elsewhere = await signedInAgent('active', crm.otherWorkspaceId);
    await elsewhere.agent.get('/portal/demo/proposals').expect(303);
  });
});
