// Support tickets of Dolibarr's Ticket module (llx_ticket, created when Setup > Modules turns the
// module on) and their conversation, which Dolibarr keeps as agenda events (llx_actioncomm,
// elementtype 'ticket', fk_element the ticket's rowid), read and written the way Dolibarr's own code
// does (htdocs/ticket/class/ticket.class.php, htdocs/public/ticket/*.php):
//   - a ticket opened by a client is Ticket::create's row, as the public create page fills it: ref
//     from the default numbering module (mod_ticket_simple: TS<yymm>-<nnnn>, one counter over the
//     entity's TS refs), track_id generate_random_id(16), fk_soc, origin_email the person's email,
//     fk_statut 0 (NOT_READ), type/category/severity codes from the ticket dictionaries, the
//     description as message, datec now, and the person as the ticket's SUPPORTCLI contact;
//   - a message is Ticket::createTicketMessage's event: code TICKET_MSG (TICKET_MSG_SENTBYMAIL when
//     staff also mailed it), TICKET_MSG_PRIVATE[_SENTBYMAIL] for staff-only notes, which this module
//     never reads; written from the public side it has no user (fk_user_author null) and the
//     person's email in email_from;
//   - fk_statut (Ticket::STATUS_*): 0 NOT_READ, 1 READ, 2 ASSIGNED, 3 IN_PROGRESS,
//     5 NEED_MORE_INFO (waiting on the requester), 7 WAITING (on hold), 8 CLOSED, 9 CANCELED.
// Every query is scoped by entity and company (fk_soc), and the company must be one of the entity's
// clients: another company's ticket is not found.
//
// Dolibarr's PostgreSQL installer adds no tms trigger to the Ticket module's tables (MySQL's
// ON UPDATE CURRENT_TIMESTAMP keeps it there), so the updates here set tms themselves.
import { randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import { COUNTED_LIVE, countLimitOf, countUpTo } from '../../shared/count-up-to.ts';
import { agendaLabel, insertAgendaEvent } from './agenda.ts';
import type { Db } from './db.ts';
import { noteTicketStatus } from './ticket-statuses.ts';
import { ticketLinkedToLotSql } from './devices.ts';
import { ACTIVITY_SQL, PUBLIC_MESSAGE_CODES } from './ticket-activity.ts';
import { beforeFirstScan, type KeptStatuses, keptTickets, newerTickets, noteTicketOrder } from './ticket-order.ts';
import { keptRowsSeenBy, ticketsSeenAmong, ticketsSeenBy } from './visibility.ts';

export const TICKET_STATUS = {
  notRead: 0,
  read: 1,
  assigned: 2,
  inProgress: 3,
  needMoreInfo: 5,
  waiting: 7,
  closed: 8,
  canceled: 9,
} as const;

const CLOSED_STATUSES = [TICKET_STATUS.closed, TICKET_STATUS.canceled];

/** The agenda events Dolibarr's agenda trigger writes on a ticket's status, where its setup asks for them. */
const STATUS_EVENT_CODES = ['AC_TICKET_CREATE', 'AC_TICKET_ASSIGNED', 'AC_TICKET_CLOSE'] as const;

const STATUS_SQL = 'coalesce(t.fk_statut, 0)';

export interface TicketRow {
  rowid: number;
  ref: string;
  track_id: string;
  subject: string | null;
  message: string | null;
  fk_statut: number;
  fk_user_assign: number | null;
  fk_project: number | null;
  origin_email: string | null;
  category_label: string | null;
  severity_label: string | null;
  type_label: string | null;
  datec: Date | null;
  date_close: Date | null;
  activity: Date;
  /** The keyset position: the activity the list sorted it by, as text to the microsecond. */
  activity_key: string;
  /** Who opened it: the user who created it in Dolibarr, else the company's contact with origin_email. */
  opened_by: string | null;
}

export interface TicketMessageRow {
  id: number;
  note: string | null;
  datep: Date | null;
  datec: Date | null;
  email_from: string | null;
  fk_user_author: number | null;
  user_firstname: string | null;
  user_lastname: string | null;
  user_login: string | null;
  /** The user's company: a client's own Dolibarr login (external user) has one. */
  user_soc: number | null;
  contact_firstname: string | null;
  contact_lastname: string | null;
}

export interface TicketEventRow {
  code: string;
  datep: Date | null;
}

export interface TicketChoiceRow {
  code: string;
  label: string;
}

interface Scope {
  entity: number;
  companyId: number;
}

/** What the company's contacts see of its tickets (visibility.ts). */
const scopedTickets = (db: Db, scope: Scope) => ticketsSeenBy(db, scope);

/** A ticket's columns; `sortedBy`, the SQL of the activity its list sorted it by, where that is not its live one (ticket-order.ts). */
function columns(db: Db, sortedBy = ACTIVITY_SQL) {
  return [
    't.rowid',
    't.ref',
    't.track_id',
    't.subject',
    't.message',
    db.raw(`${STATUS_SQL} as fk_statut`),
    't.fk_user_assign',
    't.fk_project',
    't.origin_email',
    db.raw(
      '(select c.label from llx_c_ticket_category c where c.code = t.category_code and c.entity = t.entity order by c.rowid limit 1) as category_label',
    ),
    db.raw(
      '(select s.label from llx_c_ticket_severity s where s.code = t.severity_code and s.entity = t.entity order by s.rowid limit 1) as severity_label',
    ),
    db.raw(
      '(select y.label from llx_c_ticket_type y where y.code = t.type_code and y.entity = t.entity order by y.rowid limit 1) as type_label',
    ),
    't.datec',
    't.date_close',
    db.raw(`${ACTIVITY_SQL} as activity`),
    db.raw(`to_char(${sortedBy}, 'YYYY-MM-DD"T"HH24:MI:SS.US') as activity_key`),
    db.raw(`coalesce(
      (select nullif(trim(concat_ws(' ', u.firstname, u.lastname)), '') from llx_user u where u.rowid = t.fk_user_create),
      (select nullif(trim(concat_ws(' ', p.firstname, p.lastname)), '') from llx_socpeople p
        where p.fk_soc = t.fk_soc and p.entity = t.entity and lower(trim(p.email)) = lower(trim(t.origin_email))
        order by p.rowid limit 1),
      nullif(trim(t.origin_email), '')) as opened_by`),
  ];
}

/** LIKE's wildcards in a person's text, taken literally. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export interface TicketListArgs extends Scope {
  state: 'open' | 'closed' | 'all';
  waiting?: boolean;
  search?: string;
  /** Only the tickets linked to this device (an llx_product_lot rowid). */
  lotId?: number;
  after?: { at: string; rowid: number } | null;
  limit: number;
}

/**
 * A page of the company's tickets, newest activity first (rowid breaks ties). llx_ticket has no
 * column that holds the last activity (a message does not touch the ticket's row) and the portal
 * adds no index to it, so the page is chosen from each of the company's tickets' activity alone
 * (one probe of llx_actioncomm's fk_element index per ticket); only the page's rows are then read
 * whole. In a transaction of its own with PostgreSQL's JIT off: from a few thousand tickets the
 * planner's estimate passes jit_above_cost, and compiling the query took three times as long as
 * running it (0.4 s against 0.1 s at 5,000 tickets of one company).
 */
export async function listTickets(db: Knex, args: TicketListArgs): Promise<TicketRow[]> {
  return db.transaction(async (trx) => {
    await trx.raw('set local jit = off');
    return ticketPage(trx, args);
  });
}

async function ticketPage(db: Db, args: TicketListArgs): Promise<TicketRow[]> {
  const search = args.search?.trim();
  const filtered = (keys: Knex.QueryBuilder) => {
    if (args.state === 'open') keys.whereRaw(`${STATUS_SQL} not in (${CLOSED_STATUSES.join(', ')})`);
    if (args.state === 'closed') keys.whereRaw(`${STATUS_SQL} in (${CLOSED_STATUSES.join(', ')})`);
    if (args.waiting) keys.whereRaw(`${STATUS_SQL} = ?`, [TICKET_STATUS.needMoreInfo]);
    if (search) {
      const pattern = likePattern(search);
      keys.where((q) => q.whereILike('t.ref', pattern).orWhereILike('t.subject', pattern));
    }
    if (args.lotId !== undefined) keys.whereRaw(ticketLinkedToLotSql('t'), [args.lotId, args.lotId]);
    return keys;
  };
  // The list walks the portal's order of the company's tickets (ticket-order.ts): its kept rows,
  // each read live until the page is full, and those newer than its scan. A search or a device's
  // tickets may match any of the company's tickets, however old: those read them all.
  const keys =
    !search && args.lotId === undefined
      ? db.from(
          db.raw('((?) union all (?) union all (?)) as u', [
            filtered(
              ticketsSeenAmong(db, args, {
                from: keptTickets(db, { ...args, kept: keptStatuses(args), before: args.after ?? null }),
                rowid: 'o.fk_ticket',
              }),
            )
              .select('t.rowid', 'o.activity')
              .orderBy([
                { column: 'o.activity', order: 'desc' },
                { column: 'o.fk_ticket', order: 'desc' },
              ])
              .limit(args.limit),
            filtered(ticketsSeenAmong(db, args, { from: newerTickets(db, args), rowid: 'c.rowid' })).select(
              't.rowid',
              db.raw(`${ACTIVITY_SQL} as activity`),
            ),
            filtered(beforeFirstScan(scopedTickets(db, args), args.entity)).select('t.rowid', db.raw(`${ACTIVITY_SQL} as activity`)),
          ]),
        )
      : filtered(scopedTickets(db, args)).select('t.rowid', db.raw(`${ACTIVITY_SQL} as activity`));
  const page = db.select('k.rowid', 'k.activity').from(keys.as('k'));
  if (args.after) page.whereRaw('(k.activity, k.rowid) < (?::timestamp, ?)', [args.after.at, args.after.rowid]);
  page
    .orderBy([
      { column: 'k.activity', order: 'desc' },
      { column: 'k.rowid', order: 'desc' },
    ])
    .limit(args.limit);
  return db
    .with('page', page)
    .from('llx_ticket as t')
    .join('page as p', 'p.rowid', 't.rowid')
    .orderBy([
      { column: 'p.activity', order: 'desc' },
      { column: 'p.rowid', order: 'desc' },
    ])
    .select<TicketRow[]>(columns(db, 'p.activity'));
}

/** The kept rows a list with these filters walks: the statuses it shows, as of the scan. */
function keptStatuses(args: { state: 'open' | 'closed' | 'all'; waiting?: boolean }): KeptStatuses {
  if (args.waiting) return { in: [TICKET_STATUS.needMoreInfo] };
  if (args.state === 'open') return { notIn: CLOSED_STATUSES };
  if (args.state === 'closed') return { in: CLOSED_STATUSES };
  return { all: true };
}

export async function findTicket(db: Db, args: Scope & { rowid: number; forUpdate?: boolean }): Promise<TicketRow | null> {
  if (args.forUpdate) {
    // Locks the ticket's row first, so a reply and a status change on one ticket queue.
    const locked = await scopedTickets(db, args).where('t.rowid', args.rowid).forUpdate().first('t.rowid');
    if (!locked) return null;
  }
  const row = await scopedTickets(db, args).where('t.rowid', args.rowid).first<TicketRow | undefined>(columns(db));
  return row ?? null;
}

/** The public messages of a ticket, oldest first, with who wrote each. */
export async function listTicketMessages(db: Db, args: { entity: number; ticketId: number }): Promise<TicketMessageRow[]> {
  return db('llx_actioncomm as a')
    .leftJoin('llx_user as u', 'u.rowid', 'a.fk_user_author')
    .leftJoin('llx_socpeople as p', function joinContact() {
      this.on('p.rowid', '=', 'a.fk_contact').andOn('p.entity', '=', 'a.entity');
    })
    .where({ 'a.entity': args.entity, 'a.elementtype': 'ticket', 'a.fk_element': args.ticketId })
    .whereIn('a.code', PUBLIC_MESSAGE_CODES)
    .orderByRaw('coalesce(a.datep, a.datec) asc, a.id asc')
    .select<TicketMessageRow[]>([
      'a.id',
      'a.note',
      'a.datep',
      'a.datec',
      'a.email_from',
      'a.fk_user_author',
      'u.firstname as user_firstname',
      'u.lastname as user_lastname',
      'u.login as user_login',
      'u.fk_soc as user_soc',
      'p.firstname as contact_firstname',
      'p.lastname as contact_lastname',
    ]);
}

/** The status events Dolibarr's agenda trigger wrote on the ticket, oldest first. */
export async function listTicketStatusEvents(db: Db, args: { entity: number; ticketId: number }): Promise<TicketEventRow[]> {
  return db('llx_actioncomm')
    .where({ entity: args.entity, elementtype: 'ticket', fk_element: args.ticketId })
    .whereIn('code', STATUS_EVENT_CODES)
    .orderByRaw('coalesce(datep, datec) asc, id asc')
    .select<TicketEventRow[]>(['code', db.raw('coalesce(datep, datec) as datep')]);
}

/**
 * The company's open tickets and those waiting on the client, each counted up to countLimit, in
 * one statement: an imported heap of open tickets costs the dashboard what a few do.
 */
export async function ticketCounts(db: Db, args: Scope & { countLimit: number }): Promise<{ open: number; waiting: number }> {
  // Up to the limit of each, among the rows the portal's order keeps of that status and those
  // newer than its scan (ticket-order.ts). The newer ones and the COUNTED_LIVE most recently active
  // kept ones are read live; past those, a kept row counts as the last scan left it (why:
  // count-up-to.ts). The client's own status changes note the kept row (noteTicketOrder).
  const counted = (condition: string, kept: KeptStatuses) => {
    const walked = () =>
      keptTickets(db, { ...args, kept, before: null }).orderBy([
        { column: 'o.activity', order: 'desc' },
        { column: 'o.fk_ticket', order: 'desc' },
      ]);
    const among = (candidates: { from: Knex.QueryBuilder; rowid: string }) =>
      ticketsSeenAmong(db, args, candidates).whereRaw(condition).select(db.raw('1'));
    const rows = db.from(
      db.raw('((?) union all (?) union all (?) union all (?)) as u', [
        among({ from: db.from(walked().limit(COUNTED_LIVE).select('o.fk_ticket').as('k')), rowid: 'k.fk_ticket' }),
        keptRowsSeenBy(
          db,
          args,
          db.from(walked().offset(COUNTED_LIVE).limit(countLimitOf(args.countLimit)).select(db.raw('1')).as('r')),
        ).select(db.raw('1')),
        among({ from: newerTickets(db, args), rowid: 'c.rowid' }),
        beforeFirstScan(scopedTickets(db, args), args.entity).whereRaw(condition).select(db.raw('1')),
      ]),
    );
    return countUpTo(db, rows, args.countLimit);
  };
  const row = await db.first<{ open: number; waiting: number } | undefined>(
    db.raw('(?) as open', [counted(`${STATUS_SQL} not in (${CLOSED_STATUSES.join(', ')})`, keptStatuses({ state: 'open' }))]),
    db.raw('(?) as waiting', [counted(`${STATUS_SQL} = ${TICKET_STATUS.needMoreInfo}`, keptStatuses({ state: 'open', waiting: true }))]),
  );
  return { open: Number(row?.open ?? 0), waiting: Number(row?.waiting ?? 0) };
}

export type TicketDictionary = 'llx_c_ticket_type' | 'llx_c_ticket_category' | 'llx_c_ticket_severity';

/**
 * The active rows of a ticket dictionary of the entity, in Dolibarr's order (pos, which the type and
 * severity dictionaries keep as text). Categories: only those marked public, as Dolibarr's public
 * ticket form offers them; the others are the agency's own.
 */
export async function ticketChoices(db: Db, args: { entity: number; dictionary: TicketDictionary }): Promise<TicketChoiceRow[]> {
  const query = db(args.dictionary).where({ entity: args.entity }).andWhere('active', '>', 0);
  if (args.dictionary === 'llx_c_ticket_category') query.where('public', 1);
  return query
    .orderByRaw("case when pos::text ~ '^[0-9]+$' then pos::text::int end asc nulls last, label asc, code asc")
    .select<TicketChoiceRow[]>(['code', 'label']);
}

/**
 * The row Dolibarr's public ticket form preselects (FormTicket::selectGroupTickets, selectTypesTickets,
 * selectSeveritiesTickets with 'ifone'): the default row (use_default 1), else the only row offered
 * ("If only 1 choice, we autoselect it"), so the form posts it; null where neither.
 */
export async function defaultTicketChoice(db: Db, args: { entity: number; dictionary: TicketDictionary }): Promise<string | null> {
  const query = db(args.dictionary).where({ entity: args.entity }).andWhere('active', '>', 0);
  if (args.dictionary === 'llx_c_ticket_category') query.where('public', 1);
  const rows = await query
    .orderByRaw('use_default desc nulls last, rowid')
    .limit(2)
    .select<Array<{ code: string; use_default: number | null }>>('code', 'use_default');
  const [first] = rows;
  if (!first) return null;
  return Number(first.use_default) === 1 || rows.length === 1 ? first.code : null;
}

/** Whether the code is an active (for categories: public) row of the dictionary. */
export async function isTicketChoice(db: Db, args: { entity: number; dictionary: TicketDictionary; code: string }): Promise<boolean> {
  const query = db(args.dictionary).where({ entity: args.entity, code: args.code }).andWhere('active', '>', 0);
  if (args.dictionary === 'llx_c_ticket_category') query.where('public', 1);
  return Boolean(await query.first('rowid'));
}

/** Whether the Ticket module's tables are in this database (the module was turned on once). */
export async function ticketTablesExist(db: Db): Promise<boolean> {
  const result = await db.raw(
    `select count(*)::int as n from unnest(array['llx_ticket', 'llx_c_ticket_type', 'llx_c_ticket_category', 'llx_c_ticket_severity']) as name
      where to_regclass(name) is not null`,
  );
  return Number((result.rows as Array<{ n: number }>)[0]?.n ?? 0) === 4;
}

/** yymm of a date in the server's time zone, as PHP's dol_print_date(…, '%y%m') gives it. */
const yymm = (date: Date) => `${String(date.getFullYear() % 100).padStart(2, '0')}${String(date.getMonth() + 1).padStart(2, '0')}`;

/** mod_ticket_simple::getNextValue: the entity's highest TS counter plus one, 4 digits until 9999. */
async function nextTicketRef(trx: Db, entity: number, at: Date): Promise<string> {
  // Serialises ref numbering per entity inside the transaction (released at commit or rollback).
  await trx.raw('select pg_advisory_xact_lock(?, ?)', [0x646f6c74, entity]);
  const row = await trx('llx_ticket')
    .where('entity', entity)
    .andWhereRaw("ref like 'TS____-%'")
    .first<{ max: number | null }>(
      trx.raw("max(case when substring(ref from 8) ~ '^[0-9]+$' then substring(ref from 8)::bigint end) as max"),
    );
  const next = Number(row?.max ?? 0) + 1;
  return `TS${yymm(at)}-${next >= 9999 ? String(next) : String(next).padStart(4, '0')}`;
}

// htdocs/core/lib/ticket.lib.php, generate_random_id(): $chaine = "abcdefghijklmnopqrstuvwxyz123456789"
// (lower case and 1-9: no 0, no capitals), $car = 16 characters.
const TRACK_ID_CHARS = 'abcdefghijklmnopqrstuvwxyz123456789';

/** generate_random_id(16): the public key Dolibarr's public ticket pages find a ticket by. */
function generateTrackId(length = 16): string {
  let id = '';
  for (let i = 0; i < length; i++) id += TRACK_ID_CHARS[randomInt(TRACK_ID_CHARS.length)];
  return id;
}

export interface NewTicketRow extends Scope {
  originEmail: string;
  subject: string;
  /** Already HTML, as Dolibarr's forms store it. */
  message: string;
  typeCode: string | null;
  categoryCode: string | null;
  severityCode: string | null;
  /** The client's address: create_ticket.php sets $object->ip = getUserRemoteIP(). */
  ip: string | null;
  /** The staff-only note (the Notes tab): the device a ticket is about, where it is about one. */
  notePrivate?: string | null;
}

/** Ticket::create's insert, in the caller's transaction; answers the new rowid and ref. */
export async function insertTicket(trx: Db, args: NewTicketRow): Promise<{ rowid: number; ref: string }> {
  const now = new Date();
  const ref = await nextTicketRef(trx, args.entity, now);
  const [row] = await trx('llx_ticket')
    .insert({
      ref,
      track_id: generateTrackId(),
      fk_soc: args.companyId,
      fk_project: null,
      // Ticket::create: "($this->fk_contract > 0 ? … : "null")": NULL, not the column's default 0.
      fk_contract: null,
      origin_email: args.originEmail.slice(0, 128),
      // The client is no Dolibarr user: the public page leaves the creator empty.
      fk_user_create: null,
      fk_user_assign: null,
      email_msgid: null,
      email_date: null,
      subject: args.subject.slice(0, 255),
      message: args.message,
      fk_statut: TICKET_STATUS.notRead,
      resolution: null,
      progress: 0,
      timing: null,
      type_code: args.typeCode,
      category_code: args.categoryCode,
      severity_code: args.severityCode,
      datec: trx.fn.now(),
      date_read: null,
      date_close: null,
      entity: args.entity,
      // Ticket::create's default when the form sets none.
      notify_tiers_at_create: 1,
      ip: args.ip?.slice(0, 250) || null,
      note_private: args.notePrivate ?? null,
    })
    .returning<Array<{ rowid: number; ref: string }>>(['rowid', 'ref']);
  if (!row) throw new Error('dolibarr: insert into llx_ticket returned no row');
  return row;
}

/**
 * The agency's closing of a client ticket, for its satisfaction survey: the ticket while CLOSED
 * (not CANCELED: nothing was resolved), with the number the portal gave the change that closed it
 * (portal_dolibarr_ticket_statuses: numbered for a status set in Dolibarr, 0 for the client's own
 * close through the portal), and its SUPPORTCLI contact, the person who asked (the first linked).
 * Null while it is not closed or not the company's.
 */
export async function ticketClosing(
  db: Db,
  args: Scope & { rowid: number },
): Promise<{ ref: string; subject: string | null; date_close: Date | null; change: string | null; contact_id: number | null } | null> {
  const row = await scopedTickets(db, args)
    .where('t.rowid', args.rowid)
    .andWhereRaw(`${STATUS_SQL} = ?`, [TICKET_STATUS.closed])
    .leftJoin('portal_dolibarr_ticket_statuses as s', function joinNoted() {
      this.on('s.entity', '=', 't.entity').andOn('s.fk_ticket', '=', 't.rowid');
    })
    .first<{ ref: string; subject: string | null; date_close: Date | null; change: string | null; contact_id: number | null } | undefined>(
      't.ref',
      't.subject',
      't.date_close',
      db.raw('s.change::text as change'),
      db.raw(`(select ec.fk_socpeople from llx_element_contact ec
                 join llx_c_type_contact tc on tc.rowid = ec.fk_c_type_contact
                where ec.element_id = t.rowid and tc.element = 'ticket' and tc.source = 'external' and tc.code = 'SUPPORTCLI'
                order by ec.rowid limit 1) as contact_id`),
    );
  return row ?? null;
}

/**
 * The public create page's add_contact(contact, 'SUPPORTCLI', 'external'): the person who opened the
 * ticket as its customer contact, as CommonObject::add_contact writes it (statut 4, active). Only
 * where Dolibarr's install data has that contact type; false where it has none.
 */
export async function linkTicketContact(trx: Db, args: { ticketId: number; contactId: number }): Promise<boolean> {
  const type = await trx('llx_c_type_contact')
    .where({ element: 'ticket', source: 'external', code: 'SUPPORTCLI', active: 1 })
    .orderBy('rowid')
    .first<{ rowid: number } | undefined>('rowid');
  if (!type) return false;
  await trx('llx_element_contact').insert({
    element_id: args.ticketId,
    fk_socpeople: args.contactId,
    datecreate: trx.fn.now(),
    statut: 4,
    fk_c_type_contact: type.rowid,
  });
  return true;
}

export interface TicketMessageInsert {
  entity: number;
  ticketId: number;
  companyId: number;
  projectId: number | null;
  contactId: number;
  email: string;
  label: string;
  /** Already HTML, as Dolibarr's message form stores it. */
  note: string;
  /** The client's address, where known (ActionComm::create writes $this->ip). */
  ip: string | null;
  /**
   * A private message (createTicketMessage with $this->private: code TICKET_MSG_PRIVATE), which
   * Dolibarr shows its staff on the ticket and never on its public page.
   */
  private?: boolean;
}

/**
 * Ticket::createTicketMessage from the public side, through ActionComm::create: the event with no
 * user, the person's email in email_from and, as TICKET_ASSIGN_CONTACT_TO_MESSAGE does, the
 * contact; its ref set to its id afterwards (a private one as the same method writes it with
 * $this->private). Answers the event's id and time.
 */
export async function insertTicketMessage(trx: Db, args: TicketMessageInsert): Promise<{ id: number; datep: Date }> {
  // fk_action: the type AC_OTH_AUTO ("not an entry of the manual calendar, only of the CRM's").
  const type = trx('llx_c_actioncomm').where({ code: 'AC_OTH_AUTO' }).first('id');
  return insertAgendaEvent(
    trx,
    {
      entity: args.entity,
      datep: trx.fn.now(),
      datep2: null,
      durationp: null,
      fk_action: type,
      code: args.private ? 'TICKET_MSG_PRIVATE' : 'TICKET_MSG',
      fk_soc: args.companyId,
      fk_project: args.projectId && args.projectId > 0 ? args.projectId : null,
      fk_contact: args.contactId,
      fk_user_author: null,
      fk_user_action: null,
      email_from: args.email.slice(0, 255),
      label: agendaLabel(args.label),
      note: args.note,
      // "percentage is not relevant for punctual events"
      percent: -1,
      transparency: 0,
      fk_element: args.ticketId,
      elementtype: 'ticket',
      status: 0,
      ip: args.ip?.slice(0, 250) || null,
    },
    // No attendee: the public side has no user, and the contact is the event's fk_contact only.
    [],
  );
}

/**
 * What the portal's own change of a ticket's status notes, in its transaction: the status the
 * news pass compares with (not news to the client who made it), and the ticket's place in the list.
 */
async function noteOwnStatusChange(trx: Db, args: { entity: number; rowid: number }): Promise<void> {
  await noteTicketStatus(trx, args);
  await noteTicketOrder(trx, args);
}

/** CommonObject::setStatut on the ticket (only from one of `from`); false when it was in none of them. */
export async function setTicketStatus(trx: Db, args: Scope & { rowid: number; from: readonly number[]; to: number }): Promise<boolean> {
  const changed = await trx('llx_ticket')
    .where({ rowid: args.rowid, entity: args.entity, fk_soc: args.companyId })
    .whereRaw(`coalesce(fk_statut, 0) in (${args.from.map(() => '?').join(', ')})`, [...args.from])
    .update({ fk_statut: args.to, tms: trx.fn.now() });
  if (changed > 0) await noteOwnStatusChange(trx, { entity: args.entity, rowid: args.rowid });
  return changed > 0;
}

/** Ticket::close (mode 0, solved): CLOSED, progress 100, date_close now; only a ticket not yet closed or canceled. */
export async function closeTicket(trx: Db, args: Scope & { rowid: number }): Promise<boolean> {
  const changed = await trx('llx_ticket')
    .where({ rowid: args.rowid, entity: args.entity, fk_soc: args.companyId })
    .whereRaw(`coalesce(fk_statut, 0) not in (${CLOSED_STATUSES.join(', ')})`)
    .update({ fk_statut: TICKET_STATUS.closed, progress: 100, date_close: trx.fn.now(), tms: trx.fn.now() });
  if (changed > 0) await noteOwnStatusChange(trx, { entity: args.entity, rowid: args.rowid });
  return changed > 0;
}

/**
 * The ticket card's confirm_reopen: a closed or canceled ticket back to ASSIGNED where someone is
 * assigned, else to NOT_READ. Dolibarr leaves date_close as it was.
 */
export async function reopenTicket(trx: Db, args: Scope & { rowid: number }): Promise<boolean> {
  const changed = await trx('llx_ticket')
    .where({ rowid: args.rowid, entity: args.entity, fk_soc: args.companyId })
    .whereRaw(`coalesce(fk_statut, 0) in (${CLOSED_STATUSES.join(', ')})`)
    .update({
      fk_statut: trx.raw('case when fk_user_assign is not null then ?::int else ?::int end', [
        TICKET_STATUS.assigned,
        TICKET_STATUS.notRead,
      ]),
      tms: trx.fn.now(),
    });
  if (changed > 0) await noteOwnStatusChange(trx, { entity: args.entity, rowid: args.rowid });
  return changed > 0;
}
