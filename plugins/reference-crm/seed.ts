// Demo data for the reference CRM. Deterministic and idempotent: every record is found by its
// natural key (workspace slug, staff email, client name, contact email, document number, task
// title, file name) and created only when missing, so a second run changes nothing. Dates come
// from a fixed reference date, not from the clock.
import { hash } from '@node-rs/argon2';
import type { Knex } from 'knex';
import { findClientByName, insertClient } from './queries/clients.ts';
import { findContactsByEmail, insertContact } from './queries/contacts.ts';
import type { Db } from './queries/db.ts';
import { firstRecord, sharedBy } from './queries/seed-links.ts';
import { findDocumentByFilename, insertDocument } from './queries/documents.ts';
import { createInvoice, findInvoiceByNumber } from './queries/invoices.ts';
import { createOffer, findOfferByNumber, type OfferTable } from './queries/offers.ts';
import { recordPayment } from './queries/payments.ts';
import { PROPOSALS } from './queries/proposals.ts';
import { SEED_ORDERS, seedOrders } from './seed-orders.ts';
import { QUOTATIONS } from './queries/quotations.ts';
import { findStaffByEmail, insertStaffUser, listStaff } from './queries/staff-users.ts';
import { findProjectByRef, insertProject, insertProjectPhase } from './queries/client-projects.ts';
import { findKbArticleByTitle, findKbCategoryByName, insertKbArticle, insertKbCategory } from './queries/knowledge-base.ts';
import { findTaskByTitle, insertTask } from './queries/tasks.ts';
import { ensureRequestDefinition } from './queries/service-requests.ts';
import { ensureAppointmentSetup } from './queries/appointments.ts';
import { seedDemoApproval } from './seed-approvals.ts';
import { insertDevice, linkDeviceTicket, listDevices } from './queries/devices.ts';
import { ensureSeedContract } from './queries/contracts.ts';
import { ensureSeedRecurringInvoice } from './queries/recurring-invoices.ts';
import { ensureTicketChoice, findTicketBySubject, insertTicket, insertTicketMessage, setTicketStatus } from './queries/tickets.ts';
import { findWorkspaceBySlug, insertWorkspace } from './queries/workspaces.ts';
import {
  SEED_REFERENCE_DATE,
  SEED_REQUEST_DEFINITIONS,
  SEED_TICKET_CATEGORIES,
  SEED_TICKET_CHOICES_IN_FRENCH,
  SEED_TICKET_CHOICES_IN_GERMAN,
  SEED_TICKET_PRIORITIES,
  SEED_WORKSPACES,
  type SeedClient,
  type SeedDocument,
  type SeedInvoice,
  type SeedItem,
  type SeedKnowledgeBase,
  type SeedOffer,
  type SeedWorkspace,
} from './seed-data.ts';

export { SEED_REFERENCE_DATE } from './seed-data.ts';

/** The demo's portal roles as the printed logins name them. */
const PORTAL_ROLE_NAMES = { admin: 'client admin', billing: 'Billing role' } as const;

interface DemoStaffLogin {
  workspaceSlug: string;
  workspaceName: string;
  name: string;
  email: string;
  password: string;
  role: 'admin' | 'member';
}

export interface DemoClientLogin {
  workspaceSlug: string;
  workspaceId: string;
  clientId: string;
  clientName: string;
  contactId: string;
  name: string;
  email: string;
  /** The portal role the demo gives the login; null: the default, Full access. */
  role: 'admin' | 'billing' | null;
}

export interface DemoLogins {
  /** The date the demo data is relative to (YYYY-MM-DD). */
  referenceDate: string;
  staff: DemoStaffLogin[];
  /**
   * Contacts to use as client portal logins; maria@northwind.test is a contact in both workspaces.
   * Those with a role of their own come after the others.
   */
  clients: DemoClientLogin[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const REFERENCE = Date.parse(`${SEED_REFERENCE_DATE}T00:00:00Z`);

/** 'YYYY-MM-DD', `offset` days from the reference date. */
export function seedDate(offset: number): string {
  return new Date(REFERENCE + offset * DAY_MS).toISOString().slice(0, 10);
}

/** A timestamp `offset` days from the reference date, during office hours. */
function seedTime(offset: number, hour = 10): Date {
  return new Date(REFERENCE + offset * DAY_MS + hour * 60 * 60 * 1000);
}

/** The lines with their rate: the line's own, else the client's, else none. */
const items = (rows: readonly SeedItem[], clientRate: number | null) =>
  rows.map(([description, quantity, unitPriceCents, rate]) => ({
    description,
    quantity,
    unitPriceCents,
    taxRatePercent: rate ?? clientRate,
  }));

/** A small, valid one-page PDF with a title and a few lines (ASCII text). */
export function simplePdf(title: string, lines: readonly string[]): Buffer {
  const escapeParens = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = [
    'BT',
    '/F1 18 Tf',
    '72 720 Td',
    `(${escapeParens(title)}) Tj`,
    '/F1 11 Tf',
    '0 -30 Td',
    ...lines.flatMap((line) => [`(${escapeParens(line)}) Tj`, '0 -16 Td']),
    'ET',
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

function documentFile(doc: SeedDocument): { contentType: string; content: Buffer } {
  if (doc.kind === 'pdf') return { contentType: 'application/pdf', content: simplePdf(doc.title, doc.lines) };
  if (doc.kind === 'csv') return { contentType: 'text/csv', content: Buffer.from(`${doc.lines.join('\n')}\n`, 'utf8') };
  return { contentType: 'text/plain', content: Buffer.from(`${doc.title}\n\n${doc.lines.join('\n')}\n`, 'utf8') };
}

async function seedOffers(
  trx: Db,
  table: OfferTable,
  workspaceId: number,
  clientId: number,
  offers: readonly SeedOffer[],
  next: () => string,
  rate: number | null,
) {
  for (const offer of offers) {
    const number = next();
    if (await findOfferByNumber(trx, table, { workspaceId, number })) continue;
    await createOffer(trx, table, {
      workspaceId,
      clientId,
      number,
      title: offer.title,
      body: offer.body,
      status: offer.status,
      currency: offer.currency,
      validUntil: offer.validUntil === null ? null : seedDate(offer.validUntil),
      sentAt: offer.sent === undefined ? null : seedTime(offer.sent),
      decidedAt: offer.decided === undefined ? null : seedTime(offer.decided, 15),
      createdAt: seedTime(offer.created, 9),
      items: items(offer.items, rate),
    });
  }
}

function counter(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}-${String(++n).padStart(4, '0')}`;
}

/** A client's invoices, each numbered by `nextNumber`, with their payments; one already there is left as it is. */
async function seedInvoices(
  trx: Db,
  workspaceId: number,
  clientId: number,
  invoices: readonly SeedInvoice[],
  nextNumber: () => string,
  taxRatePercent: number | null,
): Promise<void> {
  for (const invoice of invoices) {
    const number = nextNumber();
    if (await findInvoiceByNumber(trx, { workspaceId, number })) continue;
    const { id } = await createInvoice(trx, {
      workspaceId,
      clientId,
      number,
      status: invoice.status,
      currency: invoice.currency,
      issueDate: seedDate(invoice.issued),
      dueDate: seedDate(invoice.due),
      notes: invoice.notes,
      createdAt: seedTime(invoice.issued, 9),
      items: items(invoice.items, taxRatePercent),
    });
    await trx('invoices')
      .where({ workspace_id: workspaceId, id })
      .update({
        supply_date: seedDate(invoice.supplied ?? invoice.issued),
        supply_end_date: invoice.suppliedUntil === undefined ? null : seedDate(invoice.suppliedUntil),
        payment_terms: invoice.paymentTerms ?? null,
      });
    // Payments go in only with a newly created invoice, in the same transaction, so they are
    // never doubled by a second run.
    // The stored total (tax included) is what 'balance' pays off.
    const { total_cents: totalCents } = await trx('invoices')
      .where({ workspace_id: workspaceId, id })
      .first<{ total_cents: number }>('total_cents');
    let paid = 0;
    for (const payment of invoice.payments ?? []) {
      const amountCents = payment.amountCents === 'balance' ? totalCents - paid : payment.amountCents;
      paid += amountCents;
      await recordPayment(trx, {
        workspaceId,
        invoiceId: id,
        amountCents,
        method: payment.method,
        reference: payment.reference,
        paidAt: seedTime(payment.paidOn, 14),
      });
    }
  }
}

async function seedClient(
  trx: Db,
  workspaceId: number,
  client: SeedClient,
  numbers: { proposal: () => string; quotation: () => string; invoice: () => string },
): Promise<
  Array<{ contactId: number; clientId: number; name: string; email: string; demoLogin: boolean; role: 'admin' | 'billing' | null }>
> {
  const existing = await findClientByName(trx, { workspaceId, name: client.name });
  const clientId =
    existing?.id ??
    (await insertClient(trx, {
      workspaceId,
      name: client.name,
      website: client.website,
      address: client.address,
      taxId: client.taxId ?? null,
      vatExemptionNote: client.vatExemptionNote ?? null,
      vatExemptionReason: client.vatExemptionReason ?? null,
      createdAt: seedTime(client.created),
    }));

  const contactIds = new Map<string, number>();
  const contacts: Array<{
    contactId: number;
    clientId: number;
    name: string;
    email: string;
    demoLogin: boolean;
    role: 'admin' | 'billing' | null;
  }> = [];
  for (const [index, contact] of client.contacts.entries()) {
    const matches = await findContactsByEmail(trx, { workspaceId, email: contact.email });
    const contactId =
      matches.find((row) => row.client_id === clientId)?.id ??
      (await insertContact(trx, {
        workspaceId,
        clientId,
        name: contact.name,
        email: contact.email,
        phone: contact.phone,
        createdAt: seedTime(client.created, 11 + index),
      }));
    contactIds.set(contact.email, contactId);
    contacts.push({
      contactId,
      clientId,
      name: contact.name,
      email: contact.email,
      demoLogin: contact.demoLogin ?? false,
      role: contact.portalRole ?? null,
    });
  }

  await seedOffers(trx, PROPOSALS, workspaceId, clientId, client.proposals ?? [], numbers.proposal, client.taxRatePercent ?? null);
  await seedOffers(trx, QUOTATIONS, workspaceId, clientId, client.quotations ?? [], numbers.quotation, client.taxRatePercent ?? null);

  await seedInvoices(trx, workspaceId, clientId, client.invoices ?? [], numbers.invoice, client.taxRatePercent ?? null);

  // Projects and their phases first: the tasks below name them.
  const projectIds = new Map<string, { id: number; phases: Map<string, number> }>();
  for (const project of client.projects ?? []) {
    const existingProject = await findProjectByRef(trx, { workspaceId, ref: project.ref });
    if (existingProject) {
      projectIds.set(project.ref, { id: existingProject.id, phases: new Map() });
      continue;
    }
    const id = await insertProject(trx, {
      workspaceId,
      clientId,
      ref: project.ref,
      title: project.title,
      description: project.description,
      status: project.status,
      startDate: project.start === null ? null : seedDate(project.start),
      endDate: project.end === null ? null : seedDate(project.end),
    });
    const phases = new Map<string, number>();
    for (const [index, phase] of (project.phases ?? []).entries()) {
      phases.set(
        phase.name,
        await insertProjectPhase(trx, {
          workspaceId,
          projectId: id,
          name: phase.name,
          position: index + 1,
          startDate: phase.start === null ? null : seedDate(phase.start),
          endDate: phase.end === null ? null : seedDate(phase.end),
        }),
      );
    }
    projectIds.set(project.ref, { id, phases });
  }

  for (const task of client.tasks ?? []) {
    if (await findTaskByTitle(trx, { workspaceId, clientId, title: task.title })) continue;
    const project = task.project ? projectIds.get(task.project.ref) : undefined;
    if (task.project && !project) throw new Error(`Seed task "${task.title}" names project ${task.project.ref}, not one of ${client.name}`);
    const phaseId = task.project?.phase === undefined ? null : (project?.phases.get(task.project.phase) ?? null);
    const assignee = task.assignee === undefined ? null : contactIds.get(task.assignee);
    if (assignee === undefined)
      throw new Error(`Seed task "${task.title}" is assigned to ${task.assignee}, who is not a contact of ${client.name}`);
    await insertTask(trx, {
      workspaceId,
      clientId,
      assignedContactId: assignee,
      title: task.title,
      description: task.description,
      dueDate: task.due === null ? null : seedDate(task.due),
      status: task.status,
      completedAt: task.completed === undefined ? null : seedTime(task.completed, 16),
      record: task.record ? await firstRecord(trx, task.record, workspaceId, clientId) : null,
      project: project ? { id: project.id, phaseId } : null,
      createdAt: seedTime(task.created, 9),
    });
  }

  for (const doc of client.documents ?? []) {
    if (await findDocumentByFilename(trx, { workspaceId, clientId, filename: doc.filename })) continue;
    await insertDocument(trx, {
      workspaceId,
      clientId,
      filename: doc.filename,
      ...documentFile(doc),
      sharedWithClient: doc.shared,
      sharedByStaffId: doc.shared ? await sharedBy(trx, workspaceId, doc.sharedBy) : null,
      record: doc.record ? await firstRecord(trx, doc.record, workspaceId, clientId) : null,
      createdAt: seedTime(doc.created, 12),
    });
  }

  await seedTickets(trx, workspaceId, clientId, client, contactIds);
  await seedDevices(trx, workspaceId, clientId, client);

  return contacts;
}

/** The agency's catalogue of requests, the same in every workspace. */
async function seedRequestDefinitions(trx: Db, workspaceId: number): Promise<void> {
  for (const [position, definition] of SEED_REQUEST_DEFINITIONS.entries()) {
    await ensureRequestDefinition(trx, { workspaceId, ...definition, fields: [...definition.fields], position });
  }
}

/** The categories and priorities a new ticket offers, the same in every workspace. */
async function seedTicketChoices(trx: Db, workspaceId: number): Promise<void> {
  const names = (name: string) => ({
    de: SEED_TICKET_CHOICES_IN_GERMAN[name] ?? name,
    fr: SEED_TICKET_CHOICES_IN_FRENCH[name] ?? name,
  });
  for (const [order, name] of SEED_TICKET_CATEGORIES.entries())
    await ensureTicketChoice(trx, { workspaceId, kind: 'category', name, order, names: names(name) });
  for (const [order, name] of SEED_TICKET_PRIORITIES.entries())
    await ensureTicketChoice(trx, { workspaceId, kind: 'priority', name, order, names: names(name) });
}

async function seedTickets(trx: Db, workspaceId: number, clientId: number, client: SeedClient, contactIds: Map<string, number>) {
  const choice = async (kind: 'category' | 'priority', name: string, list: readonly string[]) =>
    ensureTicketChoice(trx, { workspaceId, kind, name, order: list.indexOf(name) });
  const staffId = async (email: string) => {
    const staff = await findStaffByEmail(trx, { workspaceId, email });
    if (!staff) throw new Error(`Seed ticket message from ${email}, who is not staff of the workspace`);
    return staff.id;
  };
  for (const ticket of client.tickets ?? []) {
    if (await findTicketBySubject(trx, { workspaceId, clientId, subject: ticket.subject })) continue;
    const opener = contactIds.get(ticket.openedBy);
    if (opener === undefined)
      throw new Error(`Seed ticket "${ticket.subject}" is opened by ${ticket.openedBy}, who is not a contact of ${client.name}`);
    const { id } = await insertTicket(trx, {
      workspaceId,
      clientId,
      contactId: opener,
      subject: ticket.subject,
      description: ticket.description,
      categoryId: await choice('category', ticket.category, SEED_TICKET_CATEGORIES),
      priorityId: await choice('priority', ticket.priority, SEED_TICKET_PRIORITIES),
      openedAt: seedTime(ticket.opened, 9),
    });
    let hour = 11;
    let last = ticket.opened;
    for (const message of ticket.messages) {
      const contact = contactIds.get(message.from);
      hour = message.at === last ? hour + 1 : 11;
      last = message.at;
      await insertTicketMessage(trx, {
        workspaceId,
        ticketId: id,
        author: contact !== undefined ? { contactId: contact } : { staffId: await staffId(message.from) },
        isInternal: message.internal ?? false,
        body: message.body,
        at: seedTime(message.at, hour),
      });
    }
    if (ticket.status !== 'new') {
      // The last staff member who wrote moves it, or the workspace's first admin.
      const mover = [...ticket.messages].reverse().find((m) => !contactIds.has(m.from))?.from;
      const admin = (await listStaff(trx, { workspaceId })).find((s) => s.role === 'admin');
      if (!mover && !admin) throw new Error(`Seed ticket "${ticket.subject}" has nobody on the staff to move it`);
      await setTicketStatus(trx, {
        workspaceId,
        ticketId: id,
        to: ticket.status,
        by: { staffId: mover ? await staffId(mover) : admin!.id },
        at: seedTime(last, hour + 1),
      });
    }
  }
}

/** The devices the agency looks after for the client, once, each linked to the tickets about it. */
async function seedDevices(trx: Db, workspaceId: number, clientId: number, client: SeedClient): Promise<void> {
  const known = await listDevices(trx, { workspaceId, clientId, state: 'all', limit: 1 });
  if (known.length > 0) return;
  for (const device of client.devices ?? []) {
    const { tickets, ...fields } = device;
    const deviceId = await insertDevice(trx, { workspaceId, clientId, ...fields });
    for (const subject of tickets ?? []) {
      const ticket = await findTicketBySubject(trx, { workspaceId, clientId, subject });
      if (!ticket) throw new Error(`Seed device "${device.name}" names ticket "${subject}", not one of ${client.name}`);
      await linkDeviceTicket(trx, { workspaceId, deviceId, ticketId: ticket.id, byContactId: null });
    }
  }
}

/** The workspace's help articles, once: categories by their English name, each translation tied to the first. */
async function seedKnowledgeBase(trx: Db, workspaceId: number, kb: SeedKnowledgeBase): Promise<void> {
  const categories = new Map<string, number>();
  for (const [position, names] of kb.categories.entries()) {
    const existing = await findKbCategoryByName(trx, { workspaceId, language: 'en', name: names.en });
    categories.set(names.en, existing ?? (await insertKbCategory(trx, { workspaceId, names, position: position + 1 })));
  }
  for (const article of kb.articles) {
    const [first, ...others] = article.translations;
    if (!first || (await findKbArticleByTitle(trx, { workspaceId, title: first.title }))) continue;
    const categoryId = article.category === null ? null : categories.get(article.category);
    if (categoryId === undefined)
      throw new Error(`Seed article "${first.title}" names category ${article.category}, not one of the workspace`);
    const common = { workspaceId, categoryId, audience: article.audience, status: article.status };
    const { translationGroup } = await insertKbArticle(trx, { ...common, ...first });
    for (const translation of others) await insertKbArticle(trx, { ...common, ...translation, translationGroup });
  }
}
/** What clients may book in every demo workspace: two services, weekday hours with a lunch break. */
const SEED_APPOINTMENTS = {
  services: [
    { name: 'Consultation', names: { de: 'Beratung', fr: 'Entretien conseil' }, minutes: 30 },
    { name: 'Workshop', names: { de: 'Workshop', fr: 'Atelier' }, minutes: 90 },
  ],
  hours: [1, 2, 3, 4, 5].flatMap((weekday) => [
    { weekday, opens: '09:00', closes: '12:00' },
    { weekday, opens: '13:00', closes: '17:00' },
  ]),
};

async function seedWorkspace(trx: Db, workspace: SeedWorkspace, logins: DemoLogins): Promise<void> {
  const existing = await findWorkspaceBySlug(trx, { slug: workspace.slug });
  const workspaceId =
    existing?.id ??
    (await insertWorkspace(trx, {
      slug: workspace.slug,
      name: workspace.name,
      brandColor: workspace.brandColor,
      logoUrl: null,
      createdAt: seedTime(workspace.created),
    }));
  if (!existing && workspace.legal) {
    const legal = workspace.legal;
    await trx('workspaces').where({ id: workspaceId }).update({
      legal_name: legal.legalName,
      legal_address: legal.address,
      vat_id: legal.vatId,
      registration_number: legal.registrationNumber,
      bank_name: legal.bankName,
      iban: legal.iban,
      bic: legal.bic,
      payment_terms: legal.paymentTerms,
    });
  }
  await ensureAppointmentSetup(trx, workspaceId, SEED_APPOINTMENTS);

  for (const staff of workspace.staff) {
    if (!(await findStaffByEmail(trx, { workspaceId, email: staff.email }))) {
      await insertStaffUser(trx, {
        workspaceId,
        name: staff.name,
        email: staff.email,
        passwordHash: await hash(staff.password),
        role: staff.role,
        createdAt: seedTime(workspace.created),
      });
    }
    logins.staff.push({ workspaceSlug: workspace.slug, workspaceName: workspace.name, ...staff });
  }

  await seedTicketChoices(trx, workspaceId);
  if (workspace.knowledgeBase) await seedKnowledgeBase(trx, workspaceId, workspace.knowledgeBase);
  await seedRequestDefinitions(trx, workspaceId);

  // Numbers follow the order of the seed data, so the same record always gets the same number.
  const numbers = { proposal: counter('PRO'), quotation: counter('QUO'), invoice: counter('INV') };
  for (const client of workspace.clients) {
    const contacts = await seedClient(trx, workspaceId, client, numbers);
    for (const contact of contacts.filter((c) => c.demoLogin)) {
      logins.clients.push({
        workspaceSlug: workspace.slug,
        workspaceId: String(workspaceId),
        clientId: String(contact.clientId),
        clientName: client.name,
        contactId: String(contact.contactId),
        name: contact.name,
        email: contact.email,
        role: contact.role,
      });
    }
  }
  // Numbered after every client's first invoices, so those keep the numbers they always had.
  for (const seeded of workspace.clients) {
    if (!seeded.laterInvoices?.length) continue;
    const found = await findClientByName(trx, { workspaceId, name: seeded.name });
    if (found) await seedInvoices(trx, workspaceId, found.id, seeded.laterInvoices, numbers.invoice, seeded.taxRatePercent ?? null);
  }
  // Work shared for approval: a design at version 1 for the workspace's first client.
  const [firstClient] = workspace.clients;
  const [firstStaff] = workspace.staff;
  const client = firstClient ? await findClientByName(trx, { workspaceId, name: firstClient.name }) : null;
  const staff = firstStaff ? await findStaffByEmail(trx, { workspaceId, email: firstStaff.email }) : null;
  if (client && staff) await seedDemoApproval(trx, { workspaceId, clientId: client.id, staffId: staff.id });
  if (workspace.slug === 'demo') await seedOrders(trx, workspaceId, SEED_ORDERS, { day: seedDate, time: seedTime });
  if (workspace.slug === 'demo') await seedDemoContract(trx, workspaceId);
  if (workspace.slug === 'demo') await seedDemoRecurringInvoices(trx, workspaceId);
}

/**
 * Northwind's and Bluebell's monthly retainers, the next one on the first of next month: dated by
 * the month the demo is seeded in, as the contract's entries are, so it is never in the past.
 */
async function seedDemoRecurringInvoices(trx: Db, workspaceId: number): Promise<void> {
  const nextDate = monthsBefore(new Date().toISOString().slice(0, 10), -1, 1);
  const retainers = [
    { client: 'Northwind Traders', title: 'Monthly retainer: website care', amountCents: 150_000, currency: 'USD' },
    { client: 'Bluebell Bakery', title: 'Monthly retainer: shop and newsletter', amountCents: 80_000, currency: 'EUR' },
  ];
  for (const retainer of retainers) {
    const client = await findClientByName(trx, { workspaceId, name: retainer.client });
    if (!client) continue;
    await ensureSeedRecurringInvoice(trx, workspaceId, {
      clientId: client.id,
      title: retainer.title,
      amountCents: retainer.amountCents,
      currency: retainer.currency,
      every: 1,
      unit: 'month',
      nextDate,
    });
  }
}

/** The month before `day`'s, as 'YYYY-MM-DD' on its `date`. */
function monthsBefore(day: string, months: number, date: number): string {
  const [year, month] = [Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1];
  return new Date(Date.UTC(year, month - months, date)).toISOString().slice(0, 10);
}

/**
 * Northwind's support contract: 10 hours a month, 7.5 of them used this month, with the entries
 * behind them, and the two months before. An allowance renews with the reader's month, so its
 * entries are dated by the month the demo is seeded in (never after today), not by the reference
 * date the rest of the demo keeps.
 */
async function seedDemoContract(trx: Db, workspaceId: number): Promise<void> {
  const client = await findClientByName(trx, { workspaceId, name: 'Northwind Traders' });
  if (!client) return;
  const staff = await listStaff(trx, { workspaceId });
  const by = (index: number) => staff[index % Math.max(staff.length, 1)]?.id ?? null;
  const today = new Date().toISOString().slice(0, 10);
  const thisMonth = (date: number) => `${today.slice(0, 8)}${String(Math.min(date, Number(today.slice(8, 10)))).padStart(2, '0')}`;
  await ensureSeedContract(trx, workspaceId, {
    clientId: client.id,
    number: 'CT-2026-001',
    name: 'Website care and support',
    description: 'Hosting, updates and up to 10 hours of support each month; hours left do not roll over.',
    status: 'active',
    startsOn: monthsBefore(today, 2, 1),
    endsOn: null,
    lines: [
      {
        name: 'Support hours',
        description: 'Changes, fixes and advice by the hour.',
        allowance: 10,
        period: 'month',
        entries: [
          { day: monthsBefore(today, 2, 4), amount: 4, description: 'Set-up of the staging site', staffUserId: by(0) },
          { day: monthsBefore(today, 2, 18), amount: 2.5, description: 'Newsletter template', staffUserId: by(1) },
          { day: monthsBefore(today, 1, 6), amount: 5, description: 'Checkout form fixes', staffUserId: by(1) },
          { day: monthsBefore(today, 1, 20), amount: 4, description: 'Product page layout', staffUserId: by(0) },
          { day: thisMonth(2), amount: 2, description: 'Plugin updates and checks', staffUserId: by(1) },
          { day: thisMonth(5), amount: 3.5, description: 'New landing page for the spring offer', staffUserId: by(0) },
          { day: thisMonth(9), amount: 2, description: 'Search fix on the shop', staffUserId: by(1) },
        ],
      },
      { name: 'Managed hosting', description: 'Hosting, backups and monitoring.', quantity: 1 },
    ],
  });
}

export async function seedReferenceCrm(db: Knex): Promise<DemoLogins> {
  return db.transaction(async (trx) => {
    const logins: DemoLogins = { referenceDate: SEED_REFERENCE_DATE, staff: [], clients: [] };
    for (const workspace of SEED_WORKSPACES) await seedWorkspace(trx, workspace, logins);
    // The logins with a role last (a stable sort), so each workspace's first logins stay the ones
    // the demo always had.
    logins.clients.sort((a, b) => Number(a.role !== null) - Number(b.role !== null));
    return logins;
  });
}

/** The logins as a few readable lines, for a CLI or server to print. */
export function formatDemoLogins(logins: DemoLogins): string {
  const lines = ['Staff sign-in (CRM), passwords as seeded:'];
  for (const s of logins.staff) lines.push(`  ${s.workspaceName} (${s.role}): ${s.email} / ${s.password}`);
  lines.push('Client contacts (portal):');
  for (const c of logins.clients)
    lines.push(`  ${c.workspaceSlug}: ${c.name} <${c.email}> at ${c.clientName}${c.role ? ` (${PORTAL_ROLE_NAMES[c.role]})` : ''}`);
  return lines.join('\n');
}
