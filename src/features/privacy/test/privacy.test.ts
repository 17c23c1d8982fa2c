// Each person's own data on the reference CRM. Maria García asks for a copy of her data: the request
// is recorded, built once however many workers run, she is emailed, and the ZIP holds her profile,
// sign-ins, activity (her whole sign-in and security log among it), messages with their
// attachment, comments, uploads, signed decisions and payments. No one else can download it, and
// it is deleted when it expires. She asks for her data to be erased (after a confirmation),
// withdraws, asks again; the agency declines with a reason she reads, then approves: the portal
// holds nothing naming her any more, the CRM's contact and her signed decision stay, the act is
// logged without her data, and she is signed out.
import { expect } from 'chai';
import type { Knex } from 'knex';
import {
  csrfFrom,
  postPasswordSignIn,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  postFormFrom,
} from '../../../../test/support/portal-harness.ts';
import { unzip } from '../../../../test/support/unzip.ts';
import { activityLabel } from '../../../core/activity/events.ts';
import { findClientUserWithAccess } from '../../../core/client-users/queries.ts';
import { translator } from '../../../core/i18n/translations.ts';
import { corePersonalData } from '../../../core/personal-data/core-hook.ts';
import { DEFAULT_SETTINGS } from '../../../core/settings/portal-settings.ts';
import { SECURITY_EVENTS } from '../../account/security-log/events.ts';

const DATA = '/portal/demo/account/data';
const ADMIN = '/settings/client-portal';
const EMAIL = 'maria@northwind.test';

describe('a person’s own data: export and erasure', function () {
  let h: PortalHarness;
  let db: Knex;
  let workspaceId: string;
  let maria: { id: string; client_id: string; contact_id: string };
  let login: { email: string; password: string };
  let agent: Awaited<ReturnType<typeof signedInAgent>>;
  const ids: Record<string, string> = {};

  const post = (path: string, form: Record<string, string>, status: number, from = DATA) => postFormFrom(agent, from, path, form, status);

  before(async function () {
    h = await startPortalHarness();
    db = h.crm.db;
    workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
    const found = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === EMAIL)!;
    login = { email: found.email, password: found.password };
    maria = await db('client_users').where({ workspace_id: workspaceId, email: EMAIL }).first('id', 'client_id', 'contact_id');
    agent = await signedInAgent(h.agent(), 'demo', login);

    // What she did in the portal, as its own writes leave it.
    const files = h.crm.portal.files;
    const put = (filename: string, content: string) =>
      files.put(workspaceId, 'test', { filename, contentType: 'text/plain', sizeBytes: content.length, content: Buffer.from(content) });
    const [conversation] = await db('portal_conversations')
      .insert({ workspace_id: workspaceId, client_id: maria.client_id })
      .returning('id');
    const [message] = await db('portal_messages')
      .insert({
        workspace_id: workspaceId,
        client_id: maria.client_id,
        conversation_id: conversation.id,
        author_side: 'client',
        author_client_user_id: maria.id,
        author_name: 'Maria García',
        body: 'Here is the brief we talked about.',
      })
      .returning('id');
    ids.attachmentFile = await put('brief.txt', 'the brief');
    await db('portal_message_attachments').insert({
      workspace_id: workspaceId,
      client_id: maria.client_id,
      message_id: message.id,
      file_id: ids.attachmentFile,
      filename: 'brief.txt',
      content_type: 'text/plain',
      size_bytes: 9,
    });
    ids.uploadFile = await put('logo-final.txt', 'our logo');
    await db('client_uploads').insert({
      workspace_id: workspaceId,
      client_id: maria.client_id,
      client_user_id: maria.id,
      uploader_name: 'Maria García',
      file_id: ids.uploadFile,
      filename: 'logo-final.txt',
      content_type: 'text/plain',
      size_bytes: 8,
    });
    const proposals = await h.crm.adapter.offers!.list(workspaceId, maria.client_id, 'proposal', {}, { limit: 1 });
    ids.proposal = proposals.items[0]!.id;
    const comment = await h.crm.portal.comments.add(workspaceId, {
      subjectType: 'proposal',
      subjectId: ids.proposal,
      body: 'Could the launch move to May?',
      authorContactId: maria.contact_id,
    });
    await db('client_activity_logs').insert({
      workspace_id: workspaceId,
      event: 'comment.added',
      client_user_id: maria.id,
      client_id: maria.client_id,
      email: EMAIL,
      details: JSON.stringify({ subjectType: 'proposal', subjectId: ids.proposal, commentId: comment.id, excerpt: 'Could the launch…' }),
      ip: '203.0.113.9',
      user_agent: 'Test browser',
    });
    // Her sign-in and security log beyond the harness's sign-in: a passkey added, a card saved.
    await db('client_activity_logs').insert(
      ['passkey.added', 'payment_method.added'].map((event) => ({
        workspace_id: workspaceId,
        event,
        client_user_id: maria.id,
        client_id: maria.client_id,
        email: EMAIL,
        details: JSON.stringify({}),
        ip: '203.0.113.9',
        user_agent: 'Test browser',
      })),
    );
    // Staff changed her access: that entry was written from the staff member's request.
    await db('client_activity_logs').insert({
      workspace_id: workspaceId,
      event: 'client_user.access_changed',
      client_user_id: maria.id,
      client_id: maria.client_id,
      email: EMAIL,
      details: JSON.stringify({ staffId: 'staff-7', staffName: 'Sam Staffer', role: { from: 'member', to: 'admin' } }),
      ip: '198.51.100.77',
      user_agent: 'Staff browser/1.0',
    });
    await db('portal_offer_decisions').insert({
      workspace_id: workspaceId,
      client_id: maria.client_id,
      offer_kind: 'proposal',
      offer_id: ids.proposal,
      outcome: 'accepted',
      method: 'portal',
      client_user_id: maria.id,
      contact_id: maria.contact_id,
      typed_name: 'Maria García',
      email: EMAIL,
      signature_png: Buffer.from('89504e470d0a1a0a', 'hex'),
      snapshot: 'Proposal as signed',
      snapshot_sha256: 'a'.repeat(64),
      decided_at: new Date(),
    });
  });
  after(async function () {
    await h?.close();
  });

  it('builds one copy however many workers run, emails her, and the ZIP holds what the page lists', async function () {
    h.smtp.clear();
    const page = await agent.get(DATA).expect(200);
    expect(page.text).to.contain('A copy of your data');
    const res = await post(`${DATA}/export`, {}, 303);
    expect(res.headers.location).to.equal(`${DATA}?notice=exportRequested`);
    await Promise.all([h.crm.portal.dataExports.run(), h.crm.portal.dataExports.run(), h.crm.portal.dataExports.run()]);
    const rows = await db('portal_data_exports').where({ workspace_id: workspaceId, client_user_id: maria.id }).select('status', 'file_id');
    expect(rows).to.have.length(1);
    expect(rows[0].status).to.equal('ready');
    expect(await db('portal_files').where({ workspace_id: workspaceId, purpose: 'data-export' }).count({ n: '*' })).to.deep.equal([
      { n: 1 },
    ]);
    const mail = await h.smtp.waitForMessage((m) => m.to.includes(EMAIL) && m.subject.includes('is ready'));
    expect(mail.text).to.contain('/portal/demo/account/data');

    const ready = await agent.get(DATA).expect(200);
    const href = /href="([^"]+\/download)"/.exec(ready.text)?.[1];
    expect(href, 'a download link').to.be.a('string');
    const download = await agent
      .get(href!)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(download.headers['content-type']).to.equal('application/zip');
    expect(download.headers['cache-control']).to.equal('private, no-store');
    const zip = await unzip(download.body as Buffer);
    const names = [...zip.keys()];
    for (const name of [
      'README.txt',
      'profile.json',
      'sign-ins.json',
      'activity.json',
      'messages.json',
      'comments.json',
      'uploads.json',
      'decisions.json',
      'payments.json',
    ])
      expect(names, name).to.include(name);
    const json = (name: string) => JSON.parse(zip.get(name)!.toString('utf8'));
    expect(json('profile.json')).to.include({ email: EMAIL, name: 'Maria García' });
    expect(json('sign-ins.json').history.map((e: { event: string }) => e.event)).to.include('sign_in.succeeded');
    expect(json('activity.json').map((e: { event: string }) => e.event)).to.include.members(['comment.added', 'privacy.export_requested']);
    // Her sign-in and security log is in it whole: every entry of it the portal keeps.
    const securityLog = await db('client_activity_logs')
      .where({ workspace_id: workspaceId, client_user_id: maria.id })
      .whereIn('event', [...SECURITY_EVENTS])
      .select('event');
    expect(securityLog.map((row) => row.event)).to.include.members(['sign_in.succeeded', 'passkey.added', 'payment_method.added']);
    const exported = json('activity.json').map((e: { event: string }) => e.event);
    for (const { event } of securityLog) expect(exported, event).to.include(event);
    expect(exported.filter((event: string) => SECURITY_EVENTS.includes(event as never))).to.have.length(securityLog.length);
    // Her own data only: not the IP, browser or name of the staff member who changed her access.
    const byStaff = json('activity.json').find((e: { event: string }) => e.event === 'client_user.access_changed');
    expect(byStaff).to.deep.include({ ip: null, userAgent: null });
    // Roles by the names she reads, not the keys the log keeps.
    expect(byStaff.details).to.deep.equal({ role: { from: 'Member', to: 'Client admin' }, by: 'the agency' });
    expect(json('profile.json').role).to.equal('Full access');
    for (const name of names.filter((entry) => entry.endsWith('.json'))) {
      const text = zip.get(name)!.toString('utf8');
      for (const staffData of ['198.51.100.77', 'Staff browser', 'Sam Staffer', 'staff-7']) expect(text, name).not.to.include(staffData);
    }
    const [sent] = json('messages.json');
    expect(sent.body).to.equal('Here is the brief we talked about.');
    expect(zip.get(sent.attachments[0].path)!.toString()).to.equal('the brief');
    expect(json('comments.json').map((c: { body: string }) => c.body)).to.deep.equal(['Could the launch move to May?']);
    const [upload] = json('uploads.json');
    expect(zip.get(upload.path)!.toString()).to.equal('our logo');
    const [decision] = json('decisions.json');
    expect(decision).to.include({ outcome: 'accepted', typedName: 'Maria García', documentAsSigned: 'Proposal as signed' });
    expect(zip.get(decision.signature)!.toString('hex')).to.equal('89504e470d0a1a0a');
    expect(zip.get('README.txt')!.toString()).to.contain('decisions.json');
  });

  it('describes each entry of the copy in the person’s language', async function () {
    const user = (await findClientUserWithAccess(db, workspaceId, maria.id))!;
    const copy = await corePersonalData({ db, contacts: h.crm.adapter.contacts, now: () => new Date() }).export({
      workspaceId,
      workspaceName: 'Demo Agency',
      user,
      settings: DEFAULT_SETTINGS,
      t: translator('de'),
    });
    const activity = (copy.entries ?? []).find((entry) => entry.path === 'activity.json') as { json: Array<Record<string, unknown>> };
    const byStaff = activity.json.find((entry) => entry.event === 'client_user.access_changed')!;
    expect(byStaff.description).to.equal(activityLabel(translator('de'), 'client_user.access_changed'));
    expect(byStaff.description).not.to.equal(activityLabel(translator('en'), 'client_user.access_changed'));
    expect(byStaff.details).to.deep.equal({ role: { from: 'Mitglied', to: 'Kunden-Admin' }, by: 'die Agentur' });
  });

  it('refuses a second request while one is made, lets no one else download it, and deletes it when it expires', async function () {
    await db('portal_data_exports').where({ workspace_id: workspaceId, client_user_id: maria.id }).update({ status: 'queued' });
    expect((await post(`${DATA}/export`, {}, 303)).headers.location).to.equal(`${DATA}?notice=exportBusy`);
    await db('portal_data_exports').where({ workspace_id: workspaceId, client_user_id: maria.id }).update({ status: 'ready' });
    const row = await db('portal_data_exports').where({ workspace_id: workspaceId, client_user_id: maria.id }).first('id', 'file_id');
    const href = `${DATA}/exports/${row.id}/download`;
    const priya = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'priya@bluebell.test')!;
    const other = await signedInAgent(h.agent(), 'demo', priya);
    await other.get(href).expect(404);
    await agent.get(`${DATA}/exports/not-an-id/download`).expect(404);
    await db('portal_data_exports')
      .where({ workspace_id: workspaceId, id: row.id })
      .update({ expires_at: new Date(Date.now() - 1000) });
    expect(await h.crm.portal.dataExports.expire()).to.equal(1);
    expect(await db('portal_files').where({ workspace_id: workspaceId, id: row.file_id }).first('id')).to.equal(undefined);
    expect((await agent.get(href).expect(303)).headers.location).to.equal(`${DATA}?notice=exportGone`);
    expect((await agent.get(`${DATA}?notice=exportGone`).expect(200)).text).to.contain('That download has expired.');
  });

  it('asks for erasure after a confirmation, withdraws, asks again; the agency is notified', async function () {
    const confirm = await agent.get(`${DATA}/erasure`).expect(200);
    expect(confirm.text).to.contain('Ask to erase your data?');
    const tooLong = await post(`${DATA}/erasure`, { reason: 'x'.repeat(2001) }, 400, `${DATA}/erasure`);
    expect(tooLong.text).to.contain('Keep the reason to 2000 characters.');
    expect((await post(`${DATA}/erasure`, { reason: 'I left Northwind.' }, 303, `${DATA}/erasure`)).headers.location).to.equal(
      `${DATA}?notice=erasureRequested`,
    );
    expect((await post(`${DATA}/erasure`, {}, 303)).headers.location).to.equal(`${DATA}?notice=erasureAlready`);
    expect((await agent.get(DATA).expect(200)).text).to.contain('The agency has not decided yet.');
    await post(`${DATA}/erasure/withdraw`, {}, 303);
    expect((await agent.get(DATA).expect(200)).text).to.contain('You withdrew your request');
    await post(`${DATA}/erasure`, { reason: 'I left Northwind.' }, 303, `${DATA}/erasure`);
    const staff = await signedInStaffAgent(h, 'demo');
    expect((await staff.get('/client-portal/notifications').expect(200)).text).to.contain('Asked for their data to be erased');
  });

  it('declining needs a reason, which she reads and is emailed', async function () {
    const staff = await signedInStaffAgent(h, 'demo');
    const list = await staff.get(`${ADMIN}/erasure-requests`).expect(200);
    expect(list.text).to.contain(EMAIL);
    const href = /href="([^"]*\/erasure-requests\/[0-9a-f-]{36})"/.exec(list.text)![1]!;
    const page = await staff.get(href).expect(200);
    expect(page.text).to.contain('I left Northwind.');
    expect(page.text).to.contain('What approving does');
    const empty = await staff
      .post(`${href}/decline`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), note: '' })
      .expect(400);
    expect(empty.text).to.contain('Say why the request is declined');
    h.smtp.clear();
    await staff
      .post(`${href}/decline`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), note: 'An invoice dispute is open.' })
      .expect(303);
    const mail = await h.smtp.waitForMessage((m) => m.to.includes(EMAIL));
    expect(mail.text).to.contain('An invoice dispute is open.');
    expect((await agent.get(DATA).expect(200)).text).to.contain('An invoice dispute is open.');
  });

  it('approval erases what the portal holds about her and nothing of the CRM’s, logged without her data', async function () {
    // Before she joined, a colleague's client admin asked the agency to add her: the request and its log entry name her.
    const colleague = await db('client_users')
      .where({ workspace_id: workspaceId, client_id: maria.client_id })
      .whereNot({ id: maria.id })
      .first('id', 'email');
    const asker = colleague ?? { id: maria.id, email: EMAIL };
    const [request] = await db('portal_colleague_requests')
      .insert({
        workspace_id: workspaceId,
        client_id: maria.client_id,
        requested_by: asker.id,
        name: 'Maria García',
        email: EMAIL,
        status: 'added',
        contact_id: maria.contact_id,
      })
      .returning('id');
    await db('client_activity_logs').insert({
      workspace_id: workspaceId,
      event: 'team.colleague_requested',
      client_user_id: asker.id,
      client_id: maria.client_id,
      email: asker.email,
      details: { requestId: request.id, colleagueEmail: EMAIL, colleagueName: 'Maria García' },
    });
    await post(`${DATA}/erasure`, {}, 303, `${DATA}/erasure`);
    const staff = await signedInStaffAgent(h, 'demo');
    const list = await staff.get(`${ADMIN}/erasure-requests`).expect(200);
    const href = /href="([^"]*\/erasure-requests\/[0-9a-f-]{36})"/.exec(list.text)![1]!;
    const page = await staff.get(href).expect(200);
    // The review names every kind of row an approval removes, with its count.
    expect(page.text).to.match(/Their portal notifications \(\d+\)/);
    const unconfirmed = await staff
      .post(`${href}/approve`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(400);
    expect(unconfirmed.text).to.contain('Tick the box to confirm');
    await staff
      .post(`${href}/approve`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), confirm: 'yes' })
      .expect(303);

    expect(await db('client_users').where({ workspace_id: workspaceId, id: maria.id }).first('id')).to.equal(undefined);
    expect((await agent.get('/portal/demo/').redirects(0)).status).to.be.oneOf([302, 303]);
    // Nothing the portal keeps names her: every portal table, as text (the outbox sends the decision, then deletes it).
    const tables: string[] = await db('portal_owned_tables').pluck('table_name');
    // (The same email signs in to another workspace too: that person is not the one erased.)
    const scoped: string[] = await db('information_schema.columns')
      .where({ column_name: 'workspace_id', table_schema: 'public' })
      .pluck('table_name');
    for (const table of tables.filter((t) => t !== 'portal_mail_outbox')) {
      const inWorkspace = scoped.includes(table) ? 'workspace_id = ?' : '?::text is not null';
      const hits = await db.raw(`select count(*)::int as n from ${table} t where ${inWorkspace} and (t::text ilike ? or t::text ilike ?)`, [
        workspaceId,
        `%${EMAIL}%`,
        '%Maria García%',
      ]);
      expect(hits.rows[0].n, table).to.equal(table === 'portal_offer_decisions' ? 1 : 0);
    }
    expect(
      await db('portal_offer_decisions').where({ workspace_id: workspaceId, client_user_id: maria.id }).first('outcome'),
    ).to.deep.equal({
      outcome: 'accepted',
    });
    expect(await h.crm.adapter.contacts.findById(workspaceId, maria.contact_id)).to.include({ email: EMAIL });
    const logged = await db('client_activity_logs')
      .where({ workspace_id: workspaceId, event: 'privacy.erasure_approved' })
      .first('email', 'details');
    expect(logged.email).to.equal(null);
    expect(logged.details.erased).to.include({ account: 1 });
    expect((await staff.get(`${ADMIN}/erasure-requests`).expect(200)).text).to.contain('Erased person');
  });

  it('speaks German to a German reader', async function () {
    const priya = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'priya@bluebell.test')!;
    const german = h.agent();
    expect((await postPasswordSignIn(german, 'demo', priya)).status).to.equal(303);
    const page = await german.get(DATA).set('Accept-Language', 'de').expect(200);
    expect(page.text).to.contain('Ihre Daten');
    expect(page.text).to.contain('Kopie meiner Daten erstellen');
  });
});
