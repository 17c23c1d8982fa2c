// The signed-in client's dashboard: a greeting by name, one card per section the workspace shows
// (with the client's own numbers from the host), and navigation that follows the admin's switches.
import { expect } from 'chai';
import { signedInAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('client dashboard', function () {
  let h: PortalHarness;
  let login: { email: string; password: string; name: string };

  before(async function () {
    h = await startPortalHarness();
    login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
  });
  after(async function () {
    await h.close();
  });
  // Settings are written straight to the table here, so the portal is told, as the settings page does.
  const settingsChanged = async () => h.crm.portal.workspaceChanged((await h.crm.adapter.workspaces.findBySlug('demo'))!.id);
  afterEach(async function () {
    await h.crm.db('workspace_client_portal_settings').delete();
    await settingsChanged();
  });

  async function dashboard() {
    const agent = await signedInAgent(h.agent(), 'demo', login);
    return (await agent.get('/portal/demo/').expect(200)).text;
  }

  it('greets the client and shows every section with their own numbers', async function () {
    const html = await dashboard();
    expect(html).to.match(/Good (morning|afternoon|evening), Maria/);
    for (const section of ['proposals', 'quotations', 'invoices', 'tasks', 'documents']) expect(html).to.contain(`id="section-${section}"`);
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: workspace.id, email: login.email }).first('client_id', 'contact_id');
    const summary = await h.crm.adapter.summaries.forClient(workspace.id, user.client_id, user.contact_id);
    expect(html).to.contain(`${summary.invoices.unpaid} invoice`);
    expect(html).to.contain(`${summary.documents.shared} shared document`);
    expect(html).to.contain('aria-current="page"');
  });

  it('counts on the documents card only the documents a person may open', async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm
      .db('client_users')
      .where({ workspace_id: workspace.id, email: login.email })
      .first('id', 'client_id', 'contact_id');
    const summary = await h.crm.adapter.summaries.forClient(workspace.id, user.client_id, user.contact_id);
    // Northwind's shared documents: one belongs to the proposal, one to the website project. A
    // billing person opens neither proposals nor projects, as the Documents page lists them.
    expect(summary.documents.attached?.proposal).to.equal(1);
    expect(summary.documents.attached?.project).to.equal(1);
    await h.crm.db('client_users').where({ workspace_id: workspace.id, id: user.id }).update({ role: 'billing' });
    try {
      expect(await dashboard()).to.match(new RegExp(`>${summary.documents.shared - 2} shared documents?<`));
    } finally {
      await h.crm.db('client_users').where({ workspace_id: workspace.id, id: user.id }).update({ role: 'full' });
    }
  });

  it('hides the sections the admin switched off, in the cards and the navigation', async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: workspace.id, show_invoices: false, show_tasks: false });
    await settingsChanged();
    const html = await dashboard();
    expect(html).to.not.contain('id="section-invoices"');
    expect(html).to.not.contain('id="section-tasks"');
    expect(html).to.not.contain('#section-invoices');
    expect(html).to.contain('id="section-proposals"');
  });

  it('links no figure to a list the person may not open: a member sees no invoice, a billing person no offer', async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: workspace.id, email: login.email }).first('id');
    const links = (html: string) => [...html.matchAll(/href="\/portal\/demo\/([a-z]+)/g)].map((m) => m[1]);
    try {
      await h.crm.db('client_users').where({ workspace_id: workspace.id, id: user.id }).update({ role: 'member' });
      const member = await dashboard();
      expect(links(member)).to.not.include('invoices');
      expect(member).to.not.contain('id="widget-unpaid"');
      expect(links(member)).to.include('proposals');
      await h.crm.db('client_users').where({ workspace_id: workspace.id, id: user.id }).update({ role: 'billing' });
      const billing = await dashboard();
      expect(links(billing)).to.not.include('proposals');
      expect(links(billing)).to.not.include('quotations');
      expect(billing).to.not.contain('id="widget-awaiting"');
      expect(billing).to.contain('href="/portal/demo/invoices?status=open"');
    } finally {
      await h.crm.db('client_users').where({ workspace_id: workspace.id, id: user.id }).update({ role: 'full' });
    }
  });

  it("uses the admin's title and colour, keeping text readable on a pale colour", async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: workspace.id, portal_title: 'Northwind hub', primary_color: '#ffe066' });
    await settingsChanged();
    const html = await dashboard();
    expect(html).to.contain('Northwind hub');
    const css = (await h.agent().get('/portal/demo/branding.css').expect(200)).text;
    expect(css).to.contain('--brand:#ffe066');
    expect(css).to.contain('--on-brand:#111111');
    expect(css).to.match(/--accent:#[0-9a-f]{6}/);
    expect(css).to.not.contain('--accent:#ffe066');
  });
});
