// What a binding file reads, as the portal's claims: every table and column each concept's
// statements name (its joins' too), so the start-up check (verifyHostClaims) refuses a database
// the file does not fit before any page is served, as it does for the hand-written bindings.
import type { HostClaim, HostConcept } from '../../src/index.ts';
import {
  type Address,
  type BindingFile,
  type InvoiceConcept,
  type KnowledgeBaseConcept,
  type Lines,
  type OfferConcept,
  paymentSources,
  type ProjectConcept,
  type SettingsSource,
  type TaskConcept,
  type TicketConcept,
  type Value,
} from './format.ts';
import { Scope } from './sql.ts';

function linesClaims(concept: HostConcept, lines: Lines | undefined): HostClaim[] {
  if (!lines || 'json' in lines) return [];
  const scope = new Scope(lines.table);
  for (const value of [lines.description, lines.quantity, lines.unitPrice, lines.total, lines.taxRate, lines.discountPercent])
    if (value !== undefined) scope.value(value);
  scope.column(lines.key);
  scope.column(lines.parent);
  for (const column of lines.order ?? []) scope.column(column);
  scope.where(lines.where);
  return scope.claims(concept, lines.where);
}

/** Claims of one concept: its key, its where, its joins and each value given (`settings`: the settings table they may read). */
function conceptClaims(
  concept: HostConcept,
  section: { table: string; key: string; joins?: Scope['joins'] | undefined; where?: Parameters<Scope['where']>[0] },
  values: Array<Value | undefined>,
  settings?: SettingsSource,
): HostClaim[] {
  const scope = new Scope(section.table, section.joins ?? []).readingSettings(settings, '');
  scope.from();
  scope.column(section.key);
  scope.where(section.where);
  for (const value of values) if (value !== undefined) scope.value(value);
  return scope.claims(concept, section.where);
}

function offerClaims(concept: 'proposal' | 'quotation', offer: OfferConcept | undefined): HostClaim[] {
  if (!offer) return [];
  return [
    ...conceptClaims(concept, offer, [
      offer.workspace,
      offer.client,
      offer.number,
      offer.title,
      offer.status.column,
      offer.currency,
      offer.total,
      offer.tax,
      offer.date,
      offer.validUntil,
      offer.sentAt,
      offer.decidedAt,
      offer.body,
      offer.terms,
      offer.lines && 'json' in offer.lines ? offer.lines.json : undefined,
    ]),
    ...linesClaims(concept, offer.lines),
  ];
}

const addressValues = (address: Address | undefined): Array<Value | undefined> =>
  address ? [address.street, address.postcode, address.town, address.country, address.countryCode] : [];

/** The letterhead reads the client's row, its own joins and the settings. */
function letterheadClaims(file: BindingFile): HostClaim[] {
  const { letterhead, clients } = file;
  if (!letterhead) return [];
  const { seller, buyer } = letterhead;
  return conceptClaims(
    'company',
    { ...clients, joins: [...(clients.joins ?? []), ...(letterhead.joins ?? [])] },
    [
      clients.workspace,
      seller?.legalName,
      seller?.vatId,
      seller?.registration,
      ...addressValues(seller?.address),
      buyer?.taxId,
      ...addressValues(buyer?.address),
    ],
    file.settings,
  );
}

/** An invoice's bank account, VAT mention and payment terms: read with the invoice's row, then the account. */
function invoiceLegalClaims(invoice: InvoiceConcept, settings: SettingsSource | undefined): HostClaim[] {
  const { bank, vatExemption } = invoice;
  const scope = new Scope(invoice.table, invoice.joins ?? []).readingSettings(settings, '');
  scope.from();
  if (bank?.when) scope.condition(bank.when);
  for (const value of [
    ...(bank?.account ?? []),
    vatExemption?.when.value,
    vatExemption?.note,
    vatExemption?.certificate,
    invoice.paymentTerms,
    invoice.paymentTermsByCode?.code,
  ])
    if (value !== undefined) scope.value(value);
  return [
    ...scope.claims('invoice', invoice.where),
    ...(bank
      ? conceptClaims('invoice', bank, [bank.workspace, bank.iban, bank.bic, bank.bankName, bank.holder, bank.currency], settings)
      : []),
  ];
}

function invoiceClaims(invoice: InvoiceConcept | undefined, settings: SettingsSource | undefined): HostClaim[] {
  if (!invoice) return [];
  return [
    ...invoiceLegalClaims(invoice, settings),
    ...conceptClaims('invoice', invoice, [
      invoice.workspace,
      invoice.client,
      invoice.number,
      invoice.status.column,
      invoice.currency,
      invoice.total,
      invoice.tax,
      invoice.paid,
      invoice.balance,
      invoice.date,
      invoice.due,
      invoice.notes,
      invoice.lines && 'json' in invoice.lines ? invoice.lines.json : undefined,
    ]),
    ...linesClaims('invoice', invoice.lines),
    ...paymentSources(invoice).flatMap(({ source }) =>
      conceptClaims('payment', source, [
        source.id,
        source.invoice,
        source.amount,
        source.date,
        source.method,
        source.methodLabel,
        source.reference,
        source.number,
      ]),
    ),
  ];
}

function taskClaims(task: TaskConcept | undefined): HostClaim[] {
  if (!task) return [];
  return conceptClaims('task', task, [
    task.workspace,
    task.client,
    task.contact,
    task.title,
    task.description,
    task.due,
    task.completedAt,
    task.status.column,
    task.project,
  ]);
}

function projectClaims(project: ProjectConcept | undefined): HostClaim[] {
  if (!project) return [];
  return conceptClaims('project', project, [
    project.workspace,
    project.client,
    project.ref,
    project.title,
    project.description,
    project.status.column,
    project.statusLabel,
    project.progress,
    project.start,
    project.end,
  ]);
}

/** The articles' table and joins, the row they are shown with, their categories and the link between. */
function knowledgeClaims(knowledge: KnowledgeBaseConcept | undefined): HostClaim[] {
  if (!knowledge) return [];
  const scope = new Scope(knowledge.table, knowledge.joins ?? []);
  scope.from();
  scope.column(knowledge.key);
  scope.where(knowledge.where);
  scope.where(knowledge.published);
  for (const value of [
    knowledge.workspace,
    knowledge.client,
    knowledge.from,
    knowledge.until,
    knowledge.title,
    knowledge.body,
    knowledge.bodyText,
    knowledge.language,
    knowledge.updatedAt,
    knowledge.category,
  ])
    if (value !== undefined) scope.value(value);
  if (knowledge.shownWith) scope.exists(knowledge.shownWith);
  const categories = knowledge.categories;
  if (categories) {
    scope.whereOn(categories.table, 'kc', categories.where);
    for (const column of [
      categories.key,
      categories.name,
      ...(categories.workspace ? [categories.workspace] : []),
      ...(categories.order ?? []),
    ])
      scope.note(categories.table, column);
    if (categories.link) {
      scope.whereOn(categories.link.table, 'kl', categories.link.where);
      scope.note(categories.link.table, categories.link.article);
      scope.note(categories.link.table, categories.link.category);
    }
  }
  return scope.claims('kbArticle', knowledge.where);
}

function ticketClaims(ticket: TicketConcept | undefined): HostClaim[] {
  if (!ticket) return [];
  const { messages } = ticket;
  const thread = new Scope(messages.table, messages.joins ?? []);
  thread.from();
  thread.condition(messages.fromClient);
  return [
    ...conceptClaims('ticket', ticket, [
      ticket.workspace,
      ticket.client,
      ticket.openedBy,
      ticket.ref,
      ticket.subject,
      ticket.description,
      ticket.status.column,
      ticket.statusLabel,
      ticket.category?.column,
      ticket.type?.column,
      ticket.priority?.column,
      ticket.openedAt,
      ticket.updatedAt,
      ticket.closedAt,
    ]),
    ...thread.claims('ticketMessage'),
    ...conceptClaims('ticketMessage', messages, [messages.parent, messages.body, messages.at, messages.authorName]),
  ];
}

export function bindingClaims(file: BindingFile): HostClaim[] {
  const { workspaces, clients, contacts, staff } = file;
  const staffScope = staff ? new Scope(staff.table, staff.joins ?? []) : null;
  if (staff?.admin) staffScope?.condition(staff.admin);
  return [
    ...(workspaces ? conceptClaims('workspace', workspaces, [workspaces.slug, workspaces.name, workspaces.brandColor]) : []),
    ...conceptClaims('company', clients, [clients.workspace, clients.name]),
    ...conceptClaims('contact', contacts, [contacts.workspace, contacts.client, contacts.email, contacts.name, contacts.phone]),
    ...(contacts.password ? [{ concept: 'clientCredentials' as const, table: contacts.table, columns: [contacts.password.column] }] : []),
    ...(staff ? conceptClaims('staffUser', staff, [staff.workspace, staff.email, staff.name, staff.password.column]) : []),
    ...(staffScope ? staffScope.claims('staffUser') : []),
    ...offerClaims('proposal', file.proposals),
    ...offerClaims('quotation', file.quotations),
    ...invoiceClaims(file.invoices, file.settings),
    ...letterheadClaims(file),
    ...taskClaims(file.tasks),
    ...projectClaims(file.projects),
    ...knowledgeClaims(file.knowledgeBase),
    ...ticketClaims(file.tickets),
  ];
}
