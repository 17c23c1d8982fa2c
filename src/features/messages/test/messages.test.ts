// Messages over HTTP against the reference CRM: a client writes (escaped, line breaks kept, only
// http(s) links made clickable), staff read it in their inbox (unread counts, the CRM header's
// count), reply, mark unread and assign; read receipts move both ways; attachments are checked by
// their bytes and only while uploads are allowed; the live stream replays after Last-Event-ID;
// the client's message-email choice is kept; and the pages stay within a query budget.
import { expect } from 'chai';
import type supertest from 'supertest';
import { SECTION_SWITCHES, SUMMARY_COUNT_LIMIT, type SectionSwitch } from '../../../core/index.ts';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness, demoLogin } from '../../../../test/support/portal-harness.ts';
import { countQueries } from '../../../../test/support/query-counter.ts';
import { expectEachNamesItsWorkspace } from '../../../../test/support/shard-routing.ts';
import { pdfOfSize, windowsExecutable } from '../../../../test/support/upload-fixtures.ts';

type Agent = ReturnType<typeof supertest.agent>;

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

describe('messages between a client and the agency', function () {
  this.timeout(60_000);
  let h: PortalHarness;
  let maria: Agent;
  let priya: Agent;
  let staff: Agent;
  let staffCsrf: string;
  let northwindId: string;

  before(async function () {
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'] });
    const login = (email: string) => demoLogin(h, email);
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    staff = h.agent();
    const page = await staff.get('/signin').expect(200);
    await staff
      .post('/signin')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: admin.email, password: admin.password })
      .expect(303);
    const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const row = await h.crm
      .db('client_users')
      .where({ workspace_id: demo.id, email: 'maria@northwind.test' })
      .first('client_id', 'workspace_id');
    northwindId = row.client_id;
    staffCsrf = csrfFrom((await staff.get(`/client-messages/${northwindId}`).expect(200)).text);
  });
  after(async function () {
    await h?.close();
  });

  async function switches(on: Partial<Record<SectionSwitch, boolean>>) {
    const page = await staff.get('/settings/client-portal').expect(200);
    const form: Record<string, string> = { _csrf: csrfFrom(page.text), loginWithCode: 'on', loginWithPassword: 'on' };
    for (const s of SECTION_SWITCHES) if (on[s.key] ?? s.key !== 'allowFileUploads') form[s.key] = 'on';
    await staff.post('/settings/client-portal').type('form').send(form).expect(303);
  }

  const clientCsrf = async (agent: Agent) => csrfFrom((await agent.get('/portal/demo/messages').expect(200)).text);

  it('shows an empty conversation and sends a message with PRG, keeping line breaks and escaping what was typed', async function () {
    const empty = await maria.get('/portal/demo/messages').expect(200);
    expect(empty.text).to.contain('No messages yet');
    expect(empty.text).to.contain('hx-sse:connect="/portal/demo/messages/stream?after=');
    const body = 'Hello <script>alert(1)</script>\nsee https://example.com/a?b=1&c=2. and javascript:alert(2)';
    const res = await maria
      .post('/portal/demo/messages')
      .type('form')
      .send({ _csrf: csrfFrom(empty.text), body })
      .expect(303);
    expect(res.headers.location).to.match(/^\/portal\/demo\/messages#message-\d+$/);
    const page = await maria.get('/portal/demo/messages').expect(200);
    expect(page.text).to.contain(
      'Hello &lt;script&gt;alert(1)&lt;/script&gt;\nsee <a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">https://example.com/a?b=1&amp;c=2</a>. and javascript:alert(2)',
    );
    expect(page.text).not.to.contain('<script>alert');
    expect(page.text).to.contain('>Sent<');
  });

  it('answers an htmx send with the page fragment, and a bad message with every error and what was typed', async function () {
    const csrf = await clientCsrf(maria);
    const fragment = await maria
      .post('/portal/demo/messages')
      .set({ 'HX-Request': 'true', 'HX-Request-Type': 'partial', 'X-CSRF-Token': csrf })
      .type('form')
      .send({ body: 'Second, by htmx' })
      .expect(200);
    expect(fragment.text).not.to.contain('<html');
    expect(fragment.text).to.contain('Second, by htmx');
    const blank = await maria.post('/portal/demo/messages').type('form').send({ _csrf: csrf, body: '   \n ' }).expect(400);
    expect(blank.text).to.contain('Write a message before sending.');
    const long = 'x'.repeat(10_001);
    const tooLong = await maria.post('/portal/demo/messages').type('form').send({ _csrf: csrf, body: long }).expect(400);
    expect(tooLong.text).to.contain('at most 10,000 characters');
    expect(tooLong.text).to.contain(long);
    await maria
      .post('/portal/demo/messages')
      .type('form')
      .send({ _csrf: csrf, body: 'y'.repeat(10_000) })
      .expect(303);
  });

  it('lists the conversation in the staff inbox with its unread count, and the CRM header shows it', async function () {
    const inbox = await staff.get('/client-messages').expect(200);
    expect(inbox.text).to.contain('Northwind');
    expect(inbox.text).to.match(/data-status="unread">[\s\S]*?<span class="chip__text">3 unread<\/span>/);
    const crm = await staff.get('/').expect(200);
    expect(crm.text).to.match(/Client messages <span class="badge">3<span class="visually-hidden"> unread/);
  });

  it('finds a client to write to by part of the name; the inbox itself names only the clients it lists', async function () {
    const inbox = await staff.get('/client-messages').expect(200);
    expect(inbox.text).to.contain('<h2 id="start-title">Write to a client</h2>');
    expect(inbox.text, 'a client without a conversation, before any search').not.to.contain('Bluebell Bakery');
    const found = await staff.get('/client-messages?q=BLUE').expect(200);
    expect(found.text).to.match(/<li><a href="\/client-messages\/\d+">Bluebell Bakery<\/a><\/li>/);
    expect(found.text).to.match(/<input id="client-search" name="q" type="search" value="BLUE"/);
    expect(found.text).not.to.match(/<li><a href="\/client-messages\/\d+">Northwind Traders<\/a><\/li>/);
    const everyone = await staff.get('/client-messages?q=').expect(200);
    expect(everyone.text)
      .to.match(/<li><a href="\/client-messages\/\d+">Bluebell Bakery<\/a><\/li>/)
      .and.match(/<li><a href="\/client-messages\/\d+">Northwind Traders<\/a><\/li>/);
    const none = await staff.get(`/client-messages?q=${encodeURIComponent('<b>nobody</b>')}`).expect(200);
    expect(none.text).to.contain('No client’s name contains “&lt;b&gt;nobody&lt;/b&gt;”.');
    const tooLong = await staff.get(`/client-messages?q=${'x'.repeat(101)}`).expect(400);
    expect(tooLong.text).to.contain('Search for at most 100 characters of a client&#39;s name.');
  });

  it('opening the conversation reads it: the count drops and the client sees the receipt', async function () {
    const conversation = await staff.get(`/client-messages/${northwindId}`).expect(200);
    expect(conversation.text).to.contain('Second, by htmx');
    expect((await staff.get('/client-messages').expect(200)).text).not.to.match(/class="unread-badge"/);
    const page = await maria.get('/portal/demo/messages').expect(200);
    expect(page.text).to.contain('Seen by the agency');
    expect(page.text).not.to.contain('>Sent<');
  });

  it('staff reply, mark unread and assign; the client sees the reply and its unread count on the way', async function () {
    await staff.post(`/client-messages/${northwindId}`).type('form').send({ _csrf: staffCsrf, body: 'Thanks, Maria — on it.' }).expect(303);
    await staff.post(`/client-messages/${northwindId}/unread`).type('form').send({ _csrf: staffCsrf }).expect(303);
    expect((await staff.get('/client-messages').expect(200)).text).to.match(
      /data-status="unread">[\s\S]*?<span class="chip__text">1 unread<\/span>/,
    );
    await staff.post(`/client-messages/${northwindId}/read`).type('form').send({ _csrf: staffCsrf }).expect(303);
    expect((await staff.get('/client-messages').expect(200)).text).not.to.match(/class="unread-badge"/);
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    const adminId = String((await h.crm.db('staff_users').where({ email: admin.email }).first('id')).id);
    await staff.post(`/client-messages/${northwindId}/assign`).type('form').send({ _csrf: staffCsrf, staffId: adminId }).expect(303);
    expect((await staff.get('/client-messages').expect(200)).text).to.contain(`<td>${admin.name}</td>`);
    await staff.post(`/client-messages/${northwindId}/assign`).type('form').send({ _csrf: staffCsrf, staffId: '999999' }).expect(400);
    await staff.post(`/client-messages/${northwindId}`).type('form').send({ body: 'no token' }).expect(403);
    // A plain form's field named like the attachments is text, not files: the reply goes without any.
    await staff
      .post(`/client-messages/${northwindId}`)
      .type('form')
      .send({ _csrf: staffCsrf, body: 'Text, not files.', attachments: ['', 'x'] })
      .expect(303);
    const page = await maria.get('/portal/demo/messages').expect(200);
    expect(page.text).to.contain('Thanks, Maria — on it.');
    const staffView = await staff.get(`/client-messages/${northwindId}`).expect(200);
    expect(staffView.text).to.contain('Seen by the client');
  });

  it('counts unread messages from the agency on the dashboard, linking to the conversation', async function () {
    await staff.post(`/client-messages/${northwindId}`).type('form').send({ _csrf: staffCsrf, body: 'One more thing.' }).expect(303);
    const unread = (await maria.get('/portal/demo/').expect(200)).text;
    expect(unread).to.contain('id="widget-messages"');
    expect(unread).to.contain('1 unread message from us');
    expect(unread).to.contain('href="/portal/demo/messages"');
    // Priya's company has no message from the agency.
    expect((await priya.get('/portal/demo/').expect(200)).text).to.contain('No unread messages from us.');
    await maria.get('/portal/demo/messages').expect(200);
    expect((await maria.get('/portal/demo/').expect(200)).text).to.contain('No unread messages from us.');
  });

  it('counts unread messages up to the limit and one more, and says "more than" past it', async function () {
    const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    // Northwind's conversation exists since the messages above; the agency floods it.
    const conversation = await h.crm.db('portal_conversations').where({ workspace_id: demo.id, client_id: northwindId }).first('id');
    await h.crm.db.raw(
      `insert into portal_messages (workspace_id, client_id, conversation_id, author_side, author_name, body)
       select ?, ?, ?, 'staff', 'Agency', 'Notice ' || n from generate_series(1, ?) as n`,
      [demo.id, northwindId, conversation.id, SUMMARY_COUNT_LIMIT + 5],
    );
    const counter = countQueries();
    try {
      const counted = await counter.measure(() => maria.get('/portal/demo/').expect(200));
      const statement = counted.sql.find((sql) => /from portal_messages/.test(sql));
      expect(statement, 'the unread count').to.match(new RegExp(`limit ${SUMMARY_COUNT_LIMIT + 1}\\b`));
    } finally {
      counter.stop();
    }
    expect((await maria.get('/portal/demo/').expect(200)).text).to.contain('More than 1,000 unread messages from us');
    expect((await maria.get('/portal/demo/').set('Accept-Language', 'de').expect(200)).text).to.contain(
      'Mehr als 1.000 ungelesene Nachrichten von uns',
    );
    // Read, they are none again.
    await maria.get('/portal/demo/messages').expect(200);
    expect((await maria.get('/portal/demo/').expect(200)).text).to.contain('No unread messages from us.');
  });

  it('keeps other clients and other workspaces out of the conversation', async function () {
    const other = await priya.get('/portal/demo/messages').expect(200);
    expect(other.text).not.to.contain('Thanks, Maria');
    await staff.get('/client-messages/999999').expect(404);
    await staff.get('/client-messages/not%20an%20id').expect(404);
  });

  it('refuses attachments while uploads are off, and checks them by their bytes once on', async function () {
    let csrf = await clientCsrf(maria);
    await maria
      .post('/portal/demo/messages')
      .field('_csrf', csrf)
      .field('body', 'with a file')
      .attach('attachments', PNG, 'dot.png')
      .expect(403);
    await switches({ allowFileUploads: true });
    try {
      const page = await maria.get('/portal/demo/messages').expect(200);
      expect(page.text).to.contain('enctype="multipart/form-data"');
      csrf = csrfFrom(page.text);
      const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0)]);
      const refused = await maria
        .post('/portal/demo/messages')
        .field('_csrf', csrf)
        .field('body', 'renamed program')
        .attach('attachments', exe, 'invoice.pdf')
        .expect(400);
      expect(refused.text).to.contain('That file type cannot be attached');
      expect(refused.text).to.contain('renamed program');
      // The same checks as the documents page (one module): a real Windows executable under a
      // document's name is refused, and so is a file over the workspace's upload limit.
      const program = await maria
        .post('/portal/demo/messages')
        .field('_csrf', csrf)
        .field('body', 'a real program')
        .attach('attachments', windowsExecutable(), 'report.docx')
        .expect(400);
      expect(program.text).to.contain('That file type cannot be attached');
      const demo = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
      await h.crm.db('workspace_client_portal_settings').where({ workspace_id: demo.id }).update({ max_upload_mb: 1 });
      await h.crm.portal.workspaceChanged(demo.id);
      const tooBig = await maria
        .post('/portal/demo/messages')
        .field('_csrf', csrf)
        .field('body', 'a big scan')
        .attach('attachments', pdfOfSize(1024 * 1024 + 10), 'scan.pdf')
        .expect(400);
      expect(tooBig.text).to.contain('Each file can be at most 1 MB.');
      await h.crm.db('workspace_client_portal_settings').where({ workspace_id: demo.id }).update({ max_upload_mb: 25 });
      await h.crm.portal.workspaceChanged(demo.id);
      expect(await h.crm.db('portal_messages').whereIn('body', ['a real program', 'a big scan']).first()).to.equal(undefined);
      await maria
        .post('/portal/demo/messages')
        .field('_csrf', csrf)
        .field('body', 'a picture')
        .attach('attachments', PNG, '../../etc/passwd<x>.png')
        .expect(303);
      const after = await maria.get('/portal/demo/messages').expect(200);
      const href = /href="(\/portal\/demo\/messages\/attachments\/\d+)"/.exec(after.text)![1]!;
      expect(after.text).to.contain('passwdx.png');
      const download = await maria
        .get(href)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(download.headers['content-type']).to.equal('image/png');
      expect(download.headers['x-content-type-options']).to.equal('nosniff');
      expect(download.headers['content-disposition']).to.match(/^attachment; filename="passwdx.png"/);
      expect(Buffer.compare(download.body as Buffer, PNG)).to.equal(0);
      await priya.get(href).expect(404);
      const staffHref = `/client-messages/${northwindId}/attachments/${href.split('/').pop()}`;
      await staff.get(staffHref).expect(200);
    } finally {
      await switches({});
    }
  });

  it("keeps the attachment form's CSRF token out of its URL, and checks it in the body before any file", async function () {
    await switches({ allowFileUploads: true });
    try {
      const page = await maria.get('/portal/demo/messages').expect(200);
      // The token is a field of the form, never on its action, where logs and the Referer would keep it.
      expect(page.text).to.match(/<form id="message-form"[^>]*action="\/portal\/demo\/messages"/);
      expect(page.text).not.to.contain('_csrf=');
      const csrf = csrfFrom(page.text);
      const files = async () => Number((await h.crm.db('portal_files').where({ purpose: 'message-attachment' }).count({ n: '*' }))[0]!.n);
      const before = await files();
      // On the URL alone, the token counts for nothing.
      await maria
        .post(`/portal/demo/messages?_csrf=${encodeURIComponent(csrf)}`)
        .field('body', 'token on the url')
        .attach('attachments', PNG, 'dot.png')
        .expect(403);
      // A file sent before the token is not stored, and the form is refused, not sent without it.
      await maria
        .post('/portal/demo/messages')
        .field('body', 'file first')
        .attach('attachments', PNG, 'dot.png')
        .field('_csrf', csrf)
        .expect(403);
      // A stale token (signed in again in another tab): the form again with what was typed, no file kept.
      const stale = await maria
        .post('/portal/demo/messages')
        .field('_csrf', `${csrf.slice(0, -2)}xx`)
        .field('body', 'typed before the other tab')
        .attach('attachments', PNG, 'dot.png')
        .expect(403);
      expect(stale.text).to.contain('you signed in or out in another tab').and.contain('typed before the other tab');
      expect(await files()).to.equal(before);
      expect(
        await h.crm.db('portal_messages').whereIn('body', ['token on the url', 'file first', 'typed before the other tab']).first(),
      ).to.equal(undefined);
      // The htmx header carries it just as well.
      await maria
        .post('/portal/demo/messages')
        .set('X-CSRF-Token', csrf)
        .field('body', 'by header')
        .attach('attachments', PNG, 'dot.png')
        .expect(303);
      expect(await files()).to.equal(before + 1);
    } finally {
      await switches({});
    }
  });

  it('replays the live events after Last-Event-ID, numbered from the table', async function () {
    const all = await maria.get('/portal/demo/messages/stream?after=0').expect(200);
    expect(all.headers['content-type']).to.match(/^text\/event-stream/);
    const ids = [...all.text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids.length).to.be.greaterThan(3);
    expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
    const created = /event: message-created\ndata: (.*)\n/.exec(all.text)!;
    expect(Object.keys(JSON.parse(created[1]!)).sort()).to.deep.equal(['clientId', 'conversationId', 'messageId', 'side']);
    expect(all.text).to.contain('event: message-read');
    const resumed = await maria.get('/portal/demo/messages/stream').set('Last-Event-ID', String(ids[2])).expect(200);
    expect([...resumed.text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).to.deep.equal(ids.slice(3));
    // Another client's stream carries none of them.
    const theirs = await priya.get('/portal/demo/messages/stream?after=0').expect(200);
    expect(theirs.text).not.to.match(/^id: /m);
  });

  it("lists comment threads on the client's records with unread counts, read by opening the record", async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const [proposal] = (await h.crm.adapter.offers!.list(workspace.id, northwindId, 'proposal', {}, { limit: 1 })).items;
    expect(proposal, 'a seeded proposal of Northwind').to.not.equal(undefined);
    // Two comments from the agency (no contact), the way staff write them in the portal's own table.
    for (const body of ['Any questions about the scope?', 'We can start next week.']) {
      await h.crm.db('client_comments').insert({
        workspace_id: workspace.id,
        subject_type: 'proposal',
        subject_id: proposal!.id,
        author_contact_id: null,
        author_name: 'Demo Agency',
        body,
      });
    }
    const before = await maria.get('/portal/demo/messages').expect(200);
    const link = `/portal/demo/proposals/${proposal!.id}#comments`;
    expect(before.text).to.contain(`href="${link}"`);
    expect(before.text).to.match(/<span class="unread-badge">2 unread<\/span>/);
    await maria.get(`/portal/demo/proposals/${proposal!.id}`).expect(200);
    const after = await maria.get('/portal/demo/messages').expect(200);
    expect(after.text).to.contain(`href="${link}"`);
    expect(after.text).not.to.match(/unread-badge/);
    // Another client sees no thread of Northwind's.
    expect((await priya.get('/portal/demo/messages').expect(200)).text).not.to.contain(link);
  });

  it("keeps the client's choice about message emails", async function () {
    const account = await maria.get('/portal/demo/account').expect(200);
    expect(account.text).to.match(/id="message-emails-on" name="messageEmails" value="on" checked/);
    await maria
      .post('/portal/demo/account/message-emails')
      .type('form')
      .send({ _csrf: csrfFrom(account.text), messageEmails: 'off' })
      .expect(303);
    expect((await maria.get('/portal/demo/account').expect(200)).text).to.match(
      /id="message-emails-off" name="messageEmails" value="off" checked/,
    );
    await maria
      .post('/portal/demo/account/message-emails')
      .type('form')
      .send({ _csrf: csrfFrom(account.text), messageEmails: 'maybe' })
      .expect(400);
    await maria
      .post('/portal/demo/account/message-emails')
      .type('form')
      .send({ _csrf: csrfFrom(account.text), messageEmails: 'on' })
      .expect(303);
  });

  it('stays within its query budget', async function () {
    await maria.get('/portal/demo/messages').expect(200);
    await staff.get('/settings/client-portal/uploads').expect(200);
    const counter = countQueries();
    const measured = {
      clientPage: await counter.measure(() => maria.get('/portal/demo/messages').expect(200)),
      inbox: await counter.measure(() => staff.get('/client-messages').expect(200)),
      conversation: await counter.measure(() => staff.get(`/client-messages/${northwindId}`).expect(200)),
      uploads: await counter.measure(() => staff.get('/settings/client-portal/uploads').expect(200)),
    };
    counter.stop();
    // Each statement on a workspace table names its workspace, in its subqueries too: on Citus each goes to one node.
    expectEachNamesItsWorkspace(measured.clientPage.sql, 'client messages page');
    expectEachNamesItsWorkspace(measured.conversation.sql, 'staff conversation');
    const [clientPage, inbox, conversation, uploads] = [measured.clientPage, measured.inbox, measured.conversation, measured.uploads].map(
      (m) => m.count,
    );
    console.log(`      round trips: client messages ${clientPage}, inbox ${inbox}, conversation ${conversation}, staff uploads ${uploads}`);
    // The CRM's session and staff user, the portal's staff and workspace, the uploads and the client names.
    expect(uploads, 'staff uploads page').to.be.at.most(10);
    // Sign-in context (the contact: the session and its client user come on the session store's
    // pool, the workspace and settings from the cache), the conversation (5,
    // with the read receipt's transaction), the record lists (3) and one query for the comments of
    // every listed record (the portal's comments port reads them all at once).
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const records =
      (await h.crm.adapter.offers!.list(workspace.id, northwindId, 'proposal', {}, { limit: 5 })).items.length +
      (await h.crm.adapter.offers!.list(workspace.id, northwindId, 'quotation', {}, { limit: 5 })).items.length +
      (await h.crm.adapter.invoices!.list(workspace.id, northwindId, {}, { limit: 5 })).items.length;
    expect(records, 'several records listed, so a query per record would show').to.be.greaterThan(2);
    expect(clientPage, 'client messages page').to.be.at.most(16);
    expect(inbox, 'staff inbox').to.be.at.most(12);
    // The CRM's session and staff user, the portal's staff and workspace, the client, the conversation
    // (with the read receipt's transaction) and the staff list for assigning.
    expect(conversation, 'staff conversation').to.be.at.most(16);
  });
});
