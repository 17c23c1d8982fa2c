// What the agency finalizes and sends in Alga PSA's own pages reaches the client's notifications
// when the portal runs beside Alga, which cannot call it: the portal reads invoices and quotes
// after a cursor (HostNewsPort). On a real Alga database: the first read tells of nothing that was
// there before the portal was set up for the workspace, and of what the agency did after it (before
// the first read, which runs minutes after the portal starts); an invoice finalized and a quote
// sent as Alga writes them tell Claire once; an old invoice paid today is not news. A comment staff
// wrote on her company's ticket tells her once and refreshes her open ticket page, and a second
// comment on the same ticket tells her again, each once; an internal note, a scheduled draft, a
// deleted comment, a comment in an internal thread, a client's own comment, or one on another
// company's ticket tells no one.
import { expect } from 'chai';
import { insertClientUser } from '../../src/core/client-users/queries.ts';
import { saveSettings } from '../../src/core/settings/queries.ts';
import { hostNewsPass, type PortalOnHost } from '../support/portal-on-host.ts';
import { portalBesideAlga, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';

const reason = unavailable();

describe('alga-psa host: invoices finalized, quotes sent, tickets answered and their status changed in Alga reach the client as notifications', function () {
  this.timeout(180_000);
  let host: AlgaHost;
  let running: PortalOnHost;

  const pass = () => hostNewsPass(host.db, running);
  const told = () =>
    host
      .db('portal_client_notifications')
      .where({ workspace_id: host.seed.tenant })
      .orderBy('id')
      .select('kind', 'subject_type', 'subject_id', 'number', 'title');

  before(async function () {
    // Skipped, with the reason printed below, where no real Alga PSA database can be made: its schema
    // is loaded with psql into a PostgreSQL server (DATABASE_URL), which the embedded engine is not,
    // and read from ../shared/crm-schemas/. CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startAlgaHost();
    const { db, seed } = host;
    ({ running } = await portalBesideAlga(host));
    await running.portal.migrate();
    await insertClientUser(db, {
      workspaceId: seed.tenant,
      clientId: seed.clients.bakery,
      contactId: seed.contacts.claire,
      email: 'claire@harbor.example',
      status: 'active',
    });
    await saveSettings(db, seed.tenant, { showTickets: true }, seed.users.admin);
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('tells on its first read what staff answered after the portal was set up for the workspace, and nothing from before', async function () {
    const { seed } = host;
    // Claire was invited (the portal set up) after Alga's seeded rows; the portal's first read runs
    // minutes after it starts. In between, staff answer on a ticket of her company.
    const scanner = await ticket(seed.clients.bakery, 'TIC1009', 'The scanner jams');
    await comment(scanner);
    expect(await pass()).to.equal(1);
    expect(await told()).to.deep.equal([
      { kind: 'ticket_answered', subject_type: 'ticket', subject_id: scanner, number: 'TIC1009', title: 'The scanner jams' },
    ]);
    expect(await pass()).to.equal(0);
  });

  it('tells Claire once of an invoice finalized and a quote sent as Alga writes them, and not of an old invoice paid today', async function () {
    const { db, seed } = host;
    const now = db.fn.now();
    await db('invoices')
      .where({ tenant: seed.tenant, invoice_id: seed.invoices.draft })
      .update({ status: 'sent', finalized_at: now, updated_at: now });
    await db('quotes')
      .where({ tenant: seed.tenant, quote_id: seed.quotes.draft })
      .update({ status: 'sent', sent_at: now, updated_at: now });
    await db('invoices').where({ tenant: seed.tenant, invoice_id: seed.invoices.unpaid }).update({ status: 'paid', updated_at: now });
    expect(await pass()).to.equal(2);
    const [invoice, quote] = (await told()).slice(1);
    const numbers = await db('invoices').where({ tenant: seed.tenant, invoice_id: seed.invoices.draft }).first('invoice_number');
    expect(invoice).to.deep.equal({
      kind: 'invoice_issued',
      subject_type: 'invoice',
      subject_id: seed.invoices.draft,
      number: numbers.invoice_number,
      title: null,
    });
    expect(quote).to.include({
      kind: 'offer_sent',
      subject_type: 'quotation',
      subject_id: seed.quotes.draft,
      title: 'Draft network audit',
    });
    expect(await pass()).to.equal(0); // read again by the look back: no one is told twice
    expect(await told()).to.have.length(3);
  });

  /** A ticket of the client, as staff open one in Alga. */
  async function ticket(clientId: string, ticketNumber: string, title: string): Promise<string> {
    const [row] = await host
      .db('tickets')
      .insert({
        tenant: host.seed.tenant,
        ticket_number: ticketNumber,
        title,
        client_id: clientId,
        entered_at: new Date(),
        updated_at: new Date(),
      })
      .returning('ticket_id');
    return (row as { ticket_id: string }).ticket_id;
  }

  /** A comment as Alga's TicketModel.createComment writes it: a thread of its own, then the comment. */
  async function comment(
    ticketId: string,
    extra: { author_type?: string; is_internal?: boolean; thread_internal?: boolean; publish_state?: string; deleted?: boolean } = {},
  ): Promise<void> {
    const { db, seed } = host;
    const byClient = extra.author_type === 'client';
    const [thread] = await db('comment_threads')
      .insert({
        tenant: seed.tenant,
        ticket_id: ticketId,
        root_comment_id: '00000000-0000-0000-0000-000000000000',
        is_internal: extra.thread_internal ?? extra.is_internal ?? false,
      })
      .returning('thread_id');
    const threadId = (thread as { thread_id: string }).thread_id;
    const [row] = await db('comments')
      .insert({
        tenant: seed.tenant,
        ticket_id: ticketId,
        thread_id: threadId,
        user_id: byClient ? seed.users.claire : seed.users.tech,
        ...(byClient ? { contact_id: seed.contacts.claire } : {}),
        note: 'A comment',
        is_internal: extra.is_internal ?? false,
        is_resolution: false,
        author_type: extra.author_type ?? 'internal',
        publish_state: extra.publish_state ?? 'published',
        deleted_at: extra.deleted ? new Date() : null,
      })
      .returning('comment_id');
    await db('comment_threads')
      .where({ tenant: seed.tenant, thread_id: threadId })
      .update({ root_comment_id: (row as { comment_id: string }).comment_id });
  }

  const ticketsTold = () => told().then((rows) => rows.filter((row) => row.subject_type === 'ticket'));

  it('tells Claire once of an answer staff wrote on her company’s ticket, and refreshes her open pages', async function () {
    const { db, seed } = host;
    const printer = await ticket(seed.clients.bakery, 'TIC1001', 'The printer is down');
    await comment(printer);
    expect(await pass()).to.equal(1);
    expect((await ticketsTold()).at(-1)).to.deep.equal({
      kind: 'ticket_answered',
      subject_type: 'ticket',
      subject_id: printer,
      number: 'TIC1001',
      title: 'The printer is down',
    });
    const live = await db('portal_live_events')
      .where({ workspace_id: seed.tenant, type: 'ticket-changed' })
      .whereRaw(`data->>'ticketId' = ?`, [printer])
      .select('client_id', 'data');
    expect(live).to.have.length.of.at.least(1);
    expect(live[0].client_id).to.equal(seed.clients.bakery);
    expect(live[0].data).to.deep.include({ ticketId: printer, source: 'host' });
    expect(await pass()).to.equal(0); // read again by the look back: no one is told twice
  });

  it('tells Claire of each comment staff write on the same ticket, each once', async function () {
    const { seed } = host;
    const router = await ticket(seed.clients.bakery, 'TIC1007', 'The router reboots');
    await comment(router);
    expect(await pass()).to.equal(1);
    await comment(router);
    expect(await pass()).to.equal(1);
    expect(await pass()).to.equal(0); // both read again by the look back: no one is told twice
    expect((await ticketsTold()).filter((row) => row.subject_id === router)).to.have.length(2);
  });

  it('tells no one of an internal note, a draft, a deleted comment, an internal thread, a client’s own comment or another company’s ticket', async function () {
    const { seed } = host;
    const logo = await ticket(seed.clients.bakery, 'TIC1002', 'Please change the logo');
    const garage = await ticket(seed.clients.garage, 'TIC1003', 'Brakes');
    await comment(logo, { is_internal: true });
    await comment(logo, { thread_internal: true });
    await comment(logo, { publish_state: 'scheduled' });
    await comment(logo, { deleted: true });
    await comment(logo, { author_type: 'client' });
    await comment(garage);
    expect(await pass()).to.equal(0);
    expect(await ticketsTold()).to.have.length(4);
    await comment(logo);
    expect(await pass()).to.equal(1);
  });

  /** A status change in Alga's activity timeline, as its ticket screens (or a client portal) write one. */
  async function statusChange(ticketId: string, source: string): Promise<void> {
    const { db, seed } = host;
    await db('ticket_audit_logs').insert({
      tenant: seed.tenant,
      ticket_id: ticketId,
      event_type: 'TICKET_STATUS_CHANGED',
      entity_type: 'ticket',
      entity_id: ticketId,
      actor_type: source === 'client_portal' ? 'contact' : 'user',
      actor_user_id: source === 'client_portal' ? null : seed.users.tech,
      actor_contact_id: source === 'client_portal' ? seed.contacts.claire : null,
      source,
      occurred_at: new Date(),
      changes: JSON.stringify({ status_id: { old: null, new: '00000000-0000-4000-8000-000000000001' } }),
    });
  }

  it('tells Claire of a status staff set on her company’s ticket, not of her own close in a client portal', async function () {
    const { db, seed } = host;
    const wifi = await ticket(seed.clients.bakery, 'TIC1005', 'The wifi drops');
    await statusChange(wifi, 'client_portal');
    expect(await pass()).to.equal(0);
    await statusChange(wifi, 'ui');
    expect(await pass()).to.equal(1);
    expect((await ticketsTold()).at(-1)).to.deep.equal({
      kind: 'ticket_answered',
      subject_type: 'ticket',
      subject_id: wifi,
      number: 'TIC1005',
      title: 'The wifi drops',
    });
    const live = await db('portal_live_events').where({ workspace_id: seed.tenant, type: 'ticket-changed' }).select('data');
    expect(live.map((row) => row.data.ticketId)).to.include(wifi);
    expect(await pass()).to.equal(0);
  });

  it('tells no one of a ticket on a board their visibility group does not show', async function () {
    const { db, seed } = host;
    const [group] = await db('client_portal_visibility_groups')
      .insert({ tenant: seed.tenant, client_id: seed.clients.bakery, name: 'Projects only' })
      .returning('group_id');
    await db('contacts')
      .where({ tenant: seed.tenant, contact_name_id: seed.contacts.sophie })
      .update({ portal_visibility_group_id: (group as { group_id: string }).group_id });
    await insertClientUser(db, {
      workspaceId: seed.tenant,
      clientId: seed.clients.bakery,
      contactId: seed.contacts.sophie,
      email: 'sophie@harbor.example',
      status: 'active',
    });
    const oven = await ticket(seed.clients.bakery, 'TIC1006', 'Oven timer');
    await comment(oven);
    expect(await pass()).to.equal(1);
    const toldWhom = await db('portal_client_notifications as n')
      .join('client_users as u', function joinUser() {
        this.on('u.workspace_id', '=', 'n.workspace_id').andOn('u.id', '=', 'n.client_user_id');
      })
      .where({ 'n.workspace_id': seed.tenant, 'n.subject_id': oven })
      .select('u.contact_id');
    expect(toldWhom.map((row) => row.contact_id)).to.deep.equal([seed.contacts.claire]);
  });

  it('keeps the other positions of a cursor written before answers were read, and starts the tickets’ there', async function () {
    const { db, seed } = host;
    const saved = await db('portal_host_news').where({ workspace_id: seed.tenant }).first('cursor');
    const { tickets: _at, start, ...positions } = JSON.parse(saved.cursor);
    const { tickets: _start, ...startPositions } = start;
    const older = { ...positions, start: startPositions };
    await db('portal_host_news')
      .where({ workspace_id: seed.tenant })
      .update({ cursor: JSON.stringify(older) });
    const before = await ticket(seed.clients.bakery, 'TIC1004', 'Before the upgrade');
    await comment(before);
    expect(await pass()).to.equal(0);
    const next = JSON.parse((await db('portal_host_news').where({ workspace_id: seed.tenant }).first('cursor')).cursor);
    expect(next).to.include({ invoices: positions.invoices, quotes: positions.quotes });
    expect(next.tickets).to.be.a('string');
    await comment(before);
    expect(await pass()).to.equal(1);
  });
});
