import { learnedApplies, learnedRule, taggedSet } from './learned.ts';
import { hasRole } from './column-roles.ts';
import { tokenize } from './names.ts';
import type { TableProfile } from './schema-model.ts';
import { type ColumnExpectation, parentPathTo, type ScoringContext, type TableConceptSpec } from './concept-spec.ts';
import { AGREEMENT_CONCEPTS } from './agreement-concepts.ts';
import { SECTION_CONCEPTS } from './section-concepts.ts';
import { NAME_MODIFIERS, TABLE_WORDS } from './vocabulary.ts';

const LINE_ITEM_WORDS = NAME_MODIFIERS.find((m) => m.kind === 'line items')?.words ?? new Set<string>();

/** A child table of line items with money columns pointing here: the amounts live on line items. */
function amountsOnLineItems(profile: TableProfile, context: ScoringContext): string | null {
  for (const link of profile.incoming) {
    const child = context.byName.get(link.from);
    if (child && hasRole(child.roles, 'amount') && child.tokens.some((t) => LINE_ITEM_WORDS.has(t)))
      return `amounts on line items in ${child.qualified}`;
  }
  return null;
}

/**
 * The record a log row is about: a polymorphic pair (element_type/element_id, model/res_id) covers
 * several kinds of subject; a single foreign key to one record table covers one.
 */
export function logSubject(profile: TableProfile, context: ScoringContext): string | null {
  const pair = profile.polymorphic[0];
  if (pair) return `records which record it is about (${pair.typeColumn}/${pair.idColumn}), of any kind`;
  // Learned on Invoice Ninja's activities (2d5a7cfb).
  const keys = learnedApplies('invoiceninja') ? keyPerKindOfRecord(profile, context) : null;
  return keys ? `records which record it is about by one optional key per kind of record (${keys}), of any kind` : null;
}

/** This many kinds of record, each with its own optional key, make a log of any record. */
const KINDS_OF_RECORD = 4;

/**
 * One nullable key per kind of record (client_id, invoice_id, quote_id, task_id, ...), each row
 * filling the one its event is about: a log of any record, spelt out column by column. Keys to the
 * tenant, to the staff who acted and to the table itself say nothing about the subject.
 */
function keyPerKindOfRecord(profile: TableProfile, context: ScoringContext): string | null {
  const byColumn = new Map(profile.table.columns.map((c) => [c.name, c]));
  const targets = new Map<string, string>();
  const actor = context.chosen.get('staffUser');
  for (const link of profile.outgoing) {
    if (link.columns.length !== 1 || [context.tenantTable, profile.qualified, actor].includes(link.to)) continue;
    const column = byColumn.get(link.columns[0] ?? '');
    if (!column?.nullable || targets.has(link.to)) continue;
    targets.set(link.to, column.name);
  }
  if (targets.size < KINDS_OF_RECORD) return null;
  const names = [...targets.values()];
  return `${names.slice(0, 4).join(', ')}${names.length > 4 ? ', ...' : ''}`;
}

function widelyReferenced(profile: TableProfile): { score: number; reason: string } | null {
  const from = new Set(profile.incoming.map((l) => l.from));
  if (from.size === 0) return null;
  return { score: Math.min(1, from.size / 3), reason: `referenced by ${from.size} table${from.size === 1 ? '' : 's'}` };
}

function tenantTable(profile: TableProfile, context: ScoringContext): { score: number; reason: string } | null {
  if (context.tenantTable === profile.qualified) return { score: 1, reason: 'the tenant column of the schema points here' };
  const from = new Set(profile.incoming.map((l) => l.from));
  return from.size >= 5 ? { score: 0.5, reason: `referenced by ${from.size} tables` } : null;
}

/**
 * A party's ways to reach it kept in a child table (e-mail, phone, ... as type and value rows, or
 * email/phone columns): the mark of the record clients are, whatever the record is called.
 */
// Learned on Tryton's party_contact_mechanism (7877a257).
const contactMechanisms = learnedRule('tryton', partyMechanisms);

function partyMechanisms(profile: TableProfile, context: ScoringContext): string | null {
  for (const link of profile.incoming) {
    const child = context.byName.get(link.from);
    if (!child || child.qualified === profile.qualified) continue;
    const names = new Set(child.table.columns.map((c) => c.name));
    const typed = names.has('type') && names.has('value');
    if (typed || hasRole(child.roles, 'email') || hasRole(child.roles, 'phone'))
      return `its e-mails and phones are kept in a child table (${child.qualified})`;
  }
  return null;
}

const RECORD_REFERENCE_WORDS = new Set(['resource', 'reference', 'record', 'object', 'origin', 'document']);

/** One text column naming any record ("model,id"), as some ORMs store a reference to any table. */
// Learned on Tryton (7877a257): switched off when the audit is scored there.
export const recordReference = learnedRule('tryton', (profile: TableProfile): string | null => referenceColumn(profile));

function referenceColumn(profile: TableProfile): string | null {
  const column = profile.table.columns.find(
    (c) => c.category === 'S' && tokenize(c.name).length === 1 && RECORD_REFERENCE_WORDS.has(tokenize(c.name)[0] ?? ''),
  );
  return column?.name ?? null;
}

const FILE_WORDS = new Set(['file', 'attachment', 'upload', 'blob', 'fichier', 'datei', 'anhang']);

/** A key to the record holding its file (file_id, fk_fichier, attachment_id): the row is about a file kept elsewhere. */
// Learned on EspoCRM's document.file_id (24e29682).
const fileReference = learnedRule('espocrm', (profile: TableProfile): string | null => fileKey(profile));

function fileKey(profile: TableProfile): string | null {
  const column = profile.table.columns.find((c) => {
    const words = tokenize(c.name);
    return words.some((w) => FILE_WORDS.has(w)) && words.some((w) => w === 'id' || w === 'fk') && words.length === 2;
  });
  return column ? `keeps its file in another record (${column.name})` : null;
}

const PROBABILITY_WORDS = new Set(['probability', 'likelihood', 'probabilite', 'wahrscheinlichkeit', 'probabilidad', 'probabilita']);
const CLOSING_WORDS = new Set(['close', 'closing', 'abschluss', 'cloture', 'cierre']);

/**
 * A deal in a sales pipeline (an opportunity or lead): a stage, a win probability, an expected
 * close date, and neither line items nor a document number. It is pursued by the agency, not a
 * document the client receives, even where one of its stages is called "proposal".
 */
// Learned on EspoCRM's opportunity (24e29682): switched off when the audit is scored there.
export const pipelineRecord = learnedRule('espocrm', salesPipelineRecord);

function salesPipelineRecord(profile: TableProfile, context: ScoringContext): string | null {
  const signals: string[] = [];
  for (const column of profile.table.columns) {
    const words = tokenize(column.name);
    if (words.includes('id') || words.includes('fk')) continue;
    if (words.some((w) => PROBABILITY_WORDS.has(w))) signals.push(column.name);
    else if (words.includes('stage')) signals.push(column.name);
    else if (column.category === 'D' && words.some((w) => CLOSING_WORDS.has(w))) signals.push(column.name);
  }
  const kinds = new Set(signals.map((n) => (tokenize(n).includes('stage') ? 'stage' : n)));
  if (kinds.size < 2 || hasRole(profile.roles, 'number') || amountsOnLineItems(profile, context)) return null;
  return `a sales pipeline record (${signals.slice(0, 3).join(', ')}; no line items, no document number): a deal being pursued, not a document sent to the client`;
}

/** Words of a ledger of transactions: debtor_trans, customer_transactions, kundenbuchungen. */
const LEDGER_WORDS = new Set(['trans', 'transaction', 'ledger', 'posting', 'buchung']);

/**
 * The client's transactions of several kinds kept in one table (invoices, credit notes and
 * payments as rows told apart by a kind column: debtor_trans.type), as accounting systems keep a
 * customer ledger: named for transactions, linked to the client, carrying amounts and a column
 * for the kind of row. The invoices are among its rows, the payments too; which code is which is
 * not in the schema, so the adapter reads the rows of one kind only.
 */
// Learned on FrontAccounting (d608e798): switched off when the audit is scored there.
export const typedClientLedger = learnedRule('frontaccounting', clientLedger);

function clientLedger(profile: TableProfile, context: ScoringContext): { kindColumn: string; reason: string } | null {
  if (!profile.tokens.some((t) => LEDGER_WORDS.has(t)) || !hasRole(profile.roles, 'amount')) return null;
  const linked = new Set(profile.outgoing.flatMap((l) => l.columns));
  const kind = profile.table.columns.find((c) => {
    const words = tokenize(c.name);
    return (c.category === 'N' || c.category === 'S') && words[words.length - 1] === 'type' && words.length <= 2 && !linked.has(c.name);
  });
  if (!kind) return null;
  const clients = (['company', 'contact'] as const).map((id) => context.chosen.get(id)).filter((t): t is string => Boolean(t));
  const link = profile.outgoing.find((l) => clients.includes(l.to));
  if (!link) return null;
  return {
    kindColumn: kind.name,
    reason: `the client's transactions of several kinds in one table (${link.columns.join(', ')} → ${link.to}), told apart by ${kind.name}`,
  };
}

/** Words of a client's orders: sales_orders, commande, auftrag. */
const ORDER_WORDS = new Set(['order', 'commande', 'auftrag', 'bestellung', 'pedido', 'ordine']);

/**
 * A client's orders of several kinds in one table, told apart by a kind column (trans_type), as
 * ERPs keep quotations as a kind of sales order: quotations may be among its rows, but nothing in
 * the schema says which kind is one, so such a table is at most an unsure pick for them.
 */
// Learned on FrontAccounting (d608e798): switched off when the audit is scored there.
export const typedClientOrders = learnedRule('frontaccounting', clientOrders);

function clientOrders(profile: TableProfile, context: ScoringContext): string | null {
  if (!profile.tokens.some((t) => ORDER_WORDS.has(t)) || !hasRole(profile.roles, 'amount')) return null;
  const linked = new Set(profile.outgoing.flatMap((l) => l.columns));
  const kind = profile.table.columns.find((c) => {
    const words = tokenize(c.name);
    return (c.category === 'N' || c.category === 'S') && words[words.length - 1] === 'type' && words.length === 2 && !linked.has(c.name);
  });
  const clients = (['company', 'contact'] as const).map((id) => context.chosen.get(id)).filter((t): t is string => Boolean(t));
  const link = profile.outgoing.find((l) => clients.includes(l.to));
  if (!kind || !link) return null;
  return `a client's orders of several kinds (${link.columns.join(', ')} → ${link.to}), told apart by ${kind.name}: quotations may be one kind, which the schema does not name`;
}

function noMoney(profile: TableProfile): string | null {
  return hasRole(profile.roles, 'amount') ? null : 'no money columns (a party, not a document)';
}

const DOCUMENT_COLUMNS: ColumnExpectation[] = [
  { weight: 0.2, reason: 'has an amount column', roles: ['amount'], test: amountsOnLineItems },
  { weight: 0.2, reason: 'has a status column', roles: ['status'] },
  { weight: 0.15, reason: 'has a number/reference column', roles: ['number'] },
  { weight: 0.15, reason: 'has a validity date', roles: ['validUntil'] },
  { weight: 0.15, reason: 'has a title or text', roles: ['title', 'body'] },
  { weight: 0.15, reason: 'can be signed or accepted by the recipient', roles: ['signature', 'decisionTime'] },
];

export const TABLE_CONCEPTS: TableConceptSpec[] = [
  {
    id: 'workspace',
    label: 'Workspaces (tenants)',
    words: TABLE_WORDS.workspace,
    columns: [
      { weight: 0.4, reason: 'has a name or slug', roles: ['name', 'code', 'label'] },
      { weight: 0.2, reason: 'has branding columns', roles: ['branding'] },
      { weight: 0.4, reason: 'no money columns', test: noMoney },
    ],
    links: [],
    graph: tenantTable,
    genericSignature: true,
    lookupPenalty: false,
  },
  {
    id: 'company',
    label: 'Client companies',
    words: TABLE_WORDS.company,
    columns: [
      { weight: 0.3, reason: 'has a name column', roles: ['name'] },
      { weight: 0.3, reason: 'has address/website/tax columns', roles: ['address'] },
      { weight: 0.15, reason: 'has a phone or email', roles: ['phone', 'email'], test: contactMechanisms },
      { weight: 0.25, reason: 'no money columns', test: noMoney },
    ],
    links: [],
    graph: widelyReferenced,
    central: true,
    lookupPenalty: true,
  },
  {
    id: 'contact',
    label: 'Client contacts (people)',
    words: TABLE_WORDS.contact,
    columns: [
      { weight: 0.4, reason: 'has an email column', roles: ['email'] },
      { weight: 0.25, reason: 'has person name columns', roles: ['personName', 'name'] },
      { weight: 0.15, reason: 'has a phone column', roles: ['phone'] },
      { weight: 0.2, reason: 'no money columns', test: noMoney },
    ],
    links: [{ to: ['company'], weight: 1, reason: 'links to the company table' }],
    central: true,
    lookupPenalty: true,
  },
  {
    id: 'staffUser',
    label: 'Staff users',
    words: TABLE_WORDS.staffUser,
    columns: [
      { weight: 0.35, reason: 'has a password column', roles: ['password'] },
      { weight: 0.25, reason: 'has an email or login', roles: ['email', 'login'] },
      { weight: 0.2, reason: 'has a role/admin column', roles: ['staffRole'] },
      { weight: 0.2, reason: 'has name columns', roles: ['personName', 'name'] },
    ],
    links: [],
    genericSignature: true,
    central: true,
    lookupPenalty: true,
  },
  {
    id: 'proposal',
    label: 'Proposals',
    words: TABLE_WORDS.proposal,
    columns: DOCUMENT_COLUMNS,
    links: [{ to: ['company', 'contact'], weight: 1, reason: 'links to the client' }],
    // A status, an amount and a client link fit tickets and contracts as well: the name must say it.
    genericSignature: true,
    central: true,
    lookupPenalty: true,
  },
  {
    id: 'quotation',
    label: 'Quotations',
    words: TABLE_WORDS.quotation,
    columns: DOCUMENT_COLUMNS,
    links: [{ to: ['company', 'contact'], weight: 1, reason: 'links to the client' }],
    // A status, an amount and a client link fit tickets and contracts as well: the name must say it.
    genericSignature: true,
    central: true,
    lookupPenalty: true,
  },
  {
    id: 'invoice',
    label: 'Invoices',
    words: TABLE_WORDS.invoice,
    columns: [
      { weight: 0.25, reason: 'has an amount column', roles: ['amount'], test: amountsOnLineItems },
      { weight: 0.25, reason: 'has a due date', roles: ['dueDate'] },
      { weight: 0.25, reason: 'has a status or paid column', roles: ['status', 'paid'] },
      { weight: 0.25, reason: 'has a number/reference column', roles: ['number'] },
    ],
    links: [{ to: ['company', 'contact'], weight: 1, reason: 'links to the client' }],
    central: true,
    lookupPenalty: true,
  },
  {
    id: 'payment',
    label: 'Payments',
    words: TABLE_WORDS.payment,
    columns: [
      { weight: 0.4, reason: 'has an amount column', roles: ['amount'] },
      { weight: 0.2, reason: 'has a date', roles: ['timestamp'] },
      { weight: 0.2, reason: 'has a payment method', roles: ['paymentMethod'] },
      { weight: 0.2, reason: 'has a reference', roles: ['number'] },
    ],
    links: [{ to: ['invoice'], weight: 1, reason: 'links to invoices' }],
    lookupPenalty: true,
  },
  {
    id: 'task',
    label: 'Tasks',
    words: TABLE_WORDS.task,
    columns: [
      { weight: 0.25, reason: 'has a title', roles: ['title', 'name', 'label'] },
      { weight: 0.2, reason: 'has a due or end date', roles: ['dueDate'] },
      { weight: 0.3, reason: 'has a status/progress column', roles: ['status', 'done'] },
      { weight: 0.25, reason: 'has an assignee', roles: ['assignee'] },
    ],
    links: [{ to: ['company', 'contact'], weight: 1, reason: 'links to a client or contact' }],
    polymorphicCountsAsLink: true,
    genericSignature: true,
    central: true,
    lookupPenalty: true,
  },
  {
    id: 'document',
    label: 'Documents and files',
    words: TABLE_WORDS.document,
    columns: [
      { weight: 0.35, reason: 'has a file name or path', roles: ['fileName'], test: fileReference },
      { weight: 0.3, reason: 'has content, size or MIME type', roles: ['fileContent', 'fileSize', 'mimeType'] },
      { weight: 0.15, reason: 'has a date', roles: ['timestamp'] },
      // What the host already shows its clients outweighs what a table is called.
      { weight: 0.2, reason: 'has a client-visibility flag or share link', roles: ['visibility', 'portalFlag', 'shareToken'] },
    ],
    links: [
      { to: ['company', 'contact', 'proposal', 'quotation', 'invoice', 'task'], weight: 1, reason: 'attached to a client or record' },
    ],
    polymorphicCountsAsLink: true,
    genericSignature: true,
    central: true,
    lookupPenalty: true,
  },
  {
    id: 'comment',
    label: 'Comments and messages',
    words: TABLE_WORDS.comment,
    columns: [
      { weight: 0.5, reason: 'has a text body', roles: ['body'] },
      { weight: 0.25, reason: 'has an author', roles: ['actor'] },
      { weight: 0.25, reason: 'has a date', roles: ['timestamp'] },
    ],
    links: [
      { to: ['proposal', 'quotation', 'invoice', 'task', 'document', 'company', 'contact'], weight: 1, reason: 'attached to a record' },
    ],
    polymorphicCountsAsLink: true,
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'activityLog',
    label: 'Activity log',
    words: TABLE_WORDS.activityLog,
    // Who did what to which record, and when; a log that covers one feature is not it.
    columns: [
      { weight: 0.25, reason: 'has an event/action column', roles: ['eventName'] },
      { weight: 0.15, reason: 'has a timestamp', roles: ['timestamp'] },
      { weight: 0.2, reason: 'has an actor', roles: ['actor'] },
      { weight: 0.2, reason: 'names its subject', test: logSubject },
      { weight: 0.1, reason: 'records IP or user agent', roles: ['ipAddress', 'userAgent'] },
      { weight: 0.1, reason: 'has a description', roles: ['body'] },
    ],
    links: [{ to: ['staffUser', 'contact', 'company'], weight: 1, reason: 'links to who acted' }],
    polymorphicCountsAsLink: true,
    allowModifiers: ['history or log'],
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'ticket',
    label: 'Support tickets',
    words: TABLE_WORDS.ticket,
    columns: [
      { weight: 0.2, reason: 'has a number/reference column', roles: ['number'] },
      { weight: 0.2, reason: 'has a subject or text', roles: ['title', 'body'] },
      { weight: 0.25, reason: 'has a status or closed marker', roles: ['status', 'done'] },
      { weight: 0.2, reason: 'has an assignee', roles: ['assignee'] },
      { weight: 0.15, reason: 'has a date', roles: ['timestamp'] },
    ],
    links: [{ to: ['company', 'contact'], weight: 1, reason: 'links to the client' }],
    // A status, a subject and a client link fit tasks and proposals as well: the name must say it.
    genericSignature: true,
    central: true,
    lookupPenalty: true,
  },
  {
    id: 'ticketMessage',
    label: 'Ticket messages',
    words: TABLE_WORDS.ticketMessage,
    columns: [
      { weight: 0.45, reason: 'has a text body', roles: ['body'] },
      { weight: 0.3, reason: 'has an author', roles: ['actor'] },
      { weight: 0.25, reason: 'has a date', roles: ['timestamp'] },
    ],
    // Messages of any record are comments; the messages of a ticket hang off the ticket. A shared
    // table of events of any record holds them as rows of one kind, which the data says
    // (findings/tickets.ts), not the schema.
    links: [{ to: ['ticket'], weight: 1, reason: 'hangs off a ticket' }],
    genericSignature: true,
    lookupPenalty: true,
  },
  {
    id: 'project',
    label: 'Projects',
    words: TABLE_WORDS.project,
    columns: [
      { weight: 0.3, reason: 'has a name or title', roles: ['name', 'title', 'label'] },
      { weight: 0.25, reason: 'has a status', roles: ['status', 'done'] },
      { weight: 0.2, reason: 'has a start or end date', test: startOrEnd },
      { weight: 0.15, reason: 'has a number/reference column', roles: ['number'] },
      { weight: 0.1, reason: 'has a description', roles: ['body'] },
    ],
    links: [{ to: ['company', 'contact'], weight: 1, reason: 'links to the client' }],
    graph: tasksHangOff,
    genericSignature: true,
    central: true,
    lookupPenalty: true,
  },
  {
    id: 'projectPhase',
    label: 'Project phases',
    words: TABLE_WORDS.projectPhase,
    columns: [
      { weight: 0.3, reason: 'has a name or title', roles: ['name', 'title', 'label'] },
      { weight: 0.25, reason: 'has a status or completion', roles: ['status', 'done'] },
      { weight: 0.25, reason: 'has a start or end date', test: startOrEnd },
      { weight: 0.2, reason: 'has an order', test: ordering },
    ],
    links: [{ to: ['project'], weight: 1, reason: 'belongs to a project' }],
    graph: tasksHangOff,
    genericSignature: true,
    lookupPenalty: true,
  },
  // Scored after every concept above, so none of their picks moves.
  ...SECTION_CONCEPTS,
  // Then what the client has with the agency, scored last so no earlier pick moves.
  ...AGREEMENT_CONCEPTS,
];

// Dolibarr's own dateo/datee, read off its llx_projet (f7dc7fe0).
const START_END_WORDS = taggedSet(['start', 'end', 'begin', 'debut', 'fin', 'beginn', 'ende', 'due'], { dolibarr: ['dateo', 'datee'] });

/** A start or end date (start_date, end_date, Dolibarr's dateo/datee): the span a project or phase runs. */
function startOrEnd(profile: TableProfile): string | null {
  const column = profile.table.columns.find((c) => c.category === 'D' && tokenize(c.name).some((w) => START_END_WORDS.has(w)));
  return column ? `has a start or end date: ${column.name}` : null;
}

const RANK_WORDS = new Set(['order', 'position', 'rank', 'rang', 'sequence', 'seq', 'sort', 'reihenfolge']);

/** A column that orders the rows among their siblings (order_number, rang, sort_order). */
function ordering(profile: TableProfile): string | null {
  const column = profile.table.columns.find((c) => tokenize(c.name).some((w) => RANK_WORDS.has(w)));
  return column ? `has an order: ${column.name}` : null;
}

/**
 * The chosen tasks point here, directly or through their parents (a task → its phase → its
 * project): the records a client's work is grouped by.
 */
function tasksHangOff(profile: TableProfile, context: ScoringContext): { score: number; reason: string } | null {
  const tasks = context.chosen.get('task');
  const task = tasks ? context.byName.get(tasks) : undefined;
  if (!task || task === profile) return null;
  const direct = task.outgoing.find((l) => l.to === profile.qualified);
  if (direct) return { score: 1, reason: `the tasks point here (${direct.columns.join(', ')})` };
  const path = parentPathTo(task, [profile.qualified], context);
  return path ? { score: 0.8, reason: `the tasks belong here through their parents (${task.qualified} → ${path})` } : null;
}
