// Changes staff make in the CRM's own pages reach the client's open portal pages live: sharing a
// document, and a task's status, due date and assignee, and its deletion, made through the
// reference CRM on instance A, arrive on the client's /live stream (which the documents and tasks
// pages follow) held open on instance B, through CustomerPortal.hostRecordChanged and the same
// LISTEN/NOTIFY channel as the portal's own events. Another client of the workspace sees none of
// them. On the embedded database (one instance, in-process bus) the streams are on A.
import { expect } from 'chai';
import supertest from 'supertest';
import { bootReferenceCrm, type RunningCrm } from '../../plugins/reference-crm/boot.ts';
import { createSeededTestDatabase, type TestDatabase } from '../support/database.ts';
import { csrfFrom, flagsFileFor, signedInAgent } from '../support/portal-harness.ts';
import { openSse, type ReceivedEvent, type SseConnection } from '../support/sse-client.ts';

type Agent = ReturnType<typeof supertest.agent>;

const WAIT_MS = 20_000;

// What a host that cannot call the portal's code runs (README, "Changes made in your CRM"): the
// event row and its NOTIFY on both channels, in one statement.
const HOST_SQL = `
with event as (
  insert into portal_live_events (workspace_id, client_id, type, data)
  values (?, ?, 'task-changed', jsonb_build_object('taskId', ?::text, 'source', 'host'))
  returning seq, workspace_id, client_id, type, data
)
select pg_notify('customer_portal_events', json_build_object('i', 'host', 'c', channel, 'p', json_build_object(
  'seq', seq::text, 'type', type, 'workspaceId', workspace_id, 'clientId', client_id, 'data', data))::text)
from event, lateral (values ('live.client.' || workspace_id || '.' || client_id), ('live.staff.' || workspace_id)) as channels(channel)`;

describe("changes made in the CRM's own pages reach the client's portal pages live", function () {
  this.timeout(180_000);
  let database: TestDatabase;
  let a: RunningCrm;
  let b: RunningCrm;
  let staff: Agent;
  let staffCsrf: string;
  let workspaceId: string;
  let northwind: string;
  let bluebell: string;
  let mariaStream: SseConnection;
  let priyaStream: SseConnection;

  const data = (event: ReceivedEvent) => JSON.parse(event.data) as Record<string, unknown>;
  const isTask = (id: unknown) => (event: ReceivedEvent) => event.event === 'task-changed' && data(event).taskId === String(id);
  const isDocument = (id: unknown) => (event: ReceivedEvent) => event.event === 'document-changed' && data(event).documentId === String(id);
  const staffPage = async (path: string) => {
    const page = await staff.get(path).expect(200);
    staffCsrf = csrfFrom(page.text);
    return page;
  };

  before(async function () {
    // Two instances boot and seed: minutes on a loaded machine.
    this.timeout(600_000);
    database = await createSeededTestDatabase();
    const common = {
      databaseUrl: database.url,
      port: 0,
      sessionSecret: 'shared-secret-'.padEnd(48, 'z'),
      flagsFile: flagsFileFor(['demo']),
      quiet: true,
    };
    a = await bootReferenceCrm(common);
    // The embedded database cannot carry NOTIFY between instances: there the streams are on A.
    b = database.mode === 'embedded' ? a : await bootReferenceCrm(common);
    workspaceId = (await a.adapter.workspaces.findBySlug('demo'))!.id;
    northwind = String((await a.db('clients').where({ workspace_id: workspaceId, name: 'Northwind Traders' }).first('id')).id);
    bluebell = String((await a.db('clients').where({ workspace_id: workspaceId, name: 'Bluebell Bakery' }).first('id')).id);
    await a
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: workspaceId, show_tasks: true })
      .onConflict('workspace_id')
      .merge();
    await a.portal.workspaceChanged(workspaceId);
    const loginOf = (email: string) => a.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === email)!;
    const maria = await signedInAgent(supertest.agent(b.url), 'demo', loginOf('maria@northwind.test'));
    const priya = await signedInAgent(supertest.agent(b.url), 'demo', loginOf('priya@bluebell.test'));
    const admin = a.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    staff = supertest.agent(a.url);
    const signin = await staff.get('/signin').expect(200);
    await staff
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(signin.text), email: admin.email, password: admin.password })
      .expect(303);
    mariaStream = await openSse(`${b.url}/portal/demo/live`, { Cookie: (await maria.get('/portal/demo/account')).request.cookies ?? '' });
    priyaStream = await openSse(`${b.url}/portal/demo/live`, { Cookie: (await priya.get('/portal/demo/account')).request.cookies ?? '' });
  });
  after(async function () {
    mariaStream?.close();
    priyaStream?.close();
    await a?.close();
    if (b !== a) await b?.close();
    await database?.drop();
  });

  it("a document staff share with Northwind on A reaches Maria's stream on B, and Priya's not", async function () {
    await staffPage('/documents/new');
    const upload = await staff
      .post('/documents')
      .field('_csrf', staffCsrf)
      .field('clientId', northwind)
      .attach('file', Buffer.from('Launch plan\n'), { filename: 'launch-plan.txt', contentType: 'text/plain' })
      .expect(303);
    const documentId = String(upload.headers.location).split('/').pop();
    await staffPage(`/documents/${documentId}`);
    await staff.post(`/documents/${documentId}/sharing`).type('form').send({ _csrf: staffCsrf, shared: 'true' }).expect(303);
    const shared = await mariaStream.waitFor(isDocument(documentId), WAIT_MS);
    expect(data(shared)).to.deep.equal({ clientId: northwind, documentId, source: 'host' });
    // Uploaded unshared, it was on none of her pages: only the sharing was announced.
    expect(mariaStream.events.filter(isDocument(documentId))).to.have.length(1);

    await staff.post(`/documents/${documentId}/sharing`).type('form').send({ _csrf: staffCsrf, shared: 'false' }).expect(303);
    await mariaStream.waitFor((e) => isDocument(documentId)(e) && e.id !== shared.id, WAIT_MS);
  });

  it("a task's status, due date and assignee changed, and its deletion, on A reach Maria's stream on B", async function () {
    const task = await a
      .db('tasks')
      .where({ workspace_id: workspaceId, client_id: northwind, title: 'Send brand assets (logo files and fonts)' })
      .first('id');
    const tom = await a.db('contacts').where({ workspace_id: workspaceId, email: 'tom@northwind.test' }).first('id');
    // Each change is one more event about the task, after those already received.
    const seen = new Set(mariaStream.events.filter(isTask(task.id)).map((e) => e.id));
    const next = async () => {
      const event = await mariaStream.waitFor((e) => isTask(task.id)(e) && !seen.has(e.id), WAIT_MS);
      seen.add(event.id);
      return event;
    };

    await staffPage(`/tasks/${task.id}`);
    await staff.post(`/tasks/${task.id}/status`).type('form').send({ _csrf: staffCsrf, status: 'in_progress' }).expect(303);
    await next();

    await staff
      .post(`/tasks/${task.id}/plan`)
      .type('form')
      .send({ _csrf: staffCsrf, dueDate: '2027-01-15', assignedContactId: String(tom.id) })
      .expect(303);
    await next();
    expect(await a.db('tasks').where({ id: task.id }).first('due_date', 'assigned_contact_id')).to.deep.equal({
      due_date: '2027-01-15',
      assigned_contact_id: tom.id,
    });

    await staff.post(`/tasks/${task.id}/delete`).type('form').send({ _csrf: staffCsrf }).expect(303);
    const deleted = await next();
    expect(data(deleted)).to.deep.equal({ clientId: northwind, taskId: String(task.id), source: 'host' });
    expect(await a.db('tasks').where({ id: task.id }).first()).to.equal(undefined);
  });

  it("Priya's stream carries Bluebell's change and none of Northwind's, and Maria's none of Bluebell's", async function () {
    const task = await a.db('tasks').where({ workspace_id: workspaceId, client_id: bluebell }).orderBy('id').first('id');
    await staffPage(`/tasks/${task.id}`);
    await staff.post(`/tasks/${task.id}/status`).type('form').send({ _csrf: staffCsrf, status: 'done' }).expect(303);
    // The bus delivers in order: once Bluebell's change is on Priya's stream, every earlier
    // Northwind change would have been there before it.
    await priyaStream.waitFor(isTask(task.id), WAIT_MS);
    expect(priyaStream.events.map((e) => data(e).clientId)).to.deep.equal(priyaStream.events.map(() => bluebell));
    // Maria's stream is told by the same bus, also in order; a later Northwind change marks the point.
    const marker = await a.db('tasks').where({ workspace_id: workspaceId, client_id: northwind }).orderBy('id').first('id');
    await staffPage(`/tasks/${marker.id}`);
    await staff.post(`/tasks/${marker.id}/status`).type('form').send({ _csrf: staffCsrf, status: 'done' }).expect(303);
    await mariaStream.waitFor(isTask(marker.id), WAIT_MS);
    expect(mariaStream.events.filter(isTask(task.id))).to.deep.equal([]);
    expect(mariaStream.events.map((e) => data(e).clientId)).to.deep.equal(mariaStream.events.map(() => northwind));
  });

  it("carries a change a host writes in SQL alone (the event row and its NOTIFY) to Maria's stream", async function () {
    // The embedded database keeps NOTIFY on the connection that sent it; its bus is in process.
    if (database.mode === 'embedded') this.skip();
    await a.db.raw(HOST_SQL, [workspaceId, northwind, '424242']);
    const event = await mariaStream.waitFor(isTask('424242'), WAIT_MS);
    expect(data(event)).to.deep.equal({ clientId: northwind, taskId: '424242', source: 'host' });
    expect(priyaStream.events.filter(isTask('424242'))).to.deep.equal([]);
  });

  it('refuses a malformed change with a TypeError, and records nothing for it', async function () {
    const count = async () => Number((await a.db('portal_live_events').count<{ count: string }[]>('* as count'))[0]!.count);
    const before = await count();
    let thrown: unknown;
    try {
      await a.portal.hostRecordChanged({ workspaceId, clientId: northwind, kind: 'shipment' as 'task', id: '1' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).to.be.instanceOf(TypeError);
    expect(String((thrown as Error).message)).to.match(/kind/);
    expect(await count()).to.equal(before);
  });
});
