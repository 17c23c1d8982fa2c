// The portal's admin pages as the reference CRM mounts them: inside the CRM's own header and main
// navigation (the HostLayoutPort), with one <main> on the page; the sign-in address in full (APP_URL)
// with a copy button; disabling a client user and revoking a public link are asked first on a GET
// page that works without JavaScript, and only its button does it.
import { expect } from 'chai';
import {
  csrfFrom,
  postPasswordSignIn,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
} from '../../../../test/support/portal-harness.ts';

const ADMIN = '/settings/client-portal';

describe('admin pages inside the reference CRM', function () {
  this.timeout(180_000);
  let h: PortalHarness;

  before(async () => {
    h = await startPortalHarness();
  });
  after(async () => {
    await h?.close();
  });

  async function adminAgent() {
    const login = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    const agent = h.agent();
    const page = await agent.get('/signin').expect(200);
    await agent
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: login.email, password: login.password })
      .expect(303);
    return agent;
  }

  it('render inside the CRM layout: its main navigation stays, and the page has one main region', async () => {
    const agent = await adminAgent();
    for (const path of [ADMIN, `${ADMIN}/clients`, `${ADMIN}/activity`, `${ADMIN}/nowhere`]) {
      const res = await agent.get(path);
      expect(res.text, path).to.contain('aria-label="Main"');
      expect(res.text, path).to.contain('href="/assets/crm.css"');
      expect(res.text, path).to.contain('/portal/assets/admin.css');
      expect(res.text.match(/<main\b/g), path).to.have.length(1);
      expect(res.text, path).to.match(/<div id="admin-main"/);
      expect(res.text, path).to.contain('aria-label="Client portal settings"');
    }
  });

  it('shows the full sign-in address with a copy button', async () => {
    const agent = await adminAgent();
    const res = await agent.get(ADMIN).expect(200);
    expect(res.text).to.match(/id="portal-sign-in-url"[^>]*readonly value="http:\/\/[^"/]+\/portal\/demo\/sign-in"/);
    expect(res.text).to.contain('data-copy="portal-sign-in-url"');
    expect(res.text).to.contain('/portal/assets/copy-link.js');
    expect(res.text).to.not.match(/<script>(?!<\/script>)/);
  });

  it('asks before disabling a client user, on a page that works without JavaScript', async () => {
    const agent = await adminAgent();
    const maria = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    // Signed in, so the disable visibly ends a session.
    const client = h.agent();
    expect((await postPasswordSignIn(client, 'demo', maria)).status).to.equal(303);
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria.email }).first('id');

    const list = await agent.get(`${ADMIN}/clients`).expect(200);
    const link = `${ADMIN}/clients/${user.id}/disable`;
    expect(list.text).to.contain(`href="${link}"`);
    expect(list.text).to.not.contain(`action="${link}"`);

    const confirm = await agent.get(link).expect(200);
    expect(confirm.text).to.contain(`Disable portal access for ${maria.email}?`);
    expect(confirm.text).to.contain(`action="${link}"`);
    expect(confirm.text).to.contain(`href="${ADMIN}/clients"`);
    expect((await h.crm.db('client_users').where({ id: user.id }).first('status')).status).to.equal('active');
    await client.get('/portal/demo/account').expect(200);

    const done = await agent
      .post(link)
      .type('form')
      .send({ _csrf: csrfFrom(confirm.text) })
      .expect(303);
    expect(done.headers.location).to.equal(`${ADMIN}/clients?notice=disabled`);
    expect((await h.crm.db('client_users').where({ id: user.id }).first('status')).status).to.equal('disabled');
    await client.get('/portal/demo/account').expect(303);

    // Nothing left to disable: the confirmation page is gone too.
    const again = await agent.get(link);
    expect(again.status).to.equal(409);

    const enable = await agent
      .post(`${ADMIN}/clients/${user.id}/enable`)
      .type('form')
      .send({ _csrf: csrfFrom(confirm.text) })
      .expect(303);
    expect(enable.headers.location).to.contain('notice=enabled');
  });

  /** The staff record page of demo's sent proposal, after `admin` made a 7-day public link to it there. */
  async function recordWithNewLink(admin: Awaited<ReturnType<typeof adminAgent>>) {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const proposal = await h.crm
      .db('proposals')
      .where({ workspace_id: Number(workspace.id), status: 'sent' })
      .first('id', 'client_id');
    const record = `${ADMIN}/records/proposal/${proposal.client_id}/${proposal.id}`;
    const page = await admin.get(record).expect(200);
    await admin
      .post(`${record}/links`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), days: '7' })
      .expect(303);
    return { record, proposal, withLink: await admin.get(record).expect(200) };
  }

  it('asks before revoking a public link', async () => {
    const agent = await adminAgent();
    const { withLink } = await recordWithNewLink(agent);
    const revoke = /href="([^"]+\/links\/([^"/]+)\/revoke)"/.exec(withLink.text);
    expect(revoke, 'a revoke link').to.not.equal(null);

    const confirm = await agent.get(revoke![1]!).expect(200);
    expect(confirm.text).to.contain(`Revoke public link #${revoke![2]}?`);
    const row = () => h.crm.db('portal_public_links').where({ id: revoke![2] }).first('revoked_at');
    expect((await row()).revoked_at).to.equal(null);
    await agent
      .post(revoke![1]!)
      .type('form')
      .send({ _csrf: csrfFrom(confirm.text) })
      .expect(303);
    expect((await row()).revoked_at).to.not.equal(null);
    await agent.get(revoke![1]!).expect(404);
  });
  it("lets every staff member read a record's evidence, and only admins use its forms", async () => {
    const admin = await adminAgent();
    const member = await signedInStaffAgent(h, 'demo', 'member');
    const { record, proposal, withLink } = await recordWithNewLink(admin);
    expect(withLink.text).to.contain(`action="${record}/links"`).and.contain('/revoke"').and.contain('/p/');
    const linkId = /\/links\/([^"/]+)\/revoke"/.exec(withLink.text)![1]!;

    const page = await member.get(record).expect(200);
    expect(page.text).to.contain('Public links').and.not.contain('Only workspace admins');
    expect(page.text, 'no form posts from the page').to.not.match(/<form[^>]*method="post"[^>]*action="\/settings\/client-portal/);
    expect(page.text, 'no revoke button').to.not.contain('/revoke"');
    expect(page.text, 'no link to give out').to.not.contain('/p/');
    expect(page.text, 'no view as client').to.not.contain(`${record}/as-client`);
    const links = async () =>
      (
        await h.crm
          .db('portal_public_links')
          .where({ subject_id: String(proposal.id) })
          .select('id')
      ).length;
    const before = await links();
    const token = csrfFrom(page.text);
    for (const path of [`${record}/links`, `${record}/comments`, `${record}/links/${linkId}/revoke`]) {
      const res = await member.post(path).type('form').send({ _csrf: token, days: '7', body: 'Hello' });
      expect(res.status, path).to.be.oneOf([403, 404]);
    }
    for (const path of [`${record}/links/${linkId}/revoke`, `${record}/as-client`, ADMIN])
      expect((await member.get(path)).status, path).to.be.oneOf([403, 404]);
    expect((await h.crm.db('portal_public_links').where({ id: linkId }).first('revoked_at')).revoked_at).to.equal(null);
    expect(await links()).to.equal(before);
  });
});
