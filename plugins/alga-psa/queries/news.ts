// What the agency issued and sent in Alga PSA after the portal's cursor, for clients' notifications:
// invoices finalized (finalized_at; created_at for an invoice Alga wrote without it) in a status a
// client sees, quotes sent (status 'sent', sent_at) and the agency's answers on tickets (comments
// staff wrote that the client sees, by the moment they were published, and the status changes
// staff made, from the activity timeline). Each read starts a few minutes before its
// cursor (never before where the first read started), so a write committed after a later one is not missed; the portal tells each person once.
// The cursor is the newest value read, never this process's clock. Scoped by tenant and to active
// clients, as the lists are.
import { activeClientIds, type Db } from './db.ts';
import { VISIBLE_COMMENT } from './ticket-activity.ts';

/** A position: a moment as text in UTC (AT), or '-infinity' for a table with nothing yet. */
interface Positions {
  invoices: string;
  quotes: string;
}

/**
 * Where the next read starts, and where the first read started: a read looks back a little
 * before its position, but never to what was there before the portal first read.
 */
export interface NewsCursor extends Positions {
  /** The newest ticket answer's moment read (absent in a cursor written before it was read). */
  tickets?: string;
  /** The newest appointment decision's moment read (absent in a cursor written before they were read). */
  appointments?: string;
  start: Positions & { tickets?: string; appointments?: string };
}

export interface InvoiceNewsRow {
  invoice_id: string;
  client_id: string;
  invoice_number: string;
  at: string;
}

export interface QuoteNewsRow {
  quote_id: string;
  client_id: string;
  quote_number: string | null;
  title: string;
  at: string;
}

const OVERLAP = "interval '5 minutes'";
/** In UTC and fixed width, so that positions compare as text (and '-infinity' before any). */
const AT = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
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
    ? [`${column} > ?::timestamptz`, [after]]
    : [`${column} > greatest(?::timestamptz - ${OVERLAP}, ?::timestamptz) and ${column} <= ?::timestamptz`, [after, start, after]];
}
const ISSUED_AT = 'coalesce(i.finalized_at, i.created_at)';
/** What a client sees of an issued invoice: not draft, prepayment, cancelled or void. */
const ISSUED_STATUSES = ['sent', 'pending', 'overdue', 'partially_applied', 'paid'] as const;

/**
 * Where a first read starts: the moment the portal began to follow the workspace, so what was
 * issued, sent, answered or changed after it is news and nothing before it.
 */
export async function newsStartAt(db: Db, startedAt: Date): Promise<Required<NewsCursor>> {
  const result = await db.raw<{ rows: Array<{ at: string }> }>(`select ${AT('?::timestamptz')} as at`, [startedAt]);
  const at = result.rows[0]!.at;
  const positions = { invoices: at, quotes: at, tickets: at, appointments: at };
  return { ...positions, start: positions };
}

/** Invoices issued since the cursor, oldest first, a batch at most. */
export function invoicesIssuedSince(db: Db, tenant: string, after: string, start: string, part: Part): Promise<InvoiceNewsRow[]> {
  return db('invoices as i')
    .where('i.tenant', tenant)
    .whereIn('i.client_id', activeClientIds(db, tenant))
    .whereIn('i.status', ISSUED_STATUSES)
    .andWhereRaw('coalesce(i.is_prepayment, false) = false')
    .andWhereRaw(...inPart(ISSUED_AT, after, start, part))
    .orderByRaw(ISSUED_AT)
    .limit(BATCH)
    .select<InvoiceNewsRow[]>('i.invoice_id', 'i.client_id', 'i.invoice_number', db.raw(`${AT(ISSUED_AT)} as at`));
}

/** Quotes sent (awaiting the client's answer) since the cursor, oldest first, a batch at most. */
export function quotesSentSince(db: Db, tenant: string, after: string, start: string, part: Part): Promise<QuoteNewsRow[]> {
  return db('quotes as q')
    .where({ 'q.tenant': tenant, 'q.status': 'sent', 'q.is_template': false })
    .whereIn('q.client_id', activeClientIds(db, tenant))
    .andWhereRaw(...inPart('q.sent_at', after, start, part))
    .orderBy('q.sent_at')
    .limit(BATCH)
    .select<QuoteNewsRow[]>('q.quote_id', 'q.client_id', 'q.quote_number', 'q.title', db.raw(`${AT('q.sent_at')} as at`));
}

export interface TicketAnswerRow {
  ticket_id: string;
  /** The answer's comment_id or the status change's audit_id: which happening it is. */
  occurrence: string;
  client_id: string;
  ticket_number: string | null;
  title: string;
  at: string;
}

/**
 * When the client could first read a comment: a scheduled one when it was published (Alga sets
 * published_at then), any other when it was written.
 */
const ANSWERED_AT = 'coalesce(c.published_at, c.created_at)';

/** The newest answer's or status change's moment already there: a first read tells of neither before it. */
export async function ticketNewsStart(db: Db, tenant: string): Promise<string> {
  const result = await db.raw<{ rows: Array<{ at: string }> }>(
    `select coalesce(${AT(`greatest((select max(${ANSWERED_AT}) from comments c where c.tenant = ?),
                                      (select max(l.occurred_at) from ticket_audit_logs l where l.tenant = ?))`)}, '-infinity') as at`,
    [tenant, tenant],
  );
  return result.rows[0]!.at;
}

/**
 * What the agency did on active clients' tickets since the cursor, oldest first, a batch at most
 * (one batch across both, so the position never passes a row of either not read yet):
 * - its answers: comments staff wrote (author_type 'internal') that the client sees (not internal,
 *   in no internal thread, published, not deleted: tickets.ts's rule), by when the client could
 *   first read them. Alga indexes comments by no moment, so this reads the tenant's comments
 *   through the primary key's tenant prefix, in the background pass only;
 * - its status changes: rows of the activity timeline (ticket_audit_logs) whose diff changes
 *   status_id, made by the agency: not in a client portal (source 'client_portal': the client's
 *   own close or reopen, in Alga's portal or this one) nor by a client's contact (actor_type
 *   'contact', or 'email_sender' for a client's mail), by when they happened.
 */
export function ticketAnswersSince(db: Db, tenant: string, after: string, start: string, part: Part): Promise<TicketAnswerRow[]> {
  const answers = db('comments as c')
    .join('tickets as t', function joinTicket() {
      this.on('t.tenant', '=', 'c.tenant').andOn('t.ticket_id', '=', 'c.ticket_id');
    })
    .where({ 'c.tenant': tenant, 'c.author_type': 'internal' })
    .andWhereRaw(VISIBLE_COMMENT)
    .whereIn('t.client_id', activeClientIds(db, tenant))
    .andWhereRaw(...inPart(ANSWERED_AT, after, start, part))
    .select(
      't.ticket_id',
      db.raw(`'comment:' || c.comment_id as occurrence`),
      't.client_id',
      't.ticket_number',
      't.title',
      db.raw(`${AT(ANSWERED_AT)} as at`),
    );
  const statusChanges = db('ticket_audit_logs as l')
    .join('tickets as t', function joinTicket() {
      this.on('t.tenant', '=', 'l.tenant').andOn('t.ticket_id', '=', 'l.ticket_id');
    })
    .where('l.tenant', tenant)
    .whereNot('l.source', 'client_portal')
    .whereNotIn('l.actor_type', ['contact', 'email_sender'])
    .andWhereRaw(`l.changes -> 'status_id' ->> 'new' is not null`)
    .whereIn('t.client_id', activeClientIds(db, tenant))
    .andWhereRaw(...inPart('l.occurred_at', after, start, part))
    .select(
      't.ticket_id',
      db.raw(`'status:' || l.audit_id as occurrence`),
      't.client_id',
      't.ticket_number',
      't.title',
      db.raw(`${AT('l.occurred_at')} as at`),
    );
  return db
    .select<TicketAnswerRow[]>('n.ticket_id', 'n.occurrence', 'n.client_id', 'n.ticket_number', 'n.title', 'n.at')
    .from(answers.unionAll(statusChanges, true).as('n'))
    .orderBy('n.at')
    .limit(BATCH);
}

export interface AppointmentDecisionRow {
  appointment_request_id: string;
  client_id: string;
  contact_id: string | null;
  service_name: string | null;
  /** Which decision: its status and the entry's start (a move is a new one). */
  occurrence: string;
  at: string;
}

/** The moment an appointment request last changed: the request's, or its entry's (staff moving it on the calendar). */
const DECIDED_AT = 'greatest(ar.updated_at, coalesce(se.updated_at, ar.updated_at))';

/** Where the appointments' news start when a cursor has no position for them: where Alga is now. */
export async function appointmentNewsStart(db: Db, tenant: string): Promise<string> {
  const result = await db.raw<{ rows: Array<{ at: string }> }>(
    `select coalesce((select ${AT(`max(${DECIDED_AT})`)} from appointment_requests ar
       left join schedule_entries se on se.tenant = ar.tenant and se.entry_id = ar.schedule_entry_id
       where ar.tenant = ?), '-infinity') as at`,
    [tenant],
  );
  return result.rows[0]!.at;
}

/**
 * The words Alga's schedule writes when its staff delete the entry of an approved request
 * (deleteScheduleEntry: status 'cancelled', schedule_entry_id null): the agency called it off.
 * The client's own cancelling writes 'Cancelled by client' (cancelAppointmentRequest).
 */
const CANCELLED_BY_STAFF = 'Cancelled by MSP';

/**
 * What Alga's staff decided on active clients' appointment requests since the cursor, oldest
 * first, a batch at most: approved (at the time asked, or moved on the calendar), declined, or
 * called off by staff in Alga's schedule (CANCELLED_BY_STAFF), each decision told once (its status
 * and the entry's start; a cancelled one has no entry left). A pending one is no news, nor one the
 * client cancelled: the client made those.
 */
export function appointmentDecisionsSince(
  db: Db,
  tenant: string,
  after: string,
  start: string,
  part: Part,
): Promise<AppointmentDecisionRow[]> {
  return db('appointment_requests as ar')
    .leftJoin('schedule_entries as se', function joinEntry() {
      this.on('se.tenant', '=', 'ar.tenant').andOn('se.entry_id', '=', 'ar.schedule_entry_id');
    })
    .leftJoin('service_catalog as sc', function joinService() {
      this.on('sc.tenant', '=', 'ar.tenant').andOn('sc.service_id', '=', 'ar.service_id');
    })
    .where('ar.tenant', tenant)
    .where((decided) =>
      decided
        .whereIn('ar.status', ['approved', 'declined'])
        .orWhere((cancelled) => cancelled.where('ar.status', 'cancelled').where('ar.declined_reason', CANCELLED_BY_STAFF)),
    )
    .whereIn('ar.client_id', activeClientIds(db, tenant))
    .andWhereRaw(...inPart(DECIDED_AT, after, start, part))
    .select<AppointmentDecisionRow[]>(
      'ar.appointment_request_id',
      'ar.client_id',
      'ar.contact_id',
      'sc.service_name',
      db.raw(`ar.status || ':' || coalesce(${AT('se.scheduled_start')}, '') as occurrence`),
      db.raw(`${AT(DECIDED_AT)} as at`),
    )
    .orderByRaw(`${DECIDED_AT}, ar.appointment_request_id`)
    .limit(BATCH);
}
