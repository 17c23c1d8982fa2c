// The admin side as mounted in the reference CRM (not a test host): a workspace admin signed in to
// the CRM finds "Client portal" in Settings, changes what clients may do and sees the portal follow;
// invites a contact who gets a real email; a member gets 403; a workspace whose flag is off has no
// link and a 404.
import { expect } from 'chai';
import { csrfFrom, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('portal admin inside the reference CRM', function () {
  let h: PortalHarness;

  before(async function () {
    h = await startPortalHarness({ enabledFor: ['demo'] });
  });
  after(async function () {
    await h.close();
  });

  async function staffAgent(slug: string, role: 'admin' | 'member') {
    const login = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === slug && s.role === role)!;
    const agent = h.agent();
    const page = await agent.get('/signin').expect(200);
    await agent
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: login.email, password: login.password })
      .expect(303);
    return agent;
  }

  it('links the admin pages from the CRM settings and changes what the portal offers', async function () {
    const admin = await staffAgent('demo', 'admin');
    const settings = await admin.get('/settings').expect(200);
    expect(settings.text).to.contain('href="/settings/client-portal"');

    const page = await admin.get('/settings/client-portal').expect(200);
    const saved = await admin
      .post('/settings/client-portal')
      .field('_csrf', csrfFrom(page.text))
      .field('showProposals', 'on')
      .field('showInvoices', 'on')
      .field('loginWithCode', 'on')
      .field('portalTitle', 'Northwind hub');
    expect(saved.status).to.equal(303);

    const visitor = h.agent();
    const signIn = await visitor.get('/portal/demo/sign-in').expect(200);
    expect(signIn.text).to.contain('Northwind hub');
    expect(signIn.text).to.not.contain('id="password"');
    const refused = await visitor
      .post('/portal/demo/sign-in/password')
      .type('form')
      .send({ _csrf: csrfFrom(signIn.text), email: 'a@b.co', password: 'x' });
    expect(refused.status).to.equal(404);

    const again = await admin.get('/settings/client-portal').expect(200);
    await admin
      .post('/settings/client-portal')
      .field('_csrf', csrfFrom(again.text))
      .field('showProposals', 'on')
      .field('showInvoices', 'on')
      .field('showTasks', 'on')
      .field('allowComments', 'on')
      .field('allowMessaging', 'on')
      .field('loginWithCode', 'on')
      .field('loginWithPassword', 'on')
      .expect(303);
  });

  it('invites a contact, who receives the email', async function () {
    const admin = await staffAgent('demo', 'admin');
    const page = await admin.get('/settings/client-portal/clients').expect(200);
    const contactId = /name="contactId" value="(\d+)"/.exec(page.text)![1]!;
    const res = await admin
      .post('/settings/client-portal/clients/invite')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), contactId });
    expect(res.status).to.equal(303);
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const contact = (await h.crm.adapter.contacts.findById(workspace.id, contactId))!;
    const message = await h.smtp.waitForMessage((m) => m.to.includes(contact.email.toLowerCase()), 5000);
    expect(message.text).to.contain('/portal/demo/invitation/');
  });

  it('refuses members with 403 and hides the portal of a workspace whose flag is off', async function () {
    const member = await staffAgent('demo', 'member');
    await member.get('/settings/client-portal').expect(403);
    const acme = await staffAgent('acme', 'admin');
    const settings = await acme.get('/settings').expect(200);
    expect(settings.text).to.not.contain('/settings/client-portal');
    await acme.get('/settings/client-portal').expect(404);
  });

  it('sends signed-out visitors to the CRM sign-in', async function () {
    const res = await h.agent().get('/settings/client-portal');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.match(/^\/signin/);
  });
});
