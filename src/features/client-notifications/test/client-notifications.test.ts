// Notifications for clients on the reference CRM. At Northwind, Maria García (full access) and Tom
// Becker (Billing, reading German) are active. The agency sends a proposal, issues an invoice,
// assigns a task, shares a document and answers in the messages: each person who may see it is told
// once, in the portal and by email at once or in a daily email as they chose, in their language;
// Tom never hears of a proposal. The list, its unread count in the navigation, opening one and
// marking all read; a malformed host call is refused; a proposal sent from the CRM's own page
// reaches Maria through the binding.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { setAsideDemoRoleLogins } from '../../../../test/support/demo-records.ts';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
} from '../../../../test/support/portal-harness.ts';

const BASE = '/portal/demo';

describe('notifications for clients', function () {
  let h: PortalHarness;
  let db: Knex;
  let workspaceId: string;
  let maria: { id: string; client_id: string; contact_id: string };
  let tom: { id: string };
  let agent: Awaited<ReturnType<typeof signedInAgent>>;

  const rowsOf = (clientUserId: string) =>
    db('portal_client_notifications')
      .where({ workspace_id: workspaceId, client_user_id: clientUserId })
      .orderBy('id')
      .select('kind', 'channel', 'emailed_at', 'read_at', 'id');
  const change = (fields: Record<string, unknown>) =>
    h.crm.portal.hostRecordChanged({ workspaceId, clientId: maria.client_id, ...fields } as never);

  before(async function () {
    h = await startPortalHarness();
    db = h.crm.db;
    workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
    // Maria and Tom are the Northwind people told here.
    await setAsideDemoRoleLogins(db);
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    maria = await db('client_users').where({ workspace_id: workspaceId, email: login.email }).first('id', 'client_id', 'contact_id');
    const [tomContact] = await h.crm.adapter.contacts.findByEmail(workspaceId, 'tom@northwind.test');
    tom = (
      await db('client_users')
        .insert({
          workspace_id: workspaceId,
          client_id: tomContact!.clientId,
          contact_id: tomContact!.id,
          email: 'tom@northwind.test',
          status: 'active',
          role: 'billing',
          locale: 'de',
        })
        .returning('id')
    )[0]!;
    agent = await signedInAgent(h.agent(), 'demo', login);
  });
  after(async function () {
    await h?.close();
  });

  it('tells each person who may see it, once, by email at once in their language; a Billing person hears of no proposal', async function () {
    h.smtp.clear();
    await change({ kind: 'proposal', id: '9001', happened: 'sent', title: 'Website relaunch', number: 'PR-9001' });
    await change({ kind: 'invoice', id: '9002', happened: 'issued', number: 'INV-9002' });
    await change({ kind: 'invoice', id: '9002', happened: 'issued', number: 'INV-9002' }); // told twice by the host: once for the client
    expect((await rowsOf(maria.id)).map((r) => r.kind)).to.deep.equal(['offer_sent', 'invoice_issued']);
    expect((await rowsOf(tom.id)).map((r) => r.kind)).to.deep.equal(['invoice_issued']);
    const toMaria = await h.smtp.waitForMessage((m) => m.to.includes('maria@northwind.test') && m.subject.includes('PR-9001'));
    expect(toMaria.subject).to.contain('Proposal PR-9001 · Website relaunch awaits your answer');
    expect(toMaria.text).to.match(/\/portal\/demo\/notifications\/\d+/);
    const toTom = await h.smtp.waitForMessage((m) => m.to.includes('tom@northwind.test'));
    expect(toTom.subject).to.contain('Neue Rechnung INV-9002');
    await h.crm.portal.drainOutbox();
    expect(h.smtp.messages.filter((m) => m.to.includes('tom@northwind.test'))).to.have.length(1);
  });

  it('tells only the assignee of a task, and everyone of a shared document, in a daily email by default', async function () {
    await change({ kind: 'task', id: '9003', happened: 'assigned', title: 'Send the logo', contactId: maria.contact_id });
    await change({ kind: 'document', id: '9004', happened: 'shared', title: 'brief.pdf' });
    const mine = await rowsOf(maria.id);
    expect(mine.slice(2).map((r) => [r.kind, r.channel, r.emailed_at])).to.deep.equal([
      ['task_assigned', 'digest', null],
      ['document_shared', 'digest', null],
    ]);
    // Tom (Billing) sees documents but not tasks.
    expect((await rowsOf(tom.id)).map((r) => r.kind)).to.deep.equal(['invoice_issued', 'document_shared']);
  });

  it('sends the daily email once across instances, gathering what waits', async function () {
    h.smtp.clear();
    // Two runs at once (on one instance they share a run; across instances the claim decides).
    const [sent] = await Promise.all([h.crm.portal.clientNotifications.digests(), h.crm.portal.clientNotifications.digests()]);
    expect(sent).to.equal(2); // Maria and Tom, one each
    const daily = await h.smtp.waitForMessage((m) => m.to.includes('maria@northwind.test'));
    expect(daily.subject).to.contain('2 new items');
    expect(daily.text).to.contain('Task assigned to you: Send the logo');
    expect(daily.text).to.contain('Document shared with you: brief.pdf');
    await change({ kind: 'document', id: '9005', happened: 'shared', title: 'later.pdf' });
    expect(await h.crm.portal.clientNotifications.digests()).to.equal(0); // a day has not passed
    await h.crm.portal.drainOutbox();
    expect(h.smtp.messages.filter((m) => m.to.includes('maria@northwind.test'))).to.have.length(1);
  });

  it('leaves out of the daily email what the person may no longer see', async function () {
    // Tom has later.pdf waiting; the agency then hides documents from him.
    await db('client_users')
      .where({ workspace_id: workspaceId, id: tom.id })
      .update({ denied_permissions: ['documents'] });
    await db('portal_client_preferences').where({ workspace_id: workspaceId }).update({ last_digest_at: null });
    try {
      h.smtp.clear();
      expect(await h.crm.portal.clientNotifications.digests()).to.equal(1); // Maria's only
      await h.crm.portal.drainOutbox();
      expect(h.smtp.messages.map((m) => m.to)).to.deep.equal([['maria@northwind.test']]);
      const waiting = await db('portal_client_notifications')
        .where({ workspace_id: workspaceId, client_user_id: tom.id, channel: 'digest' })
        .whereNull('emailed_at');
      expect(waiting).to.deep.equal([]); // taken and dropped: it does not come back tomorrow
    } finally {
      await db('client_users').where({ workspace_id: workspaceId, id: tom.id }).update({ denied_permissions: [] });
    }
  });

  it('answers in the messages as a notification in the portal', async function () {
    const staff = await signedInStaffAgent(h, 'demo');
    const page = await staff.get(`/client-messages/${maria.client_id}`).expect(200);
    await staff
      .post(`/client-messages/${maria.client_id}`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), body: 'Here you are.' })
      .expect(303);
    const last = (await rowsOf(maria.id)).at(-1)!;
    expect([last.kind, last.channel]).to.deep.equal(['message_reply', 'portal']);
    expect((await rowsOf(tom.id)).some((r) => r.kind === 'message_reply')).to.equal(false); // Billing: no messages
  });

  it('lists them with the unread count in the navigation; opening one reads it and leads to its record; all can be marked read', async function () {
    const list = await agent.get(`${BASE}/notifications`).expect(200);
    expect(list.text).to.contain('Notifications (6 unread)');
    expect(list.text).to.contain('New invoice INV-9002');
    const invoice = (await rowsOf(maria.id)).find((r) => r.kind === 'invoice_issued')!;
    const opened = await agent.get(`${BASE}/notifications/${invoice.id}`).expect(303);
    expect(opened.headers.location).to.equal(`${BASE}/invoices/9002`);
    expect((await agent.get(`${BASE}/notifications`).expect(200)).text).to.contain('Notifications (5 unread)');
    await agent
      .post(`${BASE}/notifications/read-all`)
      .type('form')
      .send({ _csrf: csrfFrom(list.text) })
      .expect(303);
    const after = await agent.get(`${BASE}/notifications?notice=allRead`).expect(200);
    expect(after.text).to.contain('All notifications are marked as read.');
    expect(after.text).not.to.contain('unread)');
    // Another person's notification is not found; nor is one of a kind the person may not see.
    const toms = (await rowsOf(tom.id))[0]!;
    await agent.get(`${BASE}/notifications/${toms.id}`).expect(404);
    await agent.get(`${BASE}/notifications/not-a-number`).expect(404);
  });

  it('keeps a Billing person’s list free of proposals even when their role changed after', async function () {
    const offer = (await rowsOf(maria.id)).find((r) => r.kind === 'offer_sent')!;
    await db('portal_client_notifications').where({ workspace_id: workspaceId, id: offer.id }).update({ read_at: null });
    await db('client_users').where({ workspace_id: workspaceId, id: maria.id }).update({ role: 'billing' });
    try {
      const list = await agent.get(`${BASE}/notifications`).expect(200);
      expect(list.text).not.to.contain('PR-9001');
      expect(list.text).not.to.contain('unread)'); // the unread proposal is not counted either
      await agent.get(`${BASE}/notifications/${offer.id}`).expect(404);
    } finally {
      await db('client_users').where({ workspace_id: workspaceId, id: maria.id }).update({ role: 'full' });
    }
    expect((await agent.get(`${BASE}/notifications`).expect(200)).text).to.contain('Notifications (1 unread)');
    await db('portal_client_notifications').where({ workspace_id: workspaceId, id: offer.id }).update({ read_at: new Date() });
  });

  it('saves how each kind is told (post/redirect/get), refusing a channel that is not offered', async function () {
    const page = await agent.get(`${BASE}/account/notifications`).expect(200);
    expect(page.text).to.contain('In a daily email');
    const bad = await agent
      .post(`${BASE}/account/notifications`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), invoice_issued: 'pigeon' })
      .expect(400);
    expect(bad.text).to.contain('Choose how to be told from the list.');
    const saved = await agent
      .post(`${BASE}/account/notifications`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), invoice_issued: 'portal' })
      .expect(303);
    expect(saved.headers.location).to.equal(`${BASE}/account/notifications?notice=saved`);
    h.smtp.clear();
    await change({ kind: 'invoice', id: '9006', happened: 'issued', number: 'INV-9006' });
    const last = (await rowsOf(maria.id)).at(-1)!;
    expect([last.kind, last.channel, last.emailed_at]).to.deep.equal(['invoice_issued', 'portal', null]);
  });

  it('refuses a malformed host call, saying what is wrong', async function () {
    let thrown: unknown;
    try {
      await change({ kind: 'approval', id: '1', happened: 'requested' });
    } catch (err) {
      thrown = err;
    }
    expect(String(thrown)).to.contain('reported with its occurrence');
    thrown = undefined;
    try {
      await change({ kind: 'task', id: '1', happened: 'sent' });
    } catch (err) {
      thrown = err;
    }
    expect(String(thrown)).to.contain('happened does not go with this kind of record');
  });

  it('tells Maria of a proposal the agency sends from the CRM’s own page', async function () {
    const staff = await signedInStaffAgent(h, 'demo');
    const form = await staff.get(`/proposals/new?client=${maria.client_id}`).expect(200);
    await staff
      .post('/proposals')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        clientId: maria.client_id,
        title: 'Brand refresh',
        currency: 'EUR',
        status: 'sent',
        'items[0][description]': 'Design',
        'items[0][quantity]': '1',
        'items[0][unitPrice]': '100.00',
      })
      .expect(303);
    const last = (await rowsOf(maria.id)).at(-1)!;
    expect(last.kind).to.equal('offer_sent');
  });
});
