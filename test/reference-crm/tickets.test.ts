// Covers the reference CRM's TicketsPort: a client's tickets newest activity first in keyset pages,
// the open/closed/waiting filters and the search on ref and subject, another company's ticket never
// found, internal notes never in the conversation, the per-workspace refs, a reply that hands a
// waiting ticket back to the agency, close and reopen with their history, the files staff attach
// (with an answer, on their own, never an internal note's, never another company's), and a seed
// that a second run leaves as it was.
import { expect } from 'chai';
import { text } from 'node:stream/consumers';
import { insertTicketFiles } from '../../plugins/reference-crm/queries/ticket-files.ts';
import { referenceTickets } from '../../plugins/reference-crm/binding/portal-tickets.ts';
import { seedReferenceCrm } from '../../plugins/reference-crm/seed.ts';
import type { TicketsPort } from '../../src/features/tickets/port.ts';
import { idOf, startCrm, type CrmTestContext } from './support.ts';

describe('reference CRM tickets', function () {
  let crm: CrmTestContext;
  let tickets: TicketsPort;
  let demo: string;
  let northwind: string;
  let bluebell: string;
  let maria: string;
  let priya: string;

  before(async function () {
    crm = await startCrm();
    tickets = referenceTickets(crm.db);
    demo = await workspaceId('demo');
    northwind = String(await idOf(crm.db, 'clients', { name: 'Northwind Traders' }, 'demo'));
    bluebell = String(await idOf(crm.db, 'clients', { name: 'Bluebell Bakery' }, 'demo'));
    maria = String(await idOf(crm.db, 'contacts', { email: 'maria@northwind.test' }, 'demo'));
    priya = String(await idOf(crm.db, 'contacts', { email: 'priya@bluebell.test' }, 'demo'));
  });

  after(async function () {
    await crm?.close();
  });

  const page = { limit: 20, after: null };
  const workspaceId = async (slug: string) => String((await crm.db('workspaces').where({ slug }).first<{ id: number }>('id')).id);

  it("lists the client's tickets newest activity first, by state, and counts them", async function () {
    const all = await tickets.list(demo, northwind, maria, { state: 'all' }, page);
    expect(all.items.map((t) => t.subject)).to.deep.equal([
      'Logo looks blurry on the invoices',
      'Contact form on the website sends no email',
      'Add the new store opening hours',
    ]);
    const dates = all.items.map((t) => t.lastActivityAt.getTime());
    expect(dates).to.deep.equal([...dates].sort((a, b) => b - a));
    const open = await tickets.list(demo, northwind, maria, { state: 'open' }, page);
    expect(open.items.map((t) => t.state)).to.deep.equal(['open', 'waiting']);
    const closed = await tickets.list(demo, northwind, maria, { state: 'closed' }, page);
    expect(closed.items.map((t) => [t.state, t.statusName])).to.deep.equal([['closed', 'resolved']]);
    expect(closed.items[0]?.closedAt).to.be.instanceOf(Date);
    const waiting = await tickets.list(demo, northwind, maria, { state: 'open', waiting: true }, page);
    expect(waiting.items.map((t) => t.subject)).to.deep.equal(['Contact form on the website sends no email']);
    expect(await tickets.counts(demo, northwind, maria)).to.deep.equal({ open: 2, waiting: 1 });
  });

  it('pages by keyset and searches the ref and the subject, case-insensitive', async function () {
    const first = await tickets.list(demo, northwind, maria, { state: 'all' }, { limit: 2, after: null });
    expect(first.items).to.have.length(2);
    expect(first.next).to.be.a('string');
    const second = await tickets.list(demo, northwind, maria, { state: 'all' }, { limit: 2, after: first.next });
    expect(second.items.map((t) => t.subject)).to.deep.equal(['Add the new store opening hours']);
    expect(second.next).to.equal(null);
    expect((await tickets.list(demo, northwind, maria, { state: 'all' }, { limit: 2, after: 'not-a-cursor' })).items).to.deep.equal([]);

    const bySubject = await tickets.list(demo, northwind, maria, { state: 'all', search: 'LOGO' }, page);
    expect(bySubject.items.map((t) => t.subject)).to.deep.equal(['Logo looks blurry on the invoices']);
    const ref = bySubject.items[0]!.ref;
    expect(ref).to.match(/^TIC-\d{4}$/);
    expect(
      (await tickets.list(demo, northwind, maria, { state: 'all', search: ref.toLowerCase() }, page)).items.map((t) => t.ref),
    ).to.deep.equal([ref]);
    // LIKE's wildcards are text like any other.
    expect((await tickets.list(demo, northwind, maria, { state: 'all', search: '%' }, page)).items).to.deep.equal([]);
    // Another company's ticket is not found by its subject.
    expect((await tickets.list(demo, northwind, maria, { state: 'all', search: 'wrong prices' }, page)).items).to.deep.equal([]);
  });

  it("never finds another company's ticket, and shows no internal note", async function () {
    const [bluebells] = (await tickets.list(demo, bluebell, maria, { state: 'all' }, page)).items;
    expect(bluebells?.subject).to.equal('Order page shows the wrong prices');
    expect(await tickets.find(demo, northwind, maria, bluebells!.id)).to.equal(null);
    expect(await tickets.reply(demo, northwind, maria, bluebells!.id, 'Hello?')).to.equal(null);
    expect(await tickets.setState(demo, northwind, maria, bluebells!.id, 'closed')).to.equal(null);
    const acme = await workspaceId('acme');
    expect(await tickets.find(acme, northwind, maria, bluebells!.id)).to.equal(null);
    for (const id of ['abc', '0', '-1', '99999999999']) expect(await tickets.find(demo, northwind, maria, id), id).to.equal(null);

    const [form] = (await tickets.list(demo, northwind, maria, { state: 'all', search: 'contact form' }, page)).items;
    const detail = await tickets.find(demo, northwind, maria, form!.id);
    expect(detail?.openedBy).to.equal('Maria García');
    expect(detail?.messages.map((m) => [m.author, m.authorName])).to.deep.equal([
      ['agency', 'Dana Whitfield'],
      ['agency', 'Sam Okafor'],
    ]);
    expect(JSON.stringify(detail)).not.to.contain('SMTP password');
    expect(detail?.history.map((h) => h.state)).to.deep.equal(['open', 'waiting']);
  });

  it("lists the files staff attached, at their answer or on their own, never an internal note's nor another company's", async function () {
    const [form] = (await tickets.list(demo, northwind, maria, { state: 'all', search: 'contact form' }, page)).items;
    const ws = Number(demo);
    const ticketId = Number(form!.id);
    const messages = await crm
      .db('ticket_messages')
      .where({ workspace_id: ws, ticket_id: ticketId })
      .orderBy('id')
      .select<Array<{ id: number; is_internal: boolean; author_staff_id: number | null }>>('id', 'is_internal', 'author_staff_id');
    const answer = messages.find((m) => !m.is_internal)!;
    const note = messages.find((m) => m.is_internal)!;
    const staffId = answer.author_staff_id!;
    const file = (filename: string, body: string) => ({ filename, contentType: 'text/plain', content: Buffer.from(body) });
    await insertTicketFiles(crm.db, { workspaceId: ws, ticketId, messageId: answer.id, staffId, files: [file('steps.txt', 'step one')] });
    await insertTicketFiles(crm.db, { workspaceId: ws, ticketId, messageId: null, staffId, files: [file('alone.txt', 'on its own')] });
    await insertTicketFiles(crm.db, { workspaceId: ws, ticketId, messageId: note.id, staffId, files: [file('secret.txt', 'internal')] });

    const files = await tickets.files!(demo, northwind, form!.id);
    expect(files.map((f) => [f.name, f.contentType, f.sizeBytes, f.messageId])).to.deep.equal([
      ['steps.txt', 'text/plain', 8, String(answer.id)],
      ['alone.txt', 'text/plain', 10, null],
    ]);
    const read = await tickets.fileContent!(demo, northwind, form!.id, files[0]!.id);
    expect(await text(read!.content)).to.equal('step one');
    const secret = await crm.db('ticket_files').where({ workspace_id: ws, filename: 'secret.txt' }).first<{ id: number }>('id');
    expect(await tickets.fileContent!(demo, northwind, form!.id, String(secret!.id)), "an internal note's file").to.equal(null);
    expect(await tickets.files!(demo, bluebell, form!.id), "another company's").to.deep.equal([]);
    expect(await tickets.fileContent!(demo, bluebell, form!.id, files[0]!.id), "another company's").to.equal(null);
    expect(await tickets.fileContent!(await workspaceId('acme'), northwind, form!.id, files[0]!.id), 'another workspace').to.equal(null);
  });

  it('opens a ticket with the next ref of the workspace and only the workspace’s choices', async function () {
    const options = await tickets.options(demo);
    expect(options.categories.map((c) => c.label)).to.deep.equal(['Website', 'Design', 'Billing', 'Other']);
    expect(options.priorities.map((c) => c.label)).to.deep.equal(['Urgent', 'High', 'Normal', 'Low']);
    expect(options.types).to.deep.equal([]);
    const created = await tickets.create(demo, northwind, maria, {
      subject: '  Printer is down  ',
      description: 'The office printer shows error 42.',
      categoryId: options.categories[3]!.id,
      typeId: null,
      priorityId: options.priorities[0]!.id,
    });
    expect(created).to.include({ ref: 'TIC-0005', subject: 'Printer is down', state: 'open', category: 'Other', priority: 'Urgent' });
    const acme = await workspaceId('acme');
    const acmeOptions = await tickets.options(acme);
    const foreign = { subject: 'x', description: '', categoryId: acmeOptions.categories[0]!.id, typeId: null, priorityId: null };
    expect(await tickets.create(demo, northwind, maria, foreign)).to.equal(null);
    // A contact of another company cannot open a ticket for this one.
    expect(await tickets.create(demo, northwind, priya, { ...foreign, categoryId: null })).to.equal(null);
  });

  it('hands a waiting ticket back on a reply, closes and reopens with history', async function () {
    const [form] = (await tickets.list(demo, northwind, maria, { state: 'all', search: 'contact form' }, page)).items;
    const message = await tickets.reply(demo, northwind, maria, form!.id, 'Here it is: "Thank you".');
    expect(message).to.include({ author: 'client', authorName: 'Maria García', body: 'Here it is: "Thank you".' });
    const after = await tickets.find(demo, northwind, maria, form!.id);
    expect(after?.state).to.equal('open');
    expect(after?.lastActivityAt.getTime()).to.be.greaterThan(form!.lastActivityAt.getTime());
    expect(await tickets.counts(demo, northwind, maria)).to.deep.equal({ open: 3, waiting: 0 });

    const closed = await tickets.setState(demo, northwind, maria, form!.id, 'closed');
    expect(closed).to.include({ state: 'closed' });
    expect(closed?.closedAt).to.be.instanceOf(Date);
    // Closing again changes nothing and records nothing.
    await tickets.setState(demo, northwind, maria, form!.id, 'closed');
    const reopened = await tickets.setState(demo, northwind, maria, form!.id, 'open');
    expect(reopened).to.include({ state: 'open', closedAt: null });
    const history = (await tickets.find(demo, northwind, maria, form!.id))!.history.map((h) => h.state);
    expect(history).to.deep.equal(['open', 'waiting', 'open', 'closed', 'open']);
  });

  it('seeds once: a second run adds no ticket', async function () {
    const before = await crm.db('tickets').count<Array<{ count: string }>>('* as count');
    await seedReferenceCrm(crm.db);
    const after = await crm.db('tickets').count<Array<{ count: string }>>('* as count');
    expect(after).to.deep.equal(before);
  });
});
