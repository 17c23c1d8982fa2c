// Two tabs, one browser: a form posted with a token that signing in or out in the other tab has
// replaced. Still refused (403), the sign-in form and the account form show themselves again with a fresh token, a
// plain explanation and what was typed, and save nothing; after a sign-out elsewhere the account
// form goes to sign-in with `next` on the account page (a GET page, so signing in lands there);
// the admin settings form keeps its input the same way when another staff user signed in, and a
// staff sign-out sends the form to the CRM's sign-in with `next` kept. A request with no token at
// all is still refused with 403.
import { expect } from 'chai';
import { findSettings } from '../../src/core/settings/queries.ts';
import type { HostStaffUser, HostWorkspace } from '../../src/core/ports/host.ts';
import { csrfFrom, postPasswordSignIn, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ADMIN_PATH, createTestHost, type TestHost } from '../support/test-host.ts';

const EXPLANATION = 'This form was not sent: you signed in or out in another tab';

describe('forms sent from a second tab after signing in or out', function () {
  this.timeout(180_000);

  describe('the portal', () => {
    let h: PortalHarness;
    before(async () => {
      h = await startPortalHarness();
    });
    after(async () => {
      await h?.close();
    });
    beforeEach(async () => {
      await h.crm.db('portal_rate_limits').delete();
    });

    const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;

    it('the sign-in form, sent after signing in in another tab, shows itself again with the typed email and a fresh token', async () => {
      const agent = h.agent();
      const stale = csrfFrom((await agent.get('/portal/demo/sign-in').expect(200)).text);
      expect((await postPasswordSignIn(agent, 'demo', maria())).status).to.equal(303);

      const res = await agent
        .post('/portal/demo/sign-in/password')
        .type('form')
        .send({ _csrf: stale, email: 'typed@example.test', password: 'whatever' })
        .expect(403);
      expect(res.text).to.contain(EXPLANATION);
      expect(res.text).to.contain('value="typed@example.test"');
      const fresh = csrfFrom(res.text);
      expect(fresh).to.not.equal(stale);
      // The fresh token works: the same form goes through now.
      await agent
        .post('/portal/demo/sign-in/password')
        .type('form')
        .send({ _csrf: fresh, email: maria().email, password: maria().password })
        .expect(303);
    });

    it('the account form, sent after signing out and in again elsewhere, keeps what was typed and saves nothing', async () => {
      const agent = h.agent();
      expect((await postPasswordSignIn(agent, 'demo', maria())).status).to.equal(303);
      const stale = csrfFrom((await agent.get('/portal/demo/account').expect(200)).text);
      await agent.post('/portal/demo/sign-out').type('form').send({ _csrf: stale }).expect(303);
      expect((await postPasswordSignIn(agent, 'demo', maria())).status).to.equal(303);

      const res = await agent
        .post('/portal/demo/account/profile')
        .type('form')
        .send({ _csrf: stale, name: 'Typed In Tab One', phone: '+1 555 0100' })
        .expect(403);
      expect(res.text).to.contain(EXPLANATION);
      expect(res.text).to.contain('value="Typed In Tab One"');
      expect(res.text).to.contain('value="+1 555 0100"');
      expect(csrfFrom(res.text)).to.not.equal(stale);
      const contact = await h.crm.db('contacts').where({ email: maria().email }).first('name');
      expect(contact.name).to.not.equal('Typed In Tab One');
    });

    it('the account form, sent after signing out in another tab, goes to sign-in with the account page as next', async () => {
      const agent = h.agent();
      expect((await postPasswordSignIn(agent, 'demo', maria())).status).to.equal(303);
      const stale = csrfFrom((await agent.get('/portal/demo/account').expect(200)).text);
      await agent.post('/portal/demo/sign-out').type('form').send({ _csrf: stale }).expect(303);

      const res = await agent
        .post('/portal/demo/account/profile')
        .set('Referer', `${h.crm.url}/portal/demo/account`)
        .type('form')
        .send({ _csrf: stale, name: 'Lost?', phone: '' })
        .expect(303);
      expect(res.headers.location!).to.equal(`/portal/demo/sign-in?next=${encodeURIComponent('/portal/demo/account')}`);
      const signIn = await agent.get(res.headers.location!).expect(200);
      expect(signIn.text).to.contain('name="next" value="/portal/demo/account"');
      const after = await agent
        .post('/portal/demo/sign-in/password')
        .type('form')
        .send({ _csrf: csrfFrom(signIn.text), email: maria().email, password: maria().password, next: '/portal/demo/account' })
        .expect(303);
      expect(after.headers.location!).to.equal('/portal/demo/account');
      await agent.get(after.headers.location!).expect(200);
    });

    it('without any token a form is still refused with 403', async () => {
      const agent = h.agent();
      await agent.get('/portal/demo/sign-in').expect(200);
      const res = await agent
        .post('/portal/demo/sign-in/password')
        .type('form')
        .send({ email: 'x@example.test', password: 'y' })
        .expect(403);
      expect(res.text).to.contain('This form has expired');
      expect(res.text).to.not.contain(EXPLANATION);
    });

    it('a staff form sent after signing out of the CRM in another tab goes to the CRM sign-in with next kept', async () => {
      const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
      const agent = h.agent();
      const signInPage = await agent.get('/signin').expect(200);
      await agent
        .post('/signin')
        .type('form')
        .send({ _csrf: csrfFrom(signInPage.text), email: admin.email, password: admin.password })
        .expect(303);
      const settings = await agent.get(ADMIN_PATH).expect(200);
      const stale = csrfFrom(settings.text);
      const crmToken = csrfFrom((await agent.get('/').expect(200)).text);
      await agent.post('/signout').type('form').send({ _csrf: crmToken }).expect(303);

      const res = await agent
        .post(ADMIN_PATH)
        .set('Referer', `${h.crm.url}${ADMIN_PATH}`)
        .type('form')
        .send({ _csrf: stale, loginWithCode: 'on' })
        .expect(303);
      expect(res.headers.location!).to.equal(`/signin?next=${encodeURIComponent(ADMIN_PATH)}`);
      await agent.get(res.headers.location!).expect(200);
    });
  });

  describe('the admin settings form', () => {
    let database: TestDatabase;
    let host: TestHost;
    let acme: HostWorkspace;
    let first: HostStaffUser;
    let second: HostStaffUser;

    before(async () => {
      database = await createTestDatabase();
      host = await createTestHost(database.url, { portalEnabledFor: ['acme'] });
      acme = await host.createWorkspace({ slug: 'acme', name: 'Acme Agency' });
      first = await host.createStaff(acme, 'admin');
      second = await host.createStaff(acme, 'admin');
    });
    after(async () => {
      await host?.close();
      await database?.drop();
    });

    it('sent after another admin signed in in another tab, shows itself again with the typed input and saves nothing', async () => {
      const agent = await host.staffAgent(first);
      const stale = csrfFrom((await agent.get(ADMIN_PATH).expect(200)).text);
      await agent.post('/test/sign-in-staff').type('form').send({ staffId: second.id }).expect(204);
      const before = await findSettings(host.db, acme.id);

      const res = await agent
        .post(ADMIN_PATH)
        .type('form')
        .send({ _csrf: stale, loginWithPassword: 'on', showTasks: 'on', portalTitle: 'Typed in the other tab', primaryColor: '#123456' })
        .expect(403);
      expect(res.text).to.contain('These settings were not saved: someone signed in or out of the CRM in another tab');
      expect(res.text).to.contain('value="Typed in the other tab"');
      expect(res.text).to.contain('value="#123456"');
      expect(res.text).to.match(/name="showTasks" value="on" [^>]*checked>/);
      expect(res.text).to.match(/name="showProposals" value="on" [^>]*"\s*>/);
      const fresh = csrfFrom(res.text);
      expect(fresh).to.not.equal(stale);
      const after = await findSettings(host.db, acme.id);
      expect(after.updatedAt?.getTime()).to.equal(before.updatedAt?.getTime());

      await agent
        .post(ADMIN_PATH)
        .type('form')
        .send({ _csrf: fresh, loginWithPassword: 'on', portalTitle: 'Typed in the other tab' })
        .expect(303);
      expect((await findSettings(host.db, acme.id)).portalTitle).to.equal('Typed in the other tab');
    });

    it('an action that cannot show a form again is still refused with 403', async () => {
      const agent = await host.staffAgent(first);
      const res = await agent.post(`${ADMIN_PATH}/clients/invite`).type('form').send({ _csrf: 'stale-token', contactId: '1' }).expect(403);
      expect(res.text).to.contain('This form has expired');
    });
  });
});
