// What the agency issued and sent in Dolibarr after the portal's cursor, for clients' notifications:
// invoices validated (llx_facture past draft; date_valid holds the day only, so the moment is tms,
// which Dolibarr's update trigger sets when the invoice is validated), proposals validated
// (llx_propal fk_statut 1, date_valid a timestamp), tasks assigned to a client's contact
// (llx_element_contact, whose datecreate add_contact() writes), shipments validated (llx_expedition
// past draft, date_valid a timestamp Expedition::valid writes) of an order the client sees, and
// interventions validated on a client's contract (their hours count against its allowances). Each
// read starts a few minutes before its cursor (never before where the first read started), so a
// validation committed after a later one is not missed; the portal tells each person once. Timestamps are Dolibarr's (without zone) and
// compared as Dolibarr wrote them: the cursor is the newest value read, never this process's clock;
// the first read starts at the moment the portal began to follow the workspace (the database's
// clock, in its zone). Scoped by entity and to client companies.
import { INVOICE_CLOSED, INVOICE_VALIDATED, LISTED_TYPES } from './invoices.ts';
import { clientCompanyIds, type Db } from './db.ts';
import { PROPAL_VALIDATED } from './proposals.ts';
import {
  clientInterventionsSeen,
  clientOrdersSeen,
  projectSeenBySql,
  SHOWN_PROJECT_STATUSES,
  SHOWN_SHIPMENT_STATUSES,
  TASK_DONE_SQL,
  taskShownSql,
} from './visibility.ts';

/** A position: a timestamp as text (AT), or '-infinity' for a table with nothing yet. */
interface Positions {
  invoices: string;
  proposals: string;
  tasks: string;
}

/**
 * Where the next read starts, and where the first read started: a read looks back a little
 * before its position, but never to what was there before the portal first read.
 */
export interface NewsCursor extends Positions {
  /**
   * The invoices validated on the first read's start day before it (invoicesValidatedBefore), kept
   * while reads still take that day's invoices; absent from a cursor written before they were noted.
   */
  invoicesBefore?: number[];
  /** The newest ticket answer's event id read (with the tickets option only). */
  tickets?: string;
  /** The newest ticket status change's number read (ticket-statuses.ts; with the tickets option only). */
  statuses?: string;
  /** The newest shipment validation read (absent from a cursor written before shipments were read). */
  shipments?: string;
  /** The newest intervention validation read (absent from a cursor written before interventions were read). */
  interventions?: string;
  start: Positions & { tickets?: string; shipments?: string; interventions?: string };
}

export interface NewsRow {
  rowid: number;
  fk_soc: number;
  ref: string;
  ref_client: string | null;
  at: string;
}

const OVERLAP = "interval '5 minutes'";
/** Fixed width, so that positions compare as text (and '-infinity' before any). */
const AT = (column: string) => `to_char(${column}, 'YYYY-MM-DD HH24:MI:SS.US')`;
const BATCH = 500;

/**
 * Which rows a read takes: 'new' ones, after the position (a batch at most, oldest first: the
 * position moves to the newest), or 'recent' ones, from a few minutes before it through it (the
 * look back: a row committed late, at a moment already passed; never before the first read).
 * Apart, so that a crowd of recent rows cannot keep new ones from being read.
 */
export type Part = 'new' | 'recent';

function inPart(column: string, after: string, start: string, part: Part): [string, string[]] {
  return part === 'new'
    ? [`${column} > ?::timestamp`, [after]]
    : [`${column} > greatest(?::timestamp - ${OVERLAP}, ?::timestamp) and ${column} <= ?::timestamp`, [after, start, after]];
}

/**
 * Where a first read starts: the moment the portal began to follow the workspace, as Dolibarr's
 * columns hold moments (timestamps without zone, in the database's zone: tms is written by
 * PostgreSQL's now() in Dolibarr's update trigger), so what was validated or assigned after it is
 * news and nothing before it.
 */
export async function newsStartAt(db: Db, startedAt: Date): Promise<NewsCursor> {
  const result = await db.raw<{ rows: Array<{ at: string }> }>(`select ${AT('?::timestamptz::timestamp')} as at`, [startedAt]);
  const at = result.rows[0]!.at;
  const positions = { invoices: at, proposals: at, tasks: at, shipments: at, interventions: at };
  return { ...positions, start: positions };
}

/** Where Dolibarr is now, as a position: for a part a saved cursor did not read yet. */
export async function newsPositionNow(db: Db): Promise<string> {
  const result = await db.raw<{ rows: Array<{ at: string }> }>(`select ${AT('localtimestamp')} as at`);
  return result.rows[0]!.at;
}

/**
 * Invoices validated since the cursor (changed since, and validated on the cursor's day or
 * later: an old invoice paid today is not news), oldest first, a batch at most; never one of
 * `before` (invoicesValidatedBefore: validated on the day the portal began to follow, before it).
 */
export function invoicesValidatedSince(
  db: Db,
  entity: number,
  after: string,
  start: string,
  part: Part,
  before: readonly number[] = [],
): Promise<NewsRow[]> {
  const query = db('llx_facture as f')
    .where('f.entity', entity)
    .whereIn('f.fk_soc', clientCompanyIds(db, entity))
    .whereIn('f.fk_statut', [INVOICE_VALIDATED, INVOICE_CLOSED])
    .whereIn('f.type', LISTED_TYPES)
    .andWhereRaw(...inPart('f.tms', after, start, part))
    .andWhereRaw(`f.date_valid >= (?::timestamp - ${OVERLAP})::date`, [after]);
  if (before.length > 0) query.whereNotIn('f.rowid', before);
  return query
    .orderBy('f.tms')
    .limit(BATCH)
    .select<NewsRow[]>('f.rowid', 'f.fk_soc', 'f.ref', 'f.ref_client', db.raw(`${AT('f.tms')} as at`));
}

/** How many invoices of the first day invoicesValidatedBefore notes, at most. */
export const INVOICES_BEFORE_LIMIT = 5_000;

/**
 * The invoices validated on the day the portal began to follow the workspace (`start`), before
 * it: unchanged since (tms not after it). date_valid holds the day only, so from that day's
 * date_valid alone such an invoice, touched again that day (its PDF generated again, which writes
 * last_main_doc; a payment), looks as new as one validated after the start. Read once, at the first read.
 */
export function invoicesValidatedBefore(db: Db, entity: number, start: string): Promise<number[]> {
  return db('llx_facture as f')
    .where('f.entity', entity)
    .whereIn('f.fk_statut', [INVOICE_VALIDATED, INVOICE_CLOSED])
    .whereIn('f.type', LISTED_TYPES)
    .andWhereRaw(`f.date_valid >= (?::timestamp - ${OVERLAP})::date`, [start])
    .andWhereRaw('f.tms <= ?::timestamp', [start])
    .orderBy('f.rowid')
    .limit(INVOICES_BEFORE_LIMIT)
    .pluck('f.rowid');
}

/**
 * Whether a read from `at` may still take an invoice validated on `start`'s day (it looks back
 * OVERLAP before its position): once it cannot, the invoices of that day need no noting.
 */
export function readsTheDayOf(at: string, start: string): boolean {
  if (at === '-infinity' || start === '-infinity') return true;
  const lookBack = new Date(new Date(`${at.replace(' ', 'T')}Z`).getTime() - 5 * 60_000);
  return lookBack.toISOString().slice(0, 10) <= start.slice(0, 10);
}

/** Proposals validated (open for the client's answer) since the cursor, oldest first, a batch at most. */
export function proposalsValidatedSince(db: Db, entity: number, after: string, start: string, part: Part): Promise<NewsRow[]> {
  return db('llx_propal as p')
    .where({ 'p.entity': entity, 'p.fk_statut': PROPAL_VALIDATED })
    .whereIn('p.fk_soc', clientCompanyIds(db, entity))
    .andWhereRaw(...inPart('p.date_valid', after, start, part))
    .orderBy('p.date_valid')
    .limit(BATCH)
    .select<NewsRow[]>('p.rowid', 'p.fk_soc', 'p.ref', 'p.ref_client', db.raw(`${AT('p.date_valid')} as at`));
}

export interface TaskNewsRow {
  rowid: number;
  fk_soc: number;
  ref: string | null;
  label: string;
  fk_socpeople: number;
  at: string;
}

/**
 * Tasks assigned to a contact of a client company since the cursor: an external contact of the
 * task (llx_c_type_contact element 'project_task', source 'external') who belongs to the project's
 * company, on a task that contact sees (visibility.ts: never one of a private project they are
 * not linked to) and not done; oldest first, a batch at most.
 */
export function tasksAssignedSince(db: Db, entity: number, after: string, start: string, part: Part): Promise<TaskNewsRow[]> {
  return db('llx_element_contact as ec')
    .join('llx_c_type_contact as tc', 'tc.rowid', 'ec.fk_c_type_contact')
    .join('llx_projet_task as t', 't.rowid', 'ec.element_id')
    .join('llx_projet as j', function joinProject() {
      this.on('j.rowid', '=', 't.fk_projet').andOn('j.entity', '=', 't.entity');
    })
    .join('llx_socpeople as c', function joinContact() {
      this.on('c.rowid', '=', 'ec.fk_socpeople').andOn('c.fk_soc', '=', 'j.fk_soc');
    })
    .where({ 't.entity': entity, 'tc.element': 'project_task', 'tc.source': 'external' })
    .whereIn('j.fk_soc', clientCompanyIds(db, entity))
    .whereRaw(taskShownSql('t'))
    .whereIn('j.fk_statut', SHOWN_PROJECT_STATUSES)
    .andWhereRaw(projectSeenBySql('j', 'ec.fk_socpeople'))
    .andWhereRaw(`not ${TASK_DONE_SQL}`)
    .andWhereRaw(...inPart('ec.datecreate', after, start, part))
    .orderBy('ec.datecreate')
    .limit(BATCH)
    .select<TaskNewsRow[]>('t.rowid', 'j.fk_soc', 't.ref', 't.label', 'ec.fk_socpeople', db.raw(`${AT('ec.datecreate')} as at`));
}

export interface TicketAnswerRow {
  /** The ticket's rowid. */
  rowid: number;
  fk_soc: number;
  ref: string;
  subject: string | null;
  /** The answer's llx_actioncomm id, as text: the position. */
  at: string;
}

/** Ids an answer's read looks back over, for an event committed after one with a higher id. */
const ANSWER_LOOK_BACK = 200;

/** The newest agenda event already there (as text; '0' for none): answers are read after it. */
export async function ticketNewsStart(db: Db, entity: number): Promise<string> {
  const row = await db('llx_actioncomm').where({ entity }).max<{ max: number | null }>('id as max').first();
  return String(row?.max ?? 0);
}

/**
 * The newest agenda event created by `startedAt` (as text; '0' for none): a first read tells the
 * answers after it. llx_actioncomm has no index by creation, so this reads the entity's events
 * once, on the workspace's first read only.
 */
export async function ticketNewsStartAt(db: Db, entity: number, startedAt: Date): Promise<string> {
  const row = await db('llx_actioncomm')
    .where({ entity })
    .andWhereRaw('datec <= ?::timestamptz::timestamp', [startedAt])
    .max<{ max: number | null }>('id as max')
    .first();
  return String(row?.max ?? 0);
}

/**
 * The agency's answers on client companies' tickets after the cursor, from the agenda: public
 * messages (Ticket::createTicketMessage's TICKET_MSG, or TICKET_MSG_SENTBYMAIL when staff mailed
 * it too; never the TICKET_MSG_PRIVATE notes) written by an internal user (fk_user_author one with
 * no fk_soc: an external login writes as its client, and a message from the public pages has no
 * user). Status changes are not read here but from llx_ticket itself (ticket-statuses.ts): the
 * close and assign events are there only where the agenda's setup records them, a status set from
 * the ticket card's menu has none, and one change read from both would be told twice.
 * By the event's id, which Dolibarr's sequence gives in order: 'new' ones after the position (a
 * batch at most, oldest first), 'recent' ones a few hundred ids back through it (never before the start).
 */
export function ticketAnswersSince(db: Db, entity: number, after: string, start: string, part: Part): Promise<TicketAnswerRow[]> {
  const query = db('llx_actioncomm as a')
    .join('llx_ticket as t', function joinTicket() {
      this.on('t.rowid', '=', 'a.fk_element').andOn('t.entity', '=', 'a.entity');
    })
    .join('llx_user as u', 'u.rowid', 'a.fk_user_author')
    .where({ 'a.entity': entity, 'a.elementtype': 'ticket' })
    .whereIn('a.code', ['TICKET_MSG', 'TICKET_MSG_SENTBYMAIL'])
    .whereNull('u.fk_soc')
    .whereIn('t.fk_soc', clientCompanyIds(db, entity));
  if (part === 'new') query.where('a.id', '>', Number(after));
  else query.where('a.id', '>', Math.max(Number(after) - ANSWER_LOOK_BACK, Number(start))).andWhere('a.id', '<=', Number(after));
  return query
    .orderBy('a.id')
    .limit(BATCH)
    .select<TicketAnswerRow[]>('t.rowid', 't.fk_soc', 't.ref', 't.subject', db.raw('a.id::text as at'));
}

export interface ShipmentNewsRow {
  /** The shipment's rowid. */
  rowid: number;
  order_id: number;
  fk_soc: number;
  order_ref: string;
  ref_client: string | null;
  at: string;
}

/**
 * Shipments validated since the cursor (sent, or delivered since) of an order the client sees
 * (visibility.ts): the order linked to the shipment (llx_element_element commande → shipping, as
 * Expedition::create writes it from an order), or else the one its lines carry; oldest first, a
 * batch at most.
 */
export function shipmentsValidatedSince(db: Db, entity: number, after: string, start: string, part: Part): Promise<ShipmentNewsRow[]> {
  const orderOf = `coalesce(
      (select ee.fk_source from llx_element_element ee
        where ee.fk_target = e.rowid and ee.targettype = 'shipping' and ee.sourcetype = 'commande' order by ee.rowid limit 1),
      (select x.fk_element from llx_expeditiondet x
        where x.fk_expedition = e.rowid and x.element_type = 'commande' order by x.rowid limit 1))`;
  return db('llx_expedition as e')
    .join(clientOrdersSeen(db, entity).select('o.rowid', 'o.ref', 'o.ref_client', 'o.fk_soc').as('o'), function joinOrder() {
      this.on('o.rowid', '=', db.raw(orderOf)).andOn('o.fk_soc', '=', 'e.fk_soc');
    })
    .where('e.entity', entity)
    .whereIn('e.fk_statut', SHOWN_SHIPMENT_STATUSES)
    .andWhereRaw(...inPart('e.date_valid', after, start, part))
    .orderBy('e.date_valid')
    .limit(BATCH)
    .select<ShipmentNewsRow[]>(
      'e.rowid',
      'o.rowid as order_id',
      'e.fk_soc',
      'o.ref as order_ref',
      'o.ref_client',
      db.raw(`${AT('e.date_valid')} as at`),
    );
}

export interface InterventionNewsRow {
  rowid: number;
  fk_soc: number;
  fk_contrat: number;
  at: string;
}

/**
 * Interventions on a client company's contract validated since the cursor (Fichinter::setValid
 * writes date_valid), whose durations count in the contract's allowances; oldest first, a batch at
 * most.
 */
export function interventionsValidatedSince(
  db: Db,
  entity: number,
  after: string,
  start: string,
  part: Part,
): Promise<InterventionNewsRow[]> {
  return clientInterventionsSeen(db, entity)
    .where('f.fk_contrat', '>', 0)
    .andWhereRaw(...inPart('f.date_valid', after, start, part))
    .orderBy('f.date_valid')
    .limit(BATCH)
    .select<InterventionNewsRow[]>('f.rowid', 'f.fk_soc', 'f.fk_contrat', db.raw(`${AT('f.date_valid')} as at`));
}
