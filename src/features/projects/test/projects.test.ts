// The projects pages over HTTP against the reference CRM: the list by state with a search that keeps
// the tab, keyset pages, a project's page with its progress as a percentage (an accessible
// progress bar), phases with their tasks, tasks outside phases and shared documents; another
// company's project, a switched-off section and a role without projects are 404; German words.
import { expect } from 'chai';
import { signedInAgent, startPortalHarness, type PortalHarness, demoLogin } from '../../../../test/support/portal-harness.ts';

describe('client projects', function () {
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;
  const MARIA = 'maria@northwind.test';

  const login = (email: string) => demoLogin(h, email);
  const projectId = async (ref: string) => (await h.crm.db('projects').where({ workspace_id: workspaceId, ref }).first('id')).id as number;

  before(async function () {
    this.timeout(120_000); // Booting the CRM on a fresh embedded database takes a while on a busy machine.
    h = await startPortalHarness();
    maria = await signedInAgent(h.agent(), 'demo', login(MARIA));
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
  });
  after(async function () {
    await h.close();
  });
  afterEach(async function () {
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it("lists the client's active projects first, with the other states on their tabs, and names the section in the navigation", async function () {
    const html = (await maria.get('/portal/demo/projects').expect(200)).text;
    expect(html).to.contain('PJ-2026-001').and.contain('Website redesign').and.contain('50%');
    expect(html).to.contain('<progress max="100" value="50" aria-label="Progress of PJ-2026-001"');
    expect(html, 'on hold and completed are on their tabs').to.not.contain('PJ-2026-002');
    expect(html, "another company's").to.not.contain('Seasonal menu campaign');
    expect(html).to.contain('href="/portal/demo/projects"');
    const all = (await maria.get('/portal/demo/projects?tab=all').expect(200)).text;
    const order = ['PJ-2026-001', 'PJ-2026-003', 'PJ-2026-002'].map((ref) => all.indexOf(ref));
    expect(order.every((at) => at > 0)).to.equal(true);
    expect([...order].sort((a, b) => a - b)).to.deep.equal(order);
    const completed = (await maria.get('/portal/demo/projects?tab=completed').expect(200)).text;
    expect(completed).to.contain('Product photography').and.contain('100%').and.not.contain('PJ-2026-001');
    const onHold = (await maria.get('/portal/demo/projects?tab=onHold').expect(200)).text;
    expect(onHold).to.contain('Wholesale catalogue').and.contain('No tasks yet');
  });

  it('counts the active projects on the dashboard, linking to their list', async function () {
    const html = (await maria.get('/portal/demo/').expect(200)).text;
    expect(html).to.contain('<a class="card__link" href="/portal/demo/projects?tab=active">1 active project</a>');
  });

  it('searches by title and ref, keeping the tab, and refuses a malformed query with a message', async function () {
    const found = (await maria.get('/portal/demo/projects?tab=all&q=photo').expect(200)).text;
    expect(found).to.contain('PJ-2026-002').and.not.contain('PJ-2026-001');
    expect(found, 'the tabs keep the search').to.contain('href="/portal/demo/projects?tab=active&amp;q=photo"');
    expect(found, 'the search keeps the tab').to.contain('name="tab" value="all"');
    expect(found, 'what it found, said as the other lists say it').to.match(/\d+ results? for “photo”\./);
    const byRef = (await maria.get('/portal/demo/projects?tab=active&q=2026-001').expect(200)).text;
    expect(byRef).to.contain('Website redesign');
    const none = (await maria.get('/portal/demo/projects?tab=active&q=photo').expect(200)).text;
    expect(none).to.contain('No project matches “photo”.');
    await maria.get(`/portal/demo/projects?q=${'x'.repeat(101)}`).expect(400);
    const badTab = await maria.get('/portal/demo/projects?tab=later').expect(400);
    expect(badTab.text).to.contain('Choose active, on hold, completed or all projects.');
    await maria.get('/portal/demo/projects?after=not%20a%20cursor').expect(400);
  });

  it("shows a project's progress, phases with their tasks, other tasks and shared documents", async function () {
    const id = await projectId('PJ-2026-001');
    const html = (await maria.get(`/portal/demo/projects/${id}`).expect(200)).text;
    expect(html).to.match(/<progress id="project-progress" max="100" value="50" aria-labelledby="progress-title">/);
    expect(html).to.contain('50%').and.contain('design system');
    const phases = ['Discovery', 'Design', 'Build and launch'].map((name) => html.indexOf(`>${name}</h2>`));
    expect(phases.every((at) => at > 0)).to.equal(true);
    expect([...phases].sort((a, b) => a - b)).to.deep.equal(phases);
    expect(html).to.contain('Stakeholder interviews').and.contain('Send brand assets (logo files and fonts)');
    expect(html, "Tom's own task").to.not.contain('Review homepage wireframes');
    expect(html).to.contain('Other tasks').and.contain('Confirm the launch date');
    expect(html).to.contain('website-project-plan.pdf').and.not.contain('sitemap-draft.pdf');
  });

  it("answers 404 for another company's project, an unknown id and a malformed one", async function () {
    const theirs = await projectId('PJ-2026-004');
    await maria.get(`/portal/demo/projects/${theirs}`).expect(404);
    await maria.get('/portal/demo/projects/999999').expect(404);
    await maria.get('/portal/demo/projects/not%20an%20id').expect(404);
    // And the other way round: Bluebell's client does not reach Northwind's.
    const priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
    await priya.get(`/portal/demo/projects/${await projectId('PJ-2026-001')}`).expect(404);
    expect((await priya.get('/portal/demo/projects?tab=all').expect(200)).text)
      .to.contain('Seasonal menu campaign')
      .and.not.contain('Website redesign');
  });

  it('does not exist while show_projects is off, nor for a role without projects', async function () {
    const id = await projectId('PJ-2026-001');
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspaceId), show_projects: false });
    await h.crm.portal.workspaceChanged(String(workspaceId));
    await maria.get('/portal/demo/projects').expect(404);
    await maria.get(`/portal/demo/projects/${id}`).expect(404);
    expect((await maria.get('/portal/demo/').expect(200)).text).to.not.contain('/portal/demo/projects"');
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
    // Ben has the Billing role: invoices, payments, documents and contracts only.
    const ben = await signedInAgent(h.agent(), 'demo', login('ben@northwind.test'));
    await ben.get('/portal/demo/projects').expect(404);
    await ben.get(`/portal/demo/projects/${id}`).expect(404);
    expect((await ben.get('/portal/demo/documents').expect(200)).text, "a project's document goes with the project").to.not.contain(
      'website-project-plan.pdf',
    );
  });

  it('speaks German to a reader who chose it', async function () {
    const user = await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), email: MARIA })
      .first('id');
    await h.crm.db('client_users').where({ id: user.id }).update({ locale: 'de' });
    try {
      const html = (await maria.get('/portal/demo/projects').expect(200)).text;
      expect(html).to.contain('Projekte').and.contain('Pausiert').and.contain('50 %');
      const page = (await maria.get(`/portal/demo/projects/${await projectId('PJ-2026-001')}`).expect(200)).text;
      expect(page).to.contain('Fortschritt').and.contain('Weitere Aufgaben');
    } finally {
      await h.crm.db('client_users').where({ id: user.id }).update({ locale: null });
    }
  });
});
