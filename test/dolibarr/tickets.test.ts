// Covers the tickets port on Dolibarr's real schema with its Ticket module's tables
// (crm-schemas/dolibarr.sql + dolibarr-ticket.sql), checked against what Dolibarr's own code writes
// and reads (htdocs/ticket/class/ticket.class.php, htdocs/public/ticket/*.php, htdocs/ticket/card.php):
//  - a ticket opened in the portal: the llx_ticket row of the client's company (ref TS<yymm>-<nnnn>
//    as mod_ticket_simple numbers it, a 16-character track_id, origin_email, fk_statut NOT_READ,
//    dictionary codes, the description as message) and its TICKET_CREATE agenda event where the
//    agenda's setup asks for it;
//  - the conversation: an answer written as Dolibarr's ticket card writes one (TICKET_MSG by a user)
//    shows as the agency's; a private note (TICKET_MSG_PRIVATE) never shows; a client's reply is a
//    TICKET_MSG event without user, and takes an open ticket to IN_PROGRESS;
//  - close (Ticket::close) and reopen (the card's confirm_reopen), the state mapping, the list's
//    filters, search, keyset pages and counts, and another company's tickets never found or listed;
//  - the adapter offers tickets only where the module is on;
//  - the files of the ticket's directory (ticket/<ref>/, indexed in llx_ecm_files as the card
//    indexes them), listed and read for the company's client only, a file sent with a private
//    note never.
import { expect } from 'chai';
import { opened } from '../support/opened-ticket.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { ticketCounts } from '../../plugins/dolibarr/queries/tickets.ts';
import { dolibarrTicketModule, htmlToText } from '../../plugins/dolibarr/tickets.ts';
import { type HostAdapter, SUMMARY_COUNT_LIMIT } from '../../src/core/ports/host.ts';
import type { TicketsPort, TicketSummary } from '../../src/features/tickets/port.ts';
import { rowsRead } from '../support/rows-read.ts';
import { insertRowCopies } from '../support/row-copies.ts';
import { insertTicketInstallRows, startDolibarrHost, ticketModuleUnavailable, type DolibarrHost } from './dolibarr-host.ts';

type Row = Record<string, unknown>;
const reason = ticketModuleUnavailable();

describe("dolibarr binding: tickets in Dolibarr's Ticket module", function () {
  this.timeout(120_000);
  let host: DolibarrHost;
  let adapter: HostAdapter;
  let tickets: TicketsPort;
  const workspaceId = '1';
  let bakery: string;
  let garage: string;
  let claire: string;
  let paul: string;

  const ticketRow = (id: string) =>
    host
      .db('llx_ticket')
      .where({ rowid: Number(id) })
      .first<Row>();
  const open = (subject: string, extra: Partial<{ categoryId: string | null; typeId: string | null; priorityId: string | null }> = {}) =>
    tickets.create(workspaceId, bakery, claire, {
      subject,
      description: `About ${subject}`,
      categoryId: null,
      typeId: null,
      priorityId: null,
      ...extra,
    }) as Promise<TicketSummary>;

  /** A message as Dolibarr's ticket card writes one (createTicketMessage by a logged-in user). */
  async function staffMessage(ticketId: string, note: string, code = 'TICKET_MSG', at = new Date()): Promise<number> {
    const [row] = await host
      .db('llx_actioncomm')
      .insert({
        ref: '(PROV)',
        entity: 1,
        datec: at,
        datep: at,
        fk_action: 40,
        code,
        fk_soc: Number(bakery),
        fk_user_author: host.seed.users.staff,
        fk_user_action: host.seed.users.staff,
        label: 'Re: ticket',
        note,
        percent: -1,
        fk_element: Number(ticketId),
        elementtype: 'ticket',
      })
      .returning('id');
    return Number((row as { id: number }).id);
  }

  before(async function () {
    // Skipped where no real Dolibarr database with the Ticket module's tables (dolibarr-ticket.sql) can
    // be made: psql and a PostgreSQL server (DATABASE_URL) are needed. CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    // The portal's tables too: its writes of a client's close, reopen or answer note the ticket's
    // status in one of them (queries/ticket-statuses.ts).
    host = await startDolibarrHost({ ticketModule: true, portalTables: true });
    bakery = String(host.seed.companies.bakery);
    garage = String(host.seed.companies.garage);
    claire = String(host.seed.contacts.claire);
    paul = String(host.seed.contacts.paul);
    await insertTicketInstallRows(host.db);
    // A category the agency offers on its public form (the module's own OTHER is not public).
    await host
      .db('llx_c_ticket_category')
      .insert({ entity: 1, code: 'WEBSITE', label: 'Website', public: 1, use_default: 0, pos: 5, active: 1 });
    adapter = createDolibarrAdapter(host.db, {
      workspaceSlug: host.seed.workspaceSlug,
      actingUserId: host.seed.users.admin,
      tickets: true,
      dataRoot: host.dataRoot,
    });
    tickets = adapter.tickets!;
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('is offered only where the Ticket module is on', async function () {
    expect(await dolibarrTicketModule(host.db, 1)).to.equal(true);
    expect(createDolibarrAdapter(host.db, { workspaceSlug: host.seed.workspaceSlug }).tickets).to.equal(undefined);
    expect(adapter.claims.map((claim) => claim.table)).to.include.members(['llx_ticket', 'llx_c_ticket_type']);
    await host.db('llx_const').where({ name: 'MAIN_MODULE_TICKET' }).update({ value: '0' });
    try {
      expect(await dolibarrTicketModule(host.db, 1)).to.equal(false);
    } finally {
      await host.db('llx_const').where({ name: 'MAIN_MODULE_TICKET' }).update({ value: '1' });
    }
  });

  it("offers the active dictionaries' rows in Dolibarr's order, public categories only", async function () {
    const options = await tickets.options(workspaceId);
    expect(options.types.map((t) => t.id)).to.deep.equal(['COM', 'HELP', 'ISSUE', 'REQUEST', 'OTHER']);
    expect(options.priorities).to.deep.equal([
      { id: 'LOW', label: 'Low' },
      { id: 'NORMAL', label: 'Normal' },
      { id: 'HIGH', label: 'High' },
      { id: 'BLOCKING', label: 'Critical / blocking' },
    ]);
    expect(options.categories).to.deep.equal([{ id: 'WEBSITE', label: 'Website' }]);
    expect(await tickets.options('2')).to.deep.equal({ categories: [], types: [], priorities: [] });
  });

  it('opens a ticket as the llx_ticket row of the client company, as Ticket::create writes it', async function () {
    await host.db('llx_const').insert([
      { name: 'MAIN_MODULE_AGENDA', entity: 1, value: '1', type: 'chaine', visible: 0 },
      { name: 'MAIN_AGENDA_ACTIONAUTO_TICKET_CREATE', entity: 1, value: '1', type: 'chaine', visible: 0 },
    ]);
    const created = opened(
      await tickets.create(workspaceId, bakery, claire, {
        subject: '  The printer is down ',
        description: 'Since Monday <b>nothing</b> prints.\nPlease help & call.',
        categoryId: 'WEBSITE',
        typeId: 'ISSUE',
        priorityId: 'HIGH',
      }),
    );
    expect(created).to.not.equal(null);
    const now = new Date();
    const yymm = `${String(now.getFullYear() % 100).padStart(2, '0')}${String(now.getMonth() + 1).padStart(2, '0')}`;
    expect(created!).to.include({
      ref: `TS${yymm}-0001`,
      subject: 'The printer is down',
      state: 'open',
      statusLabel: null,
      statusName: 'unread',
      priority: 'High',
      category: 'Website',
    });
    const row = await ticketRow(created!.id);
    expect(row).to.include({
      entity: 1,
      fk_soc: Number(bakery),
      origin_email: 'claire@martin.example',
      subject: 'The printer is down',
      fk_statut: 0,
      type_code: 'ISSUE',
      category_code: 'WEBSITE',
      severity_code: 'HIGH',
      progress: 0,
      fk_user_create: null,
      date_close: null,
    });
    expect(row.track_id).to.match(/^[a-z1-9]{16}$/);
    // create_ticket.php: add_contact($contact, 'SUPPORTCLI', 'external') — CommonObject writes statut 4.
    const links = await host
      .db('llx_element_contact')
      .where({ element_id: Number(created!.id), fk_c_type_contact: 157 })
      .select<Row[]>();
    expect(links.map((link) => [link.fk_socpeople, link.statut])).to.deep.equal([[Number(claire), 4]]);
    expect(row.datec).to.be.instanceOf(Date);
    // Stored as Dolibarr's forms store it: HTML, the person's markup escaped.
    expect(row.message).to.equal('Since Monday &lt;b&gt;nothing&lt;/b&gt; prints.<br>\nPlease help &amp; call.');
    const events = await host
      .db('llx_actioncomm')
      .where({ elementtype: 'ticket', fk_element: Number(created!.id) })
      .select<Row[]>();
    expect(events).to.have.length(1);
    expect(events[0]).to.include({
      code: 'AC_TICKET_CREATE',
      label: `Ticket TS${yymm}-0001 created`,
      fk_soc: Number(bakery),
      fk_action: 40,
    });

    const detail = await tickets.find(workspaceId, bakery, claire, created!.id);
    expect(detail!.description).to.equal('Since Monday <b>nothing</b> prints.\nPlease help & call.');
    expect(detail!.openedBy).to.equal('Claire Martin');
    expect(detail!.messages).to.deep.equal([]);
    expect(detail!.history.map((h) => h.state)).to.deep.equal(['open']);

    const second = await open('Logo change');
    expect(second.ref).to.equal(`TS${yymm}-0002`);
    // No choice made: what Dolibarr's public form preselects and so posts: the dictionaries' defaults
    // (use_default), and the only public category, WEBSITE, where none is the default ("If only 1
    // choice, we autoselect it", FormTicket::selectGroupTickets).
    expect(await ticketRow(second.id)).to.include({ type_code: 'OTHER', severity_code: 'NORMAL', category_code: 'WEBSITE' });
    expect((await ticketRow(second.id)).track_id).to.not.equal(row.track_id);
  });

  it("writes in the caller's transaction: rolled back with it", async function () {
    const before = await host.db('llx_ticket').count<Array<{ count: string | number }>>('* as count');
    const rollback = new Error('rolled back on purpose');
    const failed = await host.db
      .transaction(async (trx) => {
        const made = await tickets.create(
          workspaceId,
          bakery,
          claire,
          { subject: 'In a transaction', description: '.', categoryId: null, typeId: null, priorityId: null },
          { trx },
        );
        expect(made).to.not.equal(null);
        throw rollback;
      })
      .catch((error: unknown) => error);
    expect(failed).to.equal(rollback);
    expect(await host.db('llx_ticket').count<Array<{ count: string | number }>>('* as count')).to.deep.equal(before);
    expect(await host.db('llx_ticket').where({ subject: 'In a transaction' }).first()).to.equal(undefined);
  });

  it("refuses choices that are not the host's, and a contact of another company", async function () {
    const base = { subject: 'x', description: 'y', categoryId: null, typeId: null, priorityId: null };
    expect(await tickets.create(workspaceId, bakery, claire, { ...base, typeId: 'PROBLEM' })).to.equal(null); // inactive
    expect(await tickets.create(workspaceId, bakery, claire, { ...base, categoryId: 'OTHER' })).to.equal(null); // not public
    expect(await tickets.create(workspaceId, bakery, claire, { ...base, priorityId: 'URGENT' })).to.equal(null);
    expect(await tickets.create(workspaceId, bakery, paul, base)).to.equal(null);
    expect(await tickets.create(workspaceId, String(host.seed.companies.supplier), claire, base)).to.equal(null);
    expect(await tickets.create('2', bakery, claire, base)).to.equal(null);
  });

  it("keeps another company's tickets out: not found, not listed, not counted, not changed", async function () {
    const theirs = opened(
      await tickets.create(workspaceId, garage, paul, {
        subject: 'Garage door',
        description: 'Stuck',
        categoryId: null,
        typeId: null,
        priorityId: null,
      }),
    );
    expect(theirs).to.not.equal(null);
    expect(await tickets.find(workspaceId, bakery, claire, theirs!.id)).to.equal(null);
    expect(await tickets.find('2', garage, claire, theirs!.id)).to.equal(null);
    expect(await tickets.find(workspaceId, garage, claire, 'abc')).to.equal(null);
    const listed = await tickets.list(workspaceId, bakery, claire, { state: 'all' }, { limit: 100 });
    expect(listed.items.map((t) => t.id)).to.not.include(theirs!.id);
    expect(await tickets.reply(workspaceId, bakery, claire, theirs!.id, 'Hello')).to.equal(null);
    expect(await tickets.setState(workspaceId, bakery, claire, theirs!.id, 'closed')).to.equal(null);
    expect(await ticketRow(theirs!.id)).to.include({ fk_statut: 0 });
    expect((await tickets.counts(workspaceId, garage, claire)).open).to.equal(1);
  });

  it("shows an answer written on Dolibarr's ticket card as the agency's, never a private note", async function () {
    const ticket = await open('Answered');
    const base = Date.now() - 60_000;
    await staffMessage(ticket.id, '<p>We are on it.<br>Marc</p>', 'TICKET_MSG', new Date(base));
    await staffMessage(ticket.id, 'Internal: the client forgot to pay', 'TICKET_MSG_PRIVATE', new Date(base + 1000));
    await staffMessage(ticket.id, 'Mailed too', 'TICKET_MSG_PRIVATE_SENTBYMAIL', new Date(base + 2000));
    await staffMessage(ticket.id, 'Sent by email as well', 'TICKET_MSG_SENTBYMAIL', new Date(base + 3000));
    // The client's own Dolibarr login (an external user, fk_soc set) writes for the client.
    const [external] = await host
      .db('llx_user')
      .insert({ entity: 1, login: 'claire.ext', lastname: 'Martin', firstname: 'Claire', statut: 1, fk_soc: Number(bakery) })
      .returning('rowid');
    const externalMessage = await staffMessage(ticket.id, 'From my own login', 'TICKET_MSG', new Date(base + 4000));
    await host
      .db('llx_actioncomm')
      .where({ id: externalMessage })
      .update({ fk_user_author: (external as { rowid: number }).rowid });
    const detail = await tickets.find(workspaceId, bakery, claire, ticket.id);
    expect(detail!.messages.map((m) => [m.author, m.authorName, m.body])).to.deep.equal([
      ['agency', 'Marc Petit', 'We are on it.\nMarc'],
      ['agency', 'Marc Petit', 'Sent by email as well'],
      ['client', 'Claire Martin', 'From my own login'],
    ]);
    expect(JSON.stringify(detail)).to.not.include('forgot to pay');
    expect(JSON.stringify(detail)).to.not.include('Mailed too');
  });

  it("writes a client's reply as Dolibarr's public page does, and takes an open ticket to in progress", async function () {
    const ticket = await open('Need info');
    await host
      .db('llx_ticket')
      .where({ rowid: Number(ticket.id) })
      .update({ fk_statut: 5 });
    const waiting = await tickets.find(workspaceId, bakery, claire, ticket.id);
    expect(waiting).to.include({ state: 'waiting', statusLabel: null, statusName: null });
    expect((await tickets.counts(workspaceId, bakery, claire)).waiting).to.equal(1);

    const reply = await tickets.reply(workspaceId, bakery, claire, ticket.id, '  The model is <HP> 2000\nThanks ');
    expect(reply).to.include({ author: 'client', authorName: 'Claire Martin', body: 'The model is <HP> 2000\nThanks' });
    const event = await host
      .db('llx_actioncomm')
      .where({ id: Number(reply!.id) })
      .first<Row>();
    expect(event).to.include({
      code: 'TICKET_MSG',
      elementtype: 'ticket',
      fk_element: Number(ticket.id),
      entity: 1,
      fk_soc: Number(bakery),
      fk_contact: Number(claire),
      fk_user_author: null,
      email_from: 'claire@martin.example',
      percent: -1,
      fk_action: 40,
      note: 'The model is &lt;HP&gt; 2000<br>\nThanks',
    });
    expect(event.ref).to.equal(String(event.id));
    expect(await ticketRow(ticket.id)).to.include({ fk_statut: 3 });
    const detail = await tickets.find(workspaceId, bakery, claire, ticket.id);
    expect(detail).to.include({ state: 'open', statusName: 'inProgress' });
    expect(detail!.messages.at(-1)).to.include({ author: 'client', authorName: 'Claire Martin', body: 'The model is <HP> 2000\nThanks' });
    expect(detail!.lastActivityAt.getTime()).to.be.at.least(detail!.openedAt.getTime());

    // An unread ticket goes to IN_PROGRESS too (Ticket::newMessage from the public area; every
    // status is in ticket-columns.test.ts); a closed one takes no message (reopen first), as the public page.
    const unread = await open('Unread');
    await tickets.reply(workspaceId, bakery, claire, unread.id, 'More');
    expect(await ticketRow(unread.id)).to.include({ fk_statut: 3 });
    await host
      .db('llx_ticket')
      .where({ rowid: Number(unread.id) })
      .update({ fk_statut: 8 });
    expect(await tickets.reply(workspaceId, bakery, claire, unread.id, 'Again')).to.equal(null);
    expect(await tickets.reply(workspaceId, bakery, claire, unread.id, '   ')).to.equal(null);
  });

  it('closes as Ticket::close and reopens as the ticket card does', async function () {
    await host.db('llx_const').insert({ name: 'MAIN_AGENDA_ACTIONAUTO_TICKET_CLOSE', entity: 1, value: '1', type: 'chaine', visible: 0 });
    const ticket = await open('To close');
    const closed = await tickets.setState(workspaceId, bakery, claire, ticket.id, 'closed');
    expect(closed).to.include({ state: 'closed', statusName: 'resolved' });
    expect(closed!.closedAt).to.be.instanceOf(Date);
    const row = await ticketRow(ticket.id);
    expect(row).to.include({ fk_statut: 8, progress: 100 });
    expect(row.date_close).to.be.instanceOf(Date);
    const close = await host
      .db('llx_actioncomm')
      .where({ elementtype: 'ticket', fk_element: Number(ticket.id), code: 'AC_TICKET_CLOSE' })
      .select<Row[]>();
    expect(close).to.have.length(1);
    expect(close[0]!.label).to.equal(`Ticket ${ticket.ref} closed`);
    // Closing again changes nothing and records nothing.
    await tickets.setState(workspaceId, bakery, claire, ticket.id, 'closed');
    const closeEvents = await host
      .db('llx_actioncomm')
      .where({ fk_element: Number(ticket.id), code: 'AC_TICKET_CLOSE' })
      .select('id');
    expect(closeEvents).to.have.length(1);
    const history = (await tickets.find(workspaceId, bakery, claire, ticket.id))!.history;
    expect(history.map((h) => h.state)).to.deep.equal(['open', 'closed']);

    const reopened = await tickets.setState(workspaceId, bakery, claire, ticket.id, 'open');
    expect(reopened).to.include({ state: 'open', closedAt: null });
    expect(await ticketRow(ticket.id)).to.include({ fk_statut: 0 });

    // Assigned to someone: back to ASSIGNED. Canceled (abandoned) reads as closed too.
    await host
      .db('llx_ticket')
      .where({ rowid: Number(ticket.id) })
      .update({ fk_statut: 9, fk_user_assign: host.seed.users.staff });
    expect(await tickets.find(workspaceId, bakery, claire, ticket.id)).to.include({ state: 'closed', statusName: 'canceled' });
    expect(await tickets.setState(workspaceId, bakery, claire, ticket.id, 'open')).to.include({ state: 'open', statusName: 'assigned' });
    expect(await ticketRow(ticket.id)).to.include({ fk_statut: 2 });
  });

  it('lists by state, waiting, and search on ref and subject, with keyset pages by last activity and counts', async function () {
    // A company of its own, so the earlier tests' tickets do not count.
    const [company] = await host
      .db('llx_societe')
      .insert({ nom: 'Fleuriste Rose', entity: 1, client: 1, status: 1, code_client: 'CU2601-00099', datec: new Date() })
      .returning('rowid');
    const companyId = String((company as { rowid: number }).rowid);
    const [person] = await host
      .db('llx_socpeople')
      .insert({
        entity: 1,
        fk_soc: Number(companyId),
        firstname: 'Rose',
        lastname: 'Blanc',
        email: 'rose@fleur.example',
        statut: 1,
        fk_user_creat: host.seed.users.admin,
      })
      .returning('rowid');
    const rose = String((person as { rowid: number }).rowid);
    const made: TicketSummary[] = [];
    for (const subject of ['Roses 50% off', 'Tulips', 'Invoice question', 'Roses delivery', 'Website down']) {
      made.push(
        opened(
          await tickets.create(workspaceId, companyId, rose, {
            subject,
            description: '.',
            categoryId: null,
            typeId: null,
            priorityId: null,
          }),
        ),
      );
    }
    // Activity: each ticket's creation a minute apart; one older ticket answered last.
    const base = Date.now() - 3_600_000;
    for (const [i, t] of made.entries()) {
      await host
        .db('llx_ticket')
        .where({ rowid: Number(t.id) })
        .update({ datec: new Date(base + i * 60_000), tms: new Date(base + i * 60_000) });
    }
    await staffMessage(made[1]!.id, 'Answer', 'TICKET_MSG', new Date(base + 10 * 60_000));
    // A private note later still moves nothing a client sees.
    await staffMessage(made[0]!.id, 'Secret', 'TICKET_MSG_PRIVATE', new Date(base + 20 * 60_000));
    await host
      .db('llx_ticket')
      .where({ rowid: Number(made[2]!.id) })
      .update({ fk_statut: 8, date_close: new Date(base + 5 * 60_000) });
    await host
      .db('llx_ticket')
      .where({ rowid: Number(made[3]!.id) })
      .update({ fk_statut: 5 });

    const all = async (filter: Parameters<TicketsPort['list']>[3], limit = 2) => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 10; i++) {
        const page = await tickets.list(workspaceId, companyId, claire, filter, { limit, after });
        expect(page.items.length).to.be.at.most(limit);
        seen.push(...page.items.map((t) => t.subject));
        after = page.next;
        if (!after) break;
      }
      return seen;
    };
    // Closing is activity too (date_close): the closed ticket sorts by it.
    expect(await all({ state: 'all' })).to.deep.equal(['Tulips', 'Invoice question', 'Website down', 'Roses delivery', 'Roses 50% off']);
    expect(await all({ state: 'open' })).to.deep.equal(['Tulips', 'Website down', 'Roses delivery', 'Roses 50% off']);
    expect(await all({ state: 'closed' })).to.deep.equal(['Invoice question']);
    expect(await all({ state: 'open', waiting: true })).to.deep.equal(['Roses delivery']);
    expect(await all({ state: 'all', search: 'roses' })).to.deep.equal(['Roses delivery', 'Roses 50% off']);
    // LIKE's wildcards are the person's text: '%' finds only the subject that has one.
    expect(await all({ state: 'all', search: '50%' })).to.deep.equal(['Roses 50% off']);
    expect(await all({ state: 'all', search: '_' })).to.deep.equal([]);
    expect(await all({ state: 'all', search: made[4]!.ref.toLowerCase() })).to.deep.equal(['Website down']);

    const page = await tickets.list(workspaceId, companyId, claire, { state: 'all' }, { limit: 5 });
    expect(page.next).to.equal(null);
    expect(page.items[0]!.lastActivityAt.getTime()).to.equal(base + 10 * 60_000);
    expect(await tickets.list(workspaceId, companyId, claire, { state: 'all' }, { limit: 2, after: 'not-a-cursor' })).to.deep.equal({
      items: [],
      next: null,
    });
    expect(await tickets.counts(workspaceId, companyId, claire)).to.deep.equal({ open: 4, waiting: 1 });
    expect(await tickets.counts('2', companyId, claire)).to.deep.equal({ open: 0, waiting: 0 });
  });

  it("lists and reads the files of the ticket's directory, never one sent with a private note nor another company's", async function () {
    const ticket = await open('Files from the agency');
    const ref = String((await ticketRow(ticket.id))!.ref);
    const answer = await staffMessage(ticket.id, 'Here is the quote.');
    const note = await staffMessage(ticket.id, 'Margin notes', 'TICKET_MSG_PRIVATE');
    mkdirSync(path.join(host.dataRoot, 'ticket', ref), { recursive: true });
    const file = async (filename: string, content: string, extra: Row = {}) => {
      writeFileSync(path.join(host.dataRoot, 'ticket', ref, filename), content);
      const [row] = await host
        .db('llx_ecm_files')
        .insert({
          label: filename,
          entity: 1,
          filepath: `ticket/${ref}`,
          filename,
          src_object_type: 'ticket',
          src_object_id: Number(ticket.id),
          gen_or_uploaded: 'uploaded',
          date_c: new Date(),
          fk_user_c: host.seed.users.staff,
          ...extra,
        })
        .returning('rowid');
      return String((row as { rowid: number }).rowid);
    };
    const quote = await file('quote.pdf', '%PDF-1.4 quote', { agenda_id: answer });
    const plan = await file('plan.txt', 'the plan');
    const margins = await file('margins.txt', 'our margins', { agenda_id: note });
    // Indexed without its object (an older Dolibarr, a file dropped in the directory): found by the directory.
    const dropped = await file('dropped.txt', 'dropped in', { src_object_type: null, src_object_id: null });

    const files = await tickets.files!(workspaceId, bakery, ticket.id);
    expect(files.map((f) => f.name)).to.have.members(['quote.pdf', 'plan.txt', 'dropped.txt']);
    const byName = Object.fromEntries(files.map((f) => [f.name, f]));
    expect(byName['quote.pdf']).to.include({ id: quote, contentType: 'application/pdf', sizeBytes: 14, messageId: String(answer) });
    expect(byName['plan.txt']).to.include({ id: plan, contentType: 'text/plain', messageId: null });
    expect(byName['dropped.txt']!.id).to.equal(dropped);

    const read = await tickets.fileContent!(workspaceId, bakery, ticket.id, plan);
    expect(read).to.include({ name: 'plan.txt', sizeBytes: 8 });
    expect(await text(read!.content)).to.equal('the plan');
    expect(await tickets.fileContent!(workspaceId, bakery, ticket.id, margins), "a private note's file").to.equal(null);
    expect(await tickets.fileContent!(workspaceId, garage, ticket.id, plan), "another company's").to.equal(null);
    expect(await tickets.files!(workspaceId, garage, ticket.id)).to.deep.equal([]);
    const other = await open('Another ticket');
    expect(await tickets.fileContent!(workspaceId, bakery, other.id, plan), "another ticket's").to.equal(null);
    expect(await tickets.fileContent!('2', bakery, ticket.id, plan), "another workspace's").to.equal(null);
  });

  it("reads Dolibarr's HTML as text", function () {
    expect(htmlToText('<p>Hello&nbsp;<b>there</b></p><p>Line&#39;s &amp; more</p>')).to.equal("Hello there\nLine's & more");
    expect(htmlToText(null)).to.equal('');
  });

  it('counts open and waiting tickets to the limit and one more, reading no more of them', async function () {
    const { db } = host;
    // An import gone wrong: open tickets waiting on the client, more than both counts of them read
    // together; each a copy of one the client opened, with its own keys.
    const seedTicket = await open('Imported heap');
    // The earlier tickets, of every company, which each count may pass over.
    const earlier = Number((await db('llx_ticket').count<Array<{ n: string }>>('* as n'))[0]!.n);
    const many = 3 * SUMMARY_COUNT_LIMIT;
    await insertRowCopies(db, 'llx_ticket', { rowid: Number(seedTicket.id) }, many, {
      rowid: "nextval(pg_get_serial_sequence('llx_ticket', 'rowid'))",
      ref: "'TS-HEAP-' || g",
      track_id: "'heap' || g",
      subject: "'Imported ' || g",
      fk_statut: '5',
    });
    await db.raw('analyze llx_ticket');
    try {
      const scope = { entity: 1, companyId: Number(bakery), countLimit: SUMMARY_COUNT_LIMIT + 1 };
      const counted = await rowsRead(db, 'llx_ticket', (trx) => ticketCounts(trx, scope));
      expect(counted.value).to.deep.equal({ open: SUMMARY_COUNT_LIMIT + 1, waiting: SUMMARY_COUNT_LIMIT + 1 });
      expect(counted.read, 'tickets read').to.be.at.most(2 * (SUMMARY_COUNT_LIMIT + 1 + earlier));
      expect(await tickets.counts(workspaceId, bakery, claire)).to.deep.equal({
        open: SUMMARY_COUNT_LIMIT + 1,
        waiting: SUMMARY_COUNT_LIMIT + 1,
      });
    } finally {
      await db('llx_ticket').whereLike('ref', 'TS-HEAP-%').delete();
    }
  });
});
