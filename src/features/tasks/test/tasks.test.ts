// The tasks page over HTTP against the reference CRM: open and done tabs with the contact's own
// and company-wide tasks (never a colleague's), overdue marked by the reader's today, the record
// a task belongs to, mark done / reopen with post/redirect/get and as an htmx fragment, each
// logged, and a task the host reassigned or deleted gone with its actions answering 404.
import { expect } from 'chai';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('client tasks', function () {
  let h: PortalHarness;
  let agent: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;
  let clientId: number;
  const MARIA = 'maria@northwind.test';

  before(async function () {
    this.timeout(120_000); // Booting the CRM on a fresh embedded database takes a while on a busy machine.
    h = await startPortalHarness();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === MARIA)!;
    agent = await signedInAgent(h.agent(), 'demo', login);
    const ws = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    workspaceId = ws.id;
    clientId = (await h.crm.db('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id')).id;
  });
  after(async function () {
    await h.close();
  });
  afterEach(async function () {
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  const taskId = async (title: string) => (await h.crm.db('tasks').where({ workspace_id: workspaceId, title }).first('id')).id as number;

  it("lists Maria's own and company-wide open tasks, not a colleague's, with overdue marked and the record named", async function () {
    const html = (await agent.get('/portal/demo/tasks').expect(200)).text;
    expect(html).to.contain('Send brand assets (logo files and fonts)');
    expect(html).to.contain('Confirm the launch date');
    expect(html, 'assigned to Tom').to.not.contain('Review homepage wireframes');
    expect(html, 'done tasks are on the other tab').to.not.contain('Set up staging server');
    // Due yesterday (seed offset -1): overdue for a reader anywhere.
    const launchId = await taskId('Confirm the launch date');
    const launch = html.slice(html.lastIndexOf('<li', html.indexOf(`id="task-${launchId}">`)));
    expect(launch.slice(0, launch.indexOf('</li>')))
      .to.contain('task--overdue')
      .and.contain('Overdue')
      .and.contain('Proposal ');
    expect(html).to.contain('aria-current="page"');
    const done = (await agent.get('/portal/demo/tasks?tab=done').expect(200)).text;
    expect(done).to.contain('Set up staging server');
    expect(done).to.not.contain('Send brand assets');
  });

  it("judges overdue by the reader's own today, in their time zone", async function () {
    const id = await taskId('Send brand assets (logo files and fonts)');
    const original = await h.crm.db('tasks').where({ id }).first('due_date');
    // Kiritimati (UTC+14) and Pago Pago (UTC−11) are always on different dates: due "today" in
    // Pago Pago is overdue for a reader in Kiritimati and due today for one in Pago Pago.
    const now = new Date();
    const kiribatiToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Kiritimati' }).format(now);
    const samoaToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Pago_Pago' }).format(now);
    await h.crm.db('tasks').where({ id }).update({ due_date: samoaToday });
    try {
      const user = await h.crm
        .db('client_users')
        .where({ workspace_id: String(workspaceId), email: MARIA })
        .first('id');
      await h.crm.db('client_users').where({ id: user.id }).update({ time_zone: 'Pacific/Kiritimati' });
      const ahead = (await agent.get('/portal/demo/tasks').expect(200)).text;
      const row = (html: string) => {
        const from = html.indexOf(`id="task-${id}">`);
        return html.slice(from, html.indexOf('</li>', from));
      };
      expect(kiribatiToday > samoaToday, 'the two zones are on different dates').to.equal(true);
      expect(row(ahead)).to.contain('Overdue');
      await h.crm.db('client_users').where({ id: user.id }).update({ time_zone: 'Pacific/Pago_Pago' });
      const behind = (await agent.get('/portal/demo/tasks').expect(200)).text;
      expect(row(behind)).to.not.contain('Overdue');
      expect(row(behind)).to.contain('Due today');
      await h.crm.db('client_users').where({ id: user.id }).update({ time_zone: null });
    } finally {
      await h.crm.db('tasks').where({ id }).update({ due_date: original.due_date });
    }
  });

  it('marks a task done and reopens it (post/redirect/get), logging both', async function () {
    const id = await taskId('Send brand assets (logo files and fonts)');
    const page = await agent.get('/portal/demo/tasks').expect(200);
    const res = await agent
      .post(`/portal/demo/tasks/${id}/done`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), tab: 'open' })
      .expect(303);
    expect(res.headers.location).to.equal('/portal/demo/tasks?tab=open');
    expect((await h.crm.db('tasks').where({ id }).first('status')).status).to.equal('done');
    expect((await agent.get('/portal/demo/tasks').expect(200)).text).to.not.contain('Send brand assets');
    await agent
      .post(`/portal/demo/tasks/${id}/reopen`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), tab: 'done' })
      .expect(303);
    expect((await h.crm.db('tasks').where({ id }).first('status')).status).to.equal('open');
    const events = await h.crm
      .db('client_activity_logs')
      .whereIn('event', ['task.completed', 'task.reopened'])
      .orderBy('id')
      .select('event', 'details', 'client_id');
    expect(events.map((e) => e.event)).to.deep.equal(['task.completed', 'task.reopened']);
    expect(events[0].details).to.include({ taskId: String(id) });
    expect(events[0].client_id).to.equal(String(clientId));
  });

  it('answers an htmx action with the list fragment, without changing the address', async function () {
    const id = await taskId('Send brand assets (logo files and fonts)');
    const page = await agent.get('/portal/demo/tasks').expect(200);
    const res = await agent
      .post(`/portal/demo/tasks/${id}/done`)
      .set({ 'HX-Request': 'true', 'HX-Request-Type': 'partial', 'X-CSRF-Token': csrfFrom(page.text) })
      .type('form')
      .send({ tab: 'open' })
      .expect(200);
    expect(res.text).to.match(/^<div id="tasks">/);
    expect(res.text).to.not.contain('<html');
    expect(res.text).to.not.contain('Send brand assets');
    await agent
      .post(`/portal/demo/tasks/${id}/reopen`)
      .set({ 'X-CSRF-Token': csrfFrom(page.text) })
      .type('form')
      .send({})
      .expect(303);
  });

  it('loses a task the host reassigned or deleted: gone from the list, its actions 404', async function () {
    const page = await agent.get('/portal/demo/tasks').expect(200);
    const token = csrfFrom(page.text);
    const tom = await h.crm.db('contacts').where({ workspace_id: workspaceId, email: 'tom@northwind.test' }).first('id');
    const id = await taskId('Send brand assets (logo files and fonts)');
    await h.crm.db('tasks').where({ id }).update({ assigned_contact_id: tom.id });
    try {
      expect((await agent.get('/portal/demo/tasks').expect(200)).text).to.not.contain('Send brand assets');
      await agent.post(`/portal/demo/tasks/${id}/done`).type('form').send({ _csrf: token }).expect(404);
      await agent.post(`/portal/demo/tasks/${id}/reopen`).type('form').send({ _csrf: token }).expect(404);
    } finally {
      await h.crm.db('tasks').where({ id }).update({ assigned_contact_id: null });
    }
    const [gone] = await h.crm
      .db('tasks')
      .insert({ workspace_id: workspaceId, client_id: clientId, title: 'Short-lived task', status: 'open' })
      .returning('id');
    expect((await agent.get('/portal/demo/tasks').expect(200)).text).to.contain('Short-lived task');
    await h.crm.db('tasks').where({ id: gone.id }).delete();
    expect((await agent.get('/portal/demo/tasks').expect(200)).text).to.not.contain('Short-lived task');
    await agent.post(`/portal/demo/tasks/${gone.id}/done`).type('form').send({ _csrf: token }).expect(404);
    await agent.post('/portal/demo/tasks/not-a-task/done').type('form').send({ _csrf: token }).expect(404);
  });

  it('does not exist while show_tasks is off, and refuses a malformed tab with a message', async function () {
    await agent.get('/portal/demo/tasks?tab=later').expect(400);
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspaceId), show_tasks: false });
    await h.crm.portal.workspaceChanged(String(workspaceId));
    await agent.get('/portal/demo/tasks').expect(404);
    expect((await agent.get('/portal/demo/').expect(200)).text).to.not.contain('/portal/demo/tasks"');
  });

  it('speaks German to a reader who chose it', async function () {
    const user = await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), email: MARIA })
      .first('id');
    await h.crm.db('client_users').where({ id: user.id }).update({ locale: 'de' });
    try {
      const html = (await agent.get('/portal/demo/tasks').expect(200)).text;
      expect(html).to.contain('Aufgaben').and.contain('Überfällig').and.contain('Als erledigt markieren');
    } finally {
      await h.crm.db('client_users').where({ id: user.id }).update({ locale: null });
    }
  });
});
