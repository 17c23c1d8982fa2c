// Covers the task staff pages: list, detail, create (optionally assigned to a contact of the
// task's client; any other contact is a 400), status changes, CSRF 403, and 404 across workspaces.
import { expect } from 'chai';
import { DEMO_ADMIN, idOf, signIn, startCrm, textOf, type CrmTestContext, type SignedIn } from './support.ts';

describe('reference CRM tasks', function () {
  let crm: CrmTestContext;
  let demo: SignedIn;

  before(async function () {
    crm = await startCrm();
    demo = await signIn(crm.app, DEMO_ADMIN);
  });

  after(async function () {
    await crm?.close();
  });

  it("lists the workspace's tasks with their assignees", async function () {
    const text = textOf((await demo.agent.get('/tasks').expect(200)).text);
    expect(text).to.include('Approve menu photos');
    expect(text).to.include('Priya Nair');
    expect(text).to.not.include('Approve livery mock-ups');
  });

  it('shows a task', async function () {
    const id = await idOf(crm.db, 'tasks', { title: 'Review homepage wireframes' }, 'demo');
    const text = textOf((await demo.agent.get(`/tasks/${id}`).expect(200)).text);
    expect(text).to.include('Tom Becker');
    expect(text).to.include('In progress');
    expect(text).to.include('Nov 23, 2026');
  });

  it('creates a task assigned to a contact of its client, and one left with the agency', async function () {
    const clientId = await idOf(crm.db, 'clients', { name: 'Harbor Dental Group' }, 'demo');
    const contactId = await idOf(crm.db, 'contacts', { email: 'lena@harbordental.test' }, 'demo');
    const res = await demo.agent
      .post('/tasks')
      .type('form')
      .send({
        _csrf: demo.csrf,
        clientId: String(clientId),
        assignedContactId: String(contactId),
        title: 'Sign off the care plan',
        dueDate: '2026-12-01',
      })
      .expect(303);
    const text = textOf((await demo.agent.get(res.headers.location!).expect(200)).text);
    expect(text).to.include('Sign off the care plan');
    expect(text).to.include('Lena Park');

    const agency = await demo.agent
      .post('/tasks')
      .type('form')
      .send({ _csrf: demo.csrf, clientId: String(clientId), assignedContactId: '', title: 'Renew the SSL certificate' })
      .expect(303);
    expect(textOf((await demo.agent.get(agency.headers.location!)).text)).to.include('Assigned to The agency');
  });

  it('refuses a contact of another client or another workspace (400)', async function () {
    const clientId = await idOf(crm.db, 'clients', { name: 'Harbor Dental Group' }, 'demo');
    for (const [email, workspace] of [
      ['priya@bluebell.test', 'demo'],
      ['hana@lumencoffee.test', 'acme'],
    ] as const) {
      const contactId = await idOf(crm.db, 'contacts', { email }, workspace);
      const res = await demo.agent
        .post('/tasks')
        .type('form')
        .send({ _csrf: demo.csrf, clientId: String(clientId), assignedContactId: String(contactId), title: 'Wrong person' })
        .expect(400);
      expect(textOf(res.text)).to.include('Choose a contact who works for Harbor Dental Group');
    }
    expect(await crm.db('tasks').where({ title: 'Wrong person' }).first()).to.equal(undefined);
  });

  it('explains a missing client and title (400)', async function () {
    const res = await demo.agent.post('/tasks').type('form').send({ _csrf: demo.csrf, dueDate: 'soon' }).expect(400);
    const text = textOf(res.text);
    expect(text).to.include('Choose the client this task is for.');
    expect(text).to.include('Enter a title for the task.');
    expect(text).to.include('Enter the due date as a real date');
  });

  it("changes a task's status, recording when it was completed", async function () {
    const id = await idOf(crm.db, 'tasks', { title: 'Deliver print files to the printer' }, 'demo');
    await demo.agent.post(`/tasks/${id}/status`).type('form').send({ _csrf: demo.csrf, status: 'done' }).expect(303);
    const row = await crm.db('tasks').where({ id }).first('status', 'completed_at');
    expect(row.status).to.equal('done');
    expect(row.completed_at).to.be.instanceOf(Date);
    await demo.agent.post(`/tasks/${id}/status`).type('form').send({ _csrf: demo.csrf, status: 'finished' }).expect(400);
  });

  it('refuses changes without the CSRF token (403)', async function () {
    const id = await idOf(crm.db, 'tasks', { title: 'Approve menu photos' }, 'demo');
    await demo.agent.post('/tasks').type('form').send({ title: 'x' }).expect(403);
    await demo.agent.post(`/tasks/${id}/status`).type('form').send({ status: 'done' }).expect(403);
  });

  it("answers 404 for another workspace's task", async function () {
    const acmeTask = await idOf(crm.db, 'tasks', { title: 'Approve livery mock-ups' }, 'acme');
    await demo.agent.get(`/tasks/${acmeTask}`).expect(404);
    await demo.agent.post(`/tasks/${acmeTask}/status`).type('form').send({ _csrf: demo.csrf, status: 'done' }).expect(404);
    expect((await crm.db('tasks').where({ id: acmeTask }).first('status')).status).to.equal('in_progress');
  });
});
