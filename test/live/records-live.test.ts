// Live task and document changes across two app instances on one real PostgreSQL: a task marked
// done and a file uploaded through instance A reach a client stream (/live, which the documents and
// tasks pages follow) and the agency's stream (which the inbox and the uploads page follow) held
// open on instance B, within a second; a colleague's first download of the upload reaches the
// client's stream too. On the embedded database (one instance, in-process bus) the streams are on A.
import { expect } from 'chai';
import supertest from 'supertest';
import { bootReferenceCrm, type RunningCrm } from '../../plugins/reference-crm/boot.ts';
import { createSeededTestDatabase, type TestDatabase } from '../support/database.ts';
import { csrfFrom, flagsFileFor, signedInAgent } from '../support/portal-harness.ts';
import { openSse, type SseConnection } from '../support/sse-client.ts';
import { smallPdf } from '../support/upload-fixtures.ts';

type Agent = ReturnType<typeof supertest.agent>;

describe('live task and document changes on two app instances', function () {
  this.timeout(180_000);
  let database: TestDatabase;
  let a: RunningCrm;
  let b: RunningCrm;
  let other: RunningCrm;
  let maria: Agent;
  let staffOnA: Agent;
  let workspaceId: string;
  let clientStream: SseConnection;
  let staffStream: SseConnection;

  before(async function () {
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
    other = b;
    workspaceId = (await a.adapter.workspaces.findBySlug('demo'))!.id;
    await a
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: workspaceId, allow_file_uploads: true, show_tasks: true })
      .onConflict('workspace_id')
      .merge();
    await a.portal.workspaceChanged(workspaceId);
    await b.portal.workspaceChanged(workspaceId);
    const login = a.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    maria = await signedInAgent(supertest.agent(a.url), 'demo', login);
    const admin = a.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    staffOnA = supertest.agent(a.url);
    const page = await staffOnA.get('/signin').expect(200);
    await staffOnA
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: admin.email, password: admin.password })
      .expect(303);
    const mariaCookie = (await maria.get('/portal/demo/account')).request.cookies ?? '';
    const staffCookie = (await staffOnA.get('/client-messages')).request.cookies ?? '';
    clientStream = await openSse(`${other.url}/portal/demo/live`, { Cookie: mariaCookie });
    staffStream = await openSse(`${other.url}/client-messages/stream`, { Cookie: staffCookie });
  });
  after(async function () {
    clientStream?.close();
    staffStream?.close();
    await a?.close();
    if (b !== a) await b?.close();
    await database?.drop();
  });

  it("delivers a task marked done on A to the client's and the agency's streams on B within a second", async function () {
    const task = await a.db('tasks').where({ title: 'Send brand assets (logo files and fonts)' }).first('id');
    const token = csrfFrom((await maria.get('/portal/demo/tasks').expect(200)).text);
    const startedAt = performance.now();
    await maria.post(`/portal/demo/tasks/${task.id}/done`).type('form').send({ _csrf: token, tab: 'open' }).expect(303);
    const onClient = await clientStream.waitFor((e) => e.event === 'task-changed' && e.at >= startedAt, 2000);
    const onStaff = await staffStream.waitFor((e) => e.event === 'task-changed' && e.at >= startedAt, 2000);
    expect(JSON.parse(onClient.data)).to.include({ taskId: String(task.id), status: 'done' });
    expect(onClient.id).to.equal(onStaff.id);
    console.log(
      `      task A→B: client ${(onClient.at - startedAt).toFixed(1)} ms, staff ${(onStaff.at - startedAt).toFixed(1)} ms from POST start`,
    );
    expect(onClient.at - startedAt).to.be.below(1000);
    expect(onStaff.at - startedAt).to.be.below(1000);
  });

  it("delivers an upload on A, and the agency's first download of it, to streams on B", async function () {
    const token = csrfFrom((await maria.get('/portal/demo/documents').expect(200)).text);
    const startedAt = performance.now();
    await maria.post('/portal/demo/documents/uploads').field('_csrf', token).attach('file', smallPdf('live'), 'live.pdf').expect(303);
    const onClient = await clientStream.waitFor((e) => e.event === 'document-changed' && e.at >= startedAt, 2000);
    const onStaff = await staffStream.waitFor((e) => e.event === 'document-changed' && e.at >= startedAt, 2000);
    const upload = await a.db('client_uploads').where({ workspace_id: workspaceId, filename: 'live.pdf' }).first('id');
    expect(JSON.parse(onClient.data)).to.include({ uploadId: String(upload.id), change: 'uploaded' });
    expect(onStaff.id).to.equal(onClient.id);
    console.log(
      `      upload A→B: client ${(onClient.at - startedAt).toFixed(1)} ms, staff ${(onStaff.at - startedAt).toFixed(1)} ms from POST start`,
    );
    expect(onClient.at - startedAt).to.be.below(1000);

    const openedAt = performance.now();
    await staffOnA.get(`/settings/client-portal/uploads/${upload.id}/download`).expect(200);
    const opened = await clientStream.waitFor((e) => e.event === 'document-changed' && e.at >= openedAt, 2000);
    expect(JSON.parse(opened.data)).to.include({ uploadId: String(upload.id), change: 'opened' });
    // Only the first download changes anything the client sees.
    await staffOnA.get(`/settings/client-portal/uploads/${upload.id}/download`).expect(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(clientStream.events.filter((e) => e.event === 'document-changed' && JSON.parse(e.data).change === 'opened')).to.have.length(1);
  });

  it('starts a stream opened without a position at the newest event, replaying nothing', async function () {
    const cookie = (await maria.get('/portal/demo/account')).request.cookies ?? '';
    const fresh = await openSse(`${other.url}/portal/demo/live`, { Cookie: cookie });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(fresh.events.filter((e) => e.id !== '')).to.deep.equal([]);
    } finally {
      fresh.close();
    }
  });
});
