// How much one client user may post in a while (POSTING_LIMITS), over HTTP against the reference
// CRM: messages and comments each have a budget per person. The post past it is refused 429 with
// Retry-After and words in the reader's language (a message's attachment is refused before it is
// received: it is answered while the upload has not even arrived, and no message, attachment or
// file is stored), and a colleague of the same company still posts.
import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import type supertest from 'supertest';
import type { Knex } from 'knex';
import { ensureDemoClientLogins } from '../../../index.ts';
import { POSTING_LIMITS } from '../../../core/index.ts';
import { demoNorthwind, demoWorkspaceId, sentProposal, type DemoClient } from '../../../../test/support/demo-records.ts';
import {
  csrfFrom,
  type PortalHarness,
  signedInAgent,
  signedInDemoClient,
  startPortalHarness,
} from '../../../../test/support/portal-harness.ts';
import { smallPdf } from '../../../../test/support/upload-fixtures.ts';

type Agent = ReturnType<typeof supertest.agent>;
const PASSWORD = 'Posting-limits-2026';

describe('per-person limits on messages and comments', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let db: Knex;
  let workspaceId: string;
  let northwind: DemoClient;
  let maria: Agent;
  let tom: Agent;

  before(async function () {
    h = await startPortalHarness();
    db = h.crm.db;
    workspaceId = String(await demoWorkspaceId(db));
    northwind = await demoNorthwind(db);
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: workspaceId, allow_file_uploads: true })
      .onConflict('workspace_id')
      .merge({ allow_file_uploads: true });
    await h.crm.portal.workspaceChanged(workspaceId);
    const tomContact = await db('contacts').where({ workspace_id: northwind.workspace_id, email: 'tom@northwind.test' }).first('id');
    await ensureDemoClientLogins(
      db,
      [{ workspaceId, clientId: String(northwind.id), contactId: String(tomContact.id), email: 'tom@northwind.test' }],
      PASSWORD,
    );
    maria = await signedInDemoClient(h, 'maria@northwind.test');
    tom = await signedInAgent(h.agent(), 'demo', { email: 'tom@northwind.test', password: PASSWORD });
  });
  after(async function () {
    await h?.close();
  });

  /** Sends a multipart message's headers and its first part, never the rest; the status answered meanwhile. */
  function statusBeforeTheBodyEnds(path: string, cookie: string, csrf: string): Promise<number> {
    const boundary = 'limit-test-boundary';
    const start = `--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`;
    return new Promise((resolve, reject) => {
      const req = httpRequest(new URL(path, h.crm.url), {
        method: 'POST',
        headers: {
          Cookie: cookie,
          'X-CSRF-Token': csrf,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(20 * 1024 * 1024),
        },
      });
      const timer = setTimeout(() => {
        req.destroy();
        reject(new Error('no answer while the upload was still arriving'));
      }, 10_000);
      req.on('response', (res) => {
        clearTimeout(timer);
        res.resume();
        req.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.write(start);
    });
  }

  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number((await db(table).where(where).count<{ count: string }[]>('* as count'))[0]!.count);

  it('refuses the message past the budget before its attachment is received, and lets a colleague write', async function () {
    const budget = POSTING_LIMITS.messagesPerPerson.points;
    const csrf = csrfFrom((await maria.get('/portal/demo/messages').expect(200)).text);
    for (let sent = 1; sent <= budget; sent++)
      await maria
        .post('/portal/demo/messages')
        .type('form')
        .send({ _csrf: csrf, body: `Message ${sent}` })
        .expect(303);
    const [messages, attachments, files] = await Promise.all([
      count('portal_messages', { workspace_id: workspaceId }),
      count('portal_message_attachments', { workspace_id: workspaceId }),
      count('portal_files'),
    ]);

    const refused = await maria
      .post('/portal/demo/messages')
      .field('_csrf', csrf)
      .field('body', 'One too many')
      .attach('attachments', smallPdf(), 'report.pdf');
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers['retry-after'])).to.be.within(1, POSTING_LIMITS.messagesPerPerson.blockSeconds);
    expect(refused.text).to.include('You have posted a lot in a short time.');
    const german = await maria
      .post('/portal/demo/messages')
      .set('Accept-Language', 'de')
      .type('form')
      .send({ _csrf: csrf, body: 'Noch eine' });
    expect(german.status).to.equal(429);
    expect(german.text).to.include('Sie haben in kurzer Zeit sehr viel gesendet.');
    expect(await count('portal_messages', { workspace_id: workspaceId }), 'messages').to.equal(messages);
    expect(await count('portal_message_attachments', { workspace_id: workspaceId }), 'attachments').to.equal(attachments);
    expect(await count('portal_files'), 'stored files').to.equal(files);

    // An upload that never finishes arriving is answered all the same: nothing waits for its bytes.
    const cookie = (await maria.get('/portal/demo/account').expect(200)).request.cookies ?? '';
    expect(await statusBeforeTheBodyEnds('/portal/demo/messages', cookie, csrf)).to.equal(429);

    const tomCsrf = csrfFrom((await tom.get('/portal/demo/messages').expect(200)).text);
    await tom.post('/portal/demo/messages').type('form').send({ _csrf: tomCsrf, body: 'From a colleague' }).expect(303);
    expect(await count('portal_messages', { workspace_id: workspaceId }), 'after the colleague wrote').to.equal(messages + 1);
  });

  it('refuses the comment past the budget, storing nothing, and lets a colleague comment', async function () {
    const budget = POSTING_LIMITS.commentsPerPerson.points;
    const proposal = await sentProposal(db, northwind, { number: 'P-LIMITS-1' });
    const page = `/portal/demo/proposals/${proposal}`;
    const csrf = csrfFrom((await maria.get(page).expect(200)).text);
    const comments = () => count('client_comments', { workspace_id: workspaceId, subject_type: 'proposal', subject_id: proposal });
    for (let sent = 1; sent <= budget; sent++)
      await maria
        .post(`${page}/comments`)
        .type('form')
        .send({ _csrf: csrf, body: `Comment ${sent}` })
        .expect(303);
    expect(await comments()).to.equal(budget);

    const refused = await maria.post(`${page}/comments`).set('HX-Request', 'true').type('form').send({ _csrf: csrf, body: 'One too many' });
    expect(refused.status).to.equal(429);
    expect(refused.headers['retry-after']).to.match(/^\d+$/);
    expect(refused.text).to.include('You have posted a lot in a short time.');
    expect(await comments()).to.equal(budget);

    const tomCsrf = csrfFrom((await tom.get(page).expect(200)).text);
    await tom.post(`${page}/comments`).type('form').send({ _csrf: tomCsrf, body: 'From a colleague' }).expect(303);
    expect(await comments()).to.equal(budget + 1);
  });
});
