// Alga PSA's support tickets of a client, read and written as Alga's own client portal does
// (packages/client-portal/.../client-tickets.ts, TicketModel.createTicket):
//   tickets (client_id, contact_name_id, ticket_number, title, attributes.description, status_id,
//   priority_id, category_id, board_id, response_state, is_closed/closed_at), their conversation in
//   comments (+ comment_threads), statuses (status_type 'ticket', per board), priorities
//   (item_type 'ticket'), boards (is_default), categories (per board) and the activity timeline
//   ticket_audit_logs. Every query is scoped by tenant, and by the client (an active one).
//
// Closed = the status's is_closed (the ticket's own is_closed flag where it has no status).
// Waiting on the client = open with response_state 'awaiting_client', which Alga sets when staff
// answer the client (commentActions) and clears to 'awaiting_internal' when the client writes.
// A comment the client sees: not is_internal, not in an internal thread, published (scheduled
// ones are staff drafts) and not deleted; the same rule, on a thread's first comment, decides
// the list's last activity, so an internal note never moves a ticket up the client's list.
//
// Alga indexes tickets neither by (tenant, client_id) nor by text, and comments not by ticket: a
// client's list walks the portal's own order of the client's tickets (ticket-order.ts), and a
// search reads the tenant's tickets through the primary key's tenant prefix. No index is added on
// Alga's tables (the portal never alters them).
import type { Knex } from 'knex';
import { COUNTED_LIVE, countLimitOf, countUpTo } from '../../shared/count-up-to.ts';
import { activeClientIds, notInactive, type Db } from './db.ts';
import { activeContacts } from './contacts.ts';
import { CLOSED, LAST_ACTIVITY, VISIBLE_COMMENT, WAITING } from './ticket-activity.ts';
import { beforeFirstScan, keptTickets, noteTicketOrder } from './ticket-order.ts';

export interface TicketScope {
  tenant: string;
  clientId: string;
}

/**
 * A read's scope: the client, and the boards the reading contact's portal visibility group
 * allows (null: every board, the contact is in no group; empty: none), as Alga's client portal
 * filters its list, detail and dashboard (applyVisibilityBoardFilter).
 */
export interface TicketReadScope extends TicketScope {
  boardIds: string[] | null;
}

export interface TicketRow {
  ticket_id: string;
  ticket_number: string;
  title: string | null;
  status_name: string | null;
  closed: boolean;
  waiting: boolean;
  priority_name: string | null;
  category_name: string | null;
  entered_at: Date | null;
  last_activity: Date;
  closed_at: Date | null;
  sort_key: string;
}

export interface TicketDetailRow extends TicketRow {
  description: string | null;
  opened_by: string | null;
  board_id: string | null;
  status_id: string | null;
}

export interface CommentRow {
  comment_id: string;
  author_type: string | null;
  note: string;
  markdown_content: string | null;
  created_at: Date;
  by_client: boolean;
  author_name: string | null;
}

export interface StatusChangeRow {
  occurred_at: Date;
  is_closed: boolean | null;
  status_name: string | null;
}

export interface ChoiceRow {
  id: string;
  label: string;
}

/**
 * The client's tickets, as Alga's tickets aliased t with their status (s), priority (p) and
 * category (cat): read from the tenant's tickets, or, with `among`, each ticket of those rows
 * (among.from, naming the ticket by among.id) read by primary key. OFFSET 0 keeps that one lookup
 * per row: without it PostgreSQL may read the tenant's tickets.
 */
function clientTickets(db: Db, scope: TicketScope, among?: { from: Knex.QueryBuilder; id: string }) {
  const tickets = among
    ? among.from.joinRaw(`cross join lateral (select * from tickets t where t.tenant = ? and t.ticket_id = ${among.id} offset 0) as t`, [
        scope.tenant,
      ])
    : db('tickets as t');
  return tickets
    .leftJoin('statuses as s', function joinStatus() {
      this.on('s.tenant', '=', 't.tenant').andOn('s.status_id', '=', 't.status_id');
    })
    .leftJoin('priorities as p', function joinPriority() {
      this.on('p.tenant', '=', 't.tenant').andOn('p.priority_id', '=', 't.priority_id');
    })
    .leftJoin('categories as cat', function joinCategory() {
      this.on('cat.tenant', '=', 't.tenant').andOn('cat.category_id', '=', 't.category_id');
    })
    .where({ 't.tenant': scope.tenant, 't.client_id': scope.clientId })
    .whereIn('t.client_id', activeClientIds(db, scope.tenant));
}

/** The client's tickets on the boards the reading contact may see (of `among` only, where given: see clientTickets). */
function readableTickets(db: Db, scope: TicketReadScope, among?: { from: Knex.QueryBuilder; id: string }) {
  const query = clientTickets(db, scope, among);
  // whereIn with no board is knex's "1 = 0": a group that allows no board shows nothing.
  if (scope.boardIds !== null) query.whereIn('t.board_id', scope.boardIds);
  return query;
}

/**
 * The client's readable tickets in the portal's order (ticket-order.ts) as they are now, of the
 * state asked for, newest first from the keyset (o.last_activity, the order's, as sort_at), each
 * read live; and, before the tenant's first scan, every one of them (their live activity as
 * sort_at). For the caller to filter live, and to take a page of, or count.
 */
function orderedTickets(
  db: Db,
  scope: TicketReadScope,
  args: { closed: boolean | null; before: { at: string; id: string } | null },
  pick: (query: Knex.QueryBuilder, sortAt: string, id: string) => Knex.QueryBuilder,
): Knex.QueryBuilder {
  const kept = readableTickets(db, scope, { from: keptTickets(db, { ...scope, ...args }), id: 'o.ticket_id' });
  const unscanned = beforeFirstScan(readableTickets(db, scope), scope.tenant);
  return db.from(
    db.raw('((?) union all (?)) as x', [pick(kept, 'o.last_activity', 'o.ticket_id'), pick(unscanned, LAST_ACTIVITY, 't.ticket_id')]),
  );
}

/** The client's rows kept open at the scan, most recently active first (the open index's order). */
const keptInOrder = (db: Db, scope: TicketScope) =>
  keptTickets(db, { ...scope, closed: false, before: null }).orderByRaw('o.last_activity desc, o.ticket_id desc');

const summaryColumns = (db: Db) => [
  't.ticket_id',
  't.ticket_number',
  't.title',
  's.name as status_name',
  db.raw(`${CLOSED} as closed`),
  db.raw(`${WAITING} as waiting`),
  'p.priority_name',
  'cat.category_name',
  't.entered_at',
  't.closed_at',
  db.raw(`${LAST_ACTIVITY} as last_activity`),
];

/** `%text%` for ILIKE, the user's own % _ and \ taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

export interface TicketListArgs extends TicketReadScope {
  state: 'open' | 'closed' | 'all';
  waiting?: boolean;
  search?: string;
  /** Only the tickets linked to this asset (asset_associations, entity_type 'ticket'). */
  assetId?: string;
  before?: { at: string; id: string } | null;
  limit: number;
}

/**
 * Read in a transaction of its own with PostgreSQL's JIT off: the planner prices the read before a
 * tenant's first scan (every ticket of the client, each with its threads' activity) into the
 * statement, past jit_above_cost, and compiling it took a second where the read of the kept order
 * takes a few milliseconds (200,000 tickets, 95,000 of them the client's).
 */
async function withoutJit<T>(db: Db, read: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (trx) => {
    await trx.raw('set local jit = off');
    return read(trx);
  });
}

/** Newest activity first (ticket_id breaks ties); limit + 1 rows, so the caller knows there is a next page. */
export function listTickets(db: Db, args: TicketListArgs): Promise<TicketRow[]> {
  return withoutJit(db, (trx) => ticketPage(trx, args));
}

async function ticketPage(db: Db, args: TicketListArgs): Promise<TicketRow[]> {
  const filtered = (inner: Knex.QueryBuilder) => {
    if (args.state === 'open') inner.andWhereRaw(`not ${CLOSED}`);
    if (args.state === 'closed') inner.andWhereRaw(CLOSED);
    if (args.waiting) inner.andWhereRaw(WAITING);
    if (args.search) {
      const pattern = containing(args.search);
      inner.andWhere((q) =>
        q.whereRaw(`t.ticket_number ilike ? escape '\\'`, [pattern]).orWhereRaw(`t.title ilike ? escape '\\'`, [pattern]),
      );
    }
    if (args.assetId !== undefined) {
      const assetId = args.assetId;
      inner.whereExists((q) =>
        q
          .select(db.raw('1'))
          .from('asset_associations as aa')
          .where({ 'aa.tenant': args.tenant, 'aa.asset_id': assetId, 'aa.entity_type': 'ticket' })
          .whereRaw('aa.entity_id = t.ticket_id'),
      );
    }
    return inner;
  };
  // The list walks the portal's order of the client's tickets (ticket-order.ts), each read live
  // until the page is full. A search or an asset's tickets may match any of the client's
  // tickets, however old: those read them all.
  const query: Knex.QueryBuilder =
    !args.search && args.assetId === undefined
      ? orderedTickets(
          db,
          args,
          { closed: args.state === 'all' ? null : args.state === 'closed', before: args.before ?? null },
          (rows, sortAt, id) => {
            // Each part's page from the keyset on, so its limit counts only rows past it.
            if (args.before)
              rows.andWhereRaw(`(${sortAt}, ${id}) < ((?::timestamp at time zone 'UTC'), ?::uuid)`, [args.before.at, args.before.id]);
            return filtered(rows)
              .select([...summaryColumns(db), db.raw(`${sortAt} as sort_at`)])
              .orderByRaw(`${sortAt} desc, ${id} desc`)
              .limit(args.limit + 1);
          },
        )
      : db.from(
          filtered(readableTickets(db, args))
            .select([...summaryColumns(db), db.raw(`${LAST_ACTIVITY} as sort_at`)])
            .as('x'),
        );
  if (args.before)
    query.whereRaw(`(x.sort_at, x.ticket_id) < ((?::timestamp at time zone 'UTC'), ?::uuid)`, [args.before.at, args.before.id]);
  return query
    .orderByRaw('x.sort_at desc, x.ticket_id desc')
    .limit(args.limit + 1)
    .select<TicketRow[]>(['x.*', db.raw(`to_char(x.sort_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as sort_key`)]);
}

/**
 * The open tickets the contact may read and those waiting on the client, each counted up to
 * countLimit, in one statement: an imported heap of open tickets costs the dashboard what a few do.
 */
export function ticketCounts(db: Db, scope: TicketReadScope & { countLimit: number }): Promise<{ open: number; waiting: number }> {
  return withoutJit(db, (trx) => countTickets(trx, scope));
}

async function countTickets(db: Db, scope: TicketReadScope & { countLimit: number }): Promise<{ open: number; waiting: number }> {
  // The open ones up to the limit among the open rows the portal's order keeps (ticket-order.ts):
  // for a contact who reads every board, the COUNTED_LIVE most recently active read live and the
  // rest as the scan left them; for one limited to some boards, each read live (the kept rows
  // hold no board). Those waiting on the client through Alga's own (tenant, response_state) index.
  const open =
    scope.boardIds === null
      ? countUpTo(
          db,
          db.from(
            db.raw('((?) union all (?) union all (?)) as u', [
              readableTickets(db, scope, {
                from: db.from(keptInOrder(db, scope).limit(COUNTED_LIVE).as('o')),
                id: 'o.ticket_id',
              })
                .whereRaw(`not ${CLOSED}`)
                .select(db.raw('1')),
              db
                .from(keptInOrder(db, scope).offset(COUNTED_LIVE).limit(countLimitOf(scope.countLimit)).select(db.raw('1')).as('past'))
                .whereExists(activeClientIds(db, scope.tenant).where('client_id', scope.clientId))
                .select(db.raw('1')),
              beforeFirstScan(readableTickets(db, scope), scope.tenant).whereRaw(`not ${CLOSED}`).select(db.raw('1')),
            ]),
          ),
          scope.countLimit,
        )
      : countUpTo(
          db,
          orderedTickets(db, scope, { closed: false, before: null }, (rows) => rows.whereRaw(`not ${CLOSED}`).select(db.raw('1'))),
          scope.countLimit,
        );
  const waiting = countUpTo(db, readableTickets(db, scope).whereRaw(WAITING), scope.countLimit);
  const row = await db.first<{ open: number; waiting: number } | undefined>(
    db.raw('(?) as open', [open]),
    db.raw('(?) as waiting', [waiting]),
  );
  return { open: Number(row?.open ?? 0), waiting: Number(row?.waiting ?? 0) };
}

export async function findTicket(db: Db, args: TicketReadScope & { ticketId: string }): Promise<TicketDetailRow | null> {
  const row = await readableTickets(db, args)
    .leftJoin('contacts as oc', function joinOpener() {
      this.on('oc.tenant', '=', 't.tenant').andOn('oc.contact_name_id', '=', 't.contact_name_id');
    })
    .leftJoin('users as ou', function joinEnteredBy() {
      this.on('ou.tenant', '=', 't.tenant').andOn('ou.user_id', '=', 't.entered_by');
    })
    .where('t.ticket_id', args.ticketId)
    .first<TicketDetailRow | undefined>([
      ...summaryColumns(db),
      db.raw(`to_char(${LAST_ACTIVITY} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as sort_key`),
      db.raw(`t.attributes ->> 'description' as description`),
      db.raw(`coalesce(nullif(btrim(oc.full_name), ''), nullif(btrim(concat_ws(' ', ou.first_name, ou.last_name)), '')) as opened_by`),
      't.board_id',
      't.status_id',
    ]);
  return row ?? null;
}

/**
 * The conversation the client sees, oldest first. The author is the client's side when Alga says
 * so (author_type 'client'), or, for rows it left 'unknown', when a contact or a client login wrote it.
 * Alga indexes comments by neither ticket nor thread, so they are found through the ticket's
 * threads (indexed by ticket): each thread's first comment by primary key, and the replies,
 * which need a pass over the tenant's comments, only when a visible thread has some (Alga counts
 * them in reply_count).
 */
export async function listVisibleComments(db: Db, args: { tenant: string; ticketId: string }): Promise<CommentRow[]> {
  const columns = `c.comment_id, c.author_type, c.note, c.markdown_content, c.created_at,
    (c.author_type = 'client' or (c.author_type is distinct from 'internal' and (c.contact_id is not null or u.user_type = 'client'))) as by_client,
    coalesce(nullif(btrim(ac.full_name), ''), nullif(btrim(concat_ws(' ', u.first_name, u.last_name)), '')) as author_name`;
  const authors = `left join users u on u.tenant = c.tenant and u.user_id = c.user_id
    left join contacts ac on ac.tenant = c.tenant and ac.contact_name_id = coalesce(c.contact_id, u.contact_id)`;
  const threads = `select th.%s from comment_threads th where th.tenant = ? and th.ticket_id = ? and not th.is_internal`;
  const { rows } = await db.raw<{ rows: CommentRow[] }>(
    `select * from (
       select ${columns} from comments c ${authors}
        where c.tenant = ? and c.ticket_id = ? and c.comment_id in (${threads.replace('%s', 'root_comment_id')}) and ${VISIBLE_COMMENT}
       union all
       select ${columns} from comments c ${authors}
        where exists (${threads.replace('%s', 'thread_id')} and th.reply_count > 0)
          and c.tenant = ? and c.ticket_id = ? and c.parent_comment_id is not null
          and c.thread_id in (${threads.replace('%s', 'thread_id')}) and ${VISIBLE_COMMENT}
     ) m
     order by m.created_at asc, m.comment_id asc`,
    [
      args.tenant,
      args.ticketId,
      args.tenant,
      args.ticketId,
      args.tenant,
      args.ticketId,
      args.tenant,
      args.ticketId,
      args.tenant,
      args.ticketId,
    ],
  );
  return rows;
}

/**
 * The ticket's status history from Alga's activity timeline (ticket_audit_logs), oldest first:
 * the status it was opened with, at its entered_at, then every row whose curated diff changes
 * status_id, whoever made it (staff screens, automations, the client portal), with the status it
 * changed to. The opening status is what Alga's staff createTicket records in its TICKET_CREATED
 * row (details.status_id; Alga's client portal, createClientTicket, writes no such row), else the
 * status the first change moved away from (changes.status_id.old, or .previous as the portal's
 * own writes also carry it). Empty for tickets older than the timeline (no row at all).
 */
export async function listStatusChanges(db: Db, args: { tenant: string; ticketId: string }): Promise<StatusChangeRow[]> {
  const { rows } = await db.raw<{ rows: StatusChangeRow[] }>(
    `with timeline as (
       select l.occurred_at, l.audit_id, l.event_type, l.details, l.changes -> 'status_id' as change
         from ticket_audit_logs l
        where l.tenant = ? and l.ticket_id = ?
          and (l.changes -> 'status_id' ->> 'new' is not null
               or (l.event_type = 'TICKET_CREATED' and l.details ->> 'status_id' is not null))
     ),
     opening as (
       select coalesce(
                (select x.details ->> 'status_id' from timeline x where x.event_type = 'TICKET_CREATED'
                  order by x.occurred_at, x.audit_id limit 1),
                (select coalesce(x.change ->> 'old', x.change ->> 'previous') from timeline x where x.change is not null
                  order by x.occurred_at, x.audit_id limit 1)) as status_id,
              (select x.change ->> 'oldLabel' from timeline x where x.change is not null
                order by x.occurred_at, x.audit_id limit 1) as label
     ),
     entries as (
       select t.entered_at as occurred_at, 0 as step, null::uuid as audit_id, o.status_id, o.label
         from tickets t cross join opening o
        where t.tenant = ? and t.ticket_id = ? and exists (select 1 from timeline)
       union all
       select x.occurred_at, 1, x.audit_id, x.change ->> 'new', x.change ->> 'newLabel'
         from timeline x where x.change ->> 'new' is not null
     )
     select e.occurred_at, s.is_closed, coalesce(s.name, e.label) as status_name
       from entries e
       left join statuses s on s.tenant = ? and s.status_id::text = e.status_id
      order by e.step, e.occurred_at, e.audit_id`,
    [args.tenant, args.ticketId, args.tenant, args.ticketId, args.tenant],
  );
  return rows;
}

// ---- the new-ticket form's choices ----

/** The board client tickets go to when the contact has no visibility group: the default one, as Alga picks it. */
function defaultBoard(db: Db, tenant: string) {
  return db('boards')
    .where({ tenant, is_default: true })
    .andWhereRaw(notInactive('is_inactive'))
    .orderBy([{ column: 'display_order' }, { column: 'board_name' }]);
}

/** Top-level categories of a board, and the tenant's categories bound to no board. */
function boardCategories(db: Db, tenant: string, boardId: string | null) {
  return db('categories')
    .where({ tenant })
    .whereNull('parent_category')
    .andWhere((q) => (boardId ? q.where('board_id', boardId).orWhereNull('board_id') : q.whereNull('board_id')));
}

function ticketPriorities(db: Db, tenant: string) {
  return db('priorities')
    .where({ tenant })
    .andWhere((q) => q.where('item_type', 'ticket').orWhereNull('item_type'));
}

/**
 * What the tenant's own set-up lacks for insertTicket to file a ticket of a contact without a
 * visibility group (the default board), or null: a default board, a ticket status on it, a ticket
 * priority. Ticket numbering is not asked: generate_next_number makes its row on first use, and
 * calling it would take a number.
 */
export async function ticketReadiness(db: Db, tenant: string): Promise<TicketRefusalReason | null> {
  const board = await defaultBoard(db, tenant).first<{ board_id: string } | undefined>('board_id');
  if (!board) return 'no_board';
  const [status, priority] = await Promise.all([
    db('statuses').where({ tenant, status_type: 'ticket', board_id: board.board_id }).first('status_id'),
    ticketPriorities(db, tenant).first('priority_id'),
  ]);
  if (!status) return 'no_status';
  return priority ? null : 'no_priority';
}

export async function ticketChoices(db: Db, tenant: string): Promise<{ categories: ChoiceRow[]; priorities: ChoiceRow[] }> {
  const board = await defaultBoard(db, tenant).first<{ board_id: string } | undefined>('board_id');
  const [categories, priorities] = await Promise.all([
    boardCategories(db, tenant, board?.board_id ?? null)
      .orderBy([{ column: 'display_order' }, { column: 'category_name' }])
      .select<ChoiceRow[]>(['category_id as id', 'category_name as label']),
    ticketPriorities(db, tenant)
      .orderBy([{ column: 'order_number' }, { column: 'priority_name' }])
      .select<ChoiceRow[]>(['priority_id as id', 'priority_name as label']),
  ]);
  return { categories, priorities };
}

// ---- the client's acts ----

export interface ActingContact {
  contactId: string;
  name: string;
  /** The contact's Alga client login, where it has one: Alga's client portal writes it as the author. */
  userId: string | null;
  /** Boards the contact's portal visibility group allows; null = every board (no group). */
  boardIds: string[] | null;
}

/** The active boards of a portal visibility group, as Alga's getClientContactVisibilityContext reads them: the group must be the client's. */
async function groupBoards(db: Db, args: TicketScope & { groupId: string }): Promise<string[]> {
  const rows = await db('client_portal_visibility_groups as g')
    .join('client_portal_visibility_group_boards as gb', function joinBoards() {
      this.on('gb.tenant', '=', 'g.tenant').andOn('gb.group_id', '=', 'g.group_id');
    })
    .join('boards as b', function joinBoard() {
      this.on('b.tenant', '=', 'gb.tenant').andOn('b.board_id', '=', 'gb.board_id');
    })
    .where({ 'g.tenant': args.tenant, 'g.group_id': args.groupId, 'g.client_id': args.clientId })
    .andWhereRaw(notInactive('b.is_inactive'))
    .orderBy([{ column: 'b.display_order' }, { column: 'b.board_name' }])
    .select<{ board_id: string }[]>('b.board_id');
  return rows.map((row) => row.board_id);
}

/**
 * The boards a contact of the client reads tickets on (TicketReadScope's boardIds), or undefined
 * when it is not an active contact of this (active) client: then it reads none.
 */
export async function readingBoards(db: Db, args: TicketScope & { contactId: string }): Promise<string[] | null | undefined> {
  const contact = await activeContacts(db, args.tenant)
    .where({ 'c.contact_name_id': args.contactId, 'c.client_id': args.clientId })
    .first<{ group_id: string | null } | undefined>('c.portal_visibility_group_id as group_id');
  if (!contact) return undefined;
  return contact.group_id ? groupBoards(db, { ...args, groupId: contact.group_id }) : null;
}

/** The contact acting for the client: an active contact of this (active) client, or null. */
export async function actingContact(db: Db, args: TicketScope & { contactId: string }): Promise<ActingContact | null> {
  const contact = await activeContacts(db, args.tenant)
    .where({ 'c.contact_name_id': args.contactId, 'c.client_id': args.clientId })
    .first<{ contact_name_id: string; full_name: string | null; email: string; group_id: string | null } | undefined>([
      'c.contact_name_id',
      'c.full_name',
      'c.email',
      'c.portal_visibility_group_id as group_id',
    ]);
  if (!contact) return null;
  const login = await db('users')
    .where({ tenant: args.tenant, user_type: 'client', contact_id: args.contactId })
    .andWhereRaw(notInactive('is_inactive'))
    .orderBy('created_at')
    .first<{ user_id: string } | undefined>('user_id');
  const boardIds = contact.group_id ? await groupBoards(db, { ...args, groupId: contact.group_id }) : null;
  return {
    contactId: contact.contact_name_id,
    name: contact.full_name?.trim() || contact.email.trim(),
    userId: login?.user_id ?? null,
    boardIds,
  };
}

/** The ticket when it is the client's and on a board the contact may see (Alga's resolveVisibleTicket). */
async function visibleTicket(db: Db, scope: TicketScope & { ticketId: string; boardIds: string[] | null }) {
  const query = clientTickets(db, scope).where('t.ticket_id', scope.ticketId);
  if (scope.boardIds !== null) query.whereIn('t.board_id', scope.boardIds);
  return query
    .forUpdate('t')
    .first<{ ticket_id: string; board_id: string | null; status_id: string | null; closed: boolean } | undefined>([
      't.ticket_id',
      't.board_id',
      't.status_id',
      db.raw(`${CLOSED} as closed`),
    ]);
}

export interface NewTicketArgs extends TicketScope {
  contact: ActingContact;
  title: string;
  /** BlockNote JSON, as Alga's client portal's editor sends it. */
  description: string;
  categoryId: string | null;
  priorityId: string | null;
}

/** Why Alga has nowhere to put a new ticket from the contact, whatever they chose (the port's TicketRefusal). */
export type TicketRefusalReason = 'no_board' | 'no_status' | 'no_priority' | 'no_number';

/**
 * A ticket as Alga's createClientTicket makes one: its id; the reason when Alga has nowhere to put
 * it (no board for the contact, no ticket status on it, no ticket priority at all, no ticket
 * numbering); null when a choice is not the tenant's (a priority or category it does not offer).
 * The board: the first of the contact's visibility group, else the default board; the status:
 * the board's default ticket status, else its first by order; the priority: the one chosen, else
 * the board's default, else the tenant's first; the number from Alga's generate_next_number
 * ('TICKET'); the description in attributes.description; the board's default assignee.
 * Must run in a transaction.
 */
export async function insertTicket(
  trx: Knex.Transaction,
  args: NewTicketArgs,
): Promise<{ ticketId: string } | { refused: TicketRefusalReason } | null> {
  const { tenant } = args;
  const { boardIds } = args.contact;
  // A contact whose visibility group allows no board cannot open a ticket (Alga refuses it too).
  if (boardIds !== null && boardIds.length === 0) return { refused: 'no_board' };
  const boards = boardIds === null ? defaultBoard(trx, tenant) : trx('boards').where({ tenant, board_id: boardIds[0] });
  const board = await boards.first<
    { board_id: string; default_priority_id: string | null; default_assigned_to: string | null } | undefined
  >(['board_id', 'default_priority_id', 'default_assigned_to']);
  if (!board) return { refused: 'no_board' };
  const status = await trx('statuses')
    .where({ tenant, status_type: 'ticket', board_id: board.board_id })
    .orderByRaw('coalesce(is_default, false) desc, order_number asc')
    .first<{ status_id: string } | undefined>('status_id');
  if (!status) return { refused: 'no_status' };
  const priority = await ticketPriorities(trx, tenant)
    .modify((q) => {
      if (args.priorityId) q.where('priority_id', args.priorityId);
      else q.orderByRaw('coalesce(priority_id = ?, false) desc, order_number asc', [board.default_priority_id]);
    })
    .first<{ priority_id: string } | undefined>('priority_id');
  // A priority chosen that is not the tenant's is a wrong choice; none at all, Alga's set-up.
  if (!priority) return args.priorityId ? null : { refused: 'no_priority' };
  if (args.categoryId) {
    const category = await boardCategories(trx, tenant, board.board_id).where('category_id', args.categoryId).first('category_id');
    if (!category) return null;
  }
  const { rows } = await trx.raw<{ rows: { number: string }[] }>(`select generate_next_number(?::uuid, 'TICKET') as number`, [tenant]);
  const ticketNumber = rows[0]?.number;
  if (!ticketNumber) return { refused: 'no_number' };
  const [inserted] = await trx('tickets')
    .insert({
      tenant,
      ticket_number: ticketNumber,
      title: args.title,
      client_id: args.clientId,
      contact_name_id: args.contact.contactId,
      status_id: status.status_id,
      priority_id: priority.priority_id,
      category_id: args.categoryId,
      board_id: board.board_id,
      assigned_to: board.default_assigned_to,
      source: 'client_portal',
      ticket_origin: 'client_portal',
      entered_by: args.contact.userId,
      entered_at: trx.fn.now(),
      updated_at: trx.fn.now(),
      // BlockNote JSON as a string, as Alga's client portal sends it (serializeTicketRichTextContent).
      attributes: JSON.stringify({ description: args.description }),
    })
    .returning('ticket_id');
  const ticketId = (inserted as { ticket_id: string }).ticket_id;
  // Listed first at once (ticket-order.ts).
  await noteTicketOrder(trx, { tenant, ticketId });
  return { ticketId };
}

/**
 * The client's message, as Alga's addClientTicketComment writes it: a thread of its own
 * (comment_threads, not internal) holding one comment with author_type 'client', the body as
 * BlockNote JSON in `note` and as text in `markdown_content`, metadata.responseSource
 * 'client_portal'; the ticket then awaits the agency (response_state 'awaiting_internal').
 * The author is the contact's client login where it has one (user_id; contact_id null, as Alga's
 * client portal leaves it), else the contact (contact_id), as Alga's TicketModel.createComment
 * records a contact's comment. Null when the ticket is not
 * one the contact may see. Must run in a transaction.
 */
export async function insertClientComment(
  trx: Knex.Transaction,
  args: TicketScope & { ticketId: string; contact: ActingContact; note: string; text: string },
): Promise<{ comment_id: string; created_at: Date } | null> {
  const ticket = await visibleTicket(trx, { ...args, boardIds: args.contact.boardIds });
  if (!ticket) return null;
  const { rows } = await trx.raw<{ rows: { comment_id: string; thread_id: string; now: Date }[] }>(
    'select gen_random_uuid() as comment_id, gen_random_uuid() as thread_id, now() as now',
  );
  const ids = rows[0];
  if (!ids) return null;
  await trx('comment_threads').insert({
    tenant: args.tenant,
    thread_id: ids.thread_id,
    ticket_id: args.ticketId,
    root_comment_id: ids.comment_id,
    is_internal: false,
    reply_count: 0,
    last_activity_at: ids.now,
    created_at: ids.now,
    created_by: args.contact.userId,
  });
  await trx('comments').insert({
    tenant: args.tenant,
    comment_id: ids.comment_id,
    thread_id: ids.thread_id,
    ticket_id: args.ticketId,
    author_type: 'client',
    note: args.note,
    markdown_content: args.text,
    is_internal: false,
    is_resolution: false,
    metadata: JSON.stringify({ responseSource: 'client_portal' }),
    user_id: args.contact.userId,
    // Alga's addClientTicketComment names the login only (contact_id null); a contact without one is
    // named by contact_id, as TicketModel.createComment records a contact's comment (an email reply).
    contact_id: args.contact.userId ? null : args.contact.contactId,
    created_at: ids.now,
    updated_at: ids.now,
  });
  await trx('tickets').where({ tenant: args.tenant, ticket_id: args.ticketId }).update({ response_state: 'awaiting_internal' });
  // Moved to the top of the client's list at once (ticket-order.ts).
  await noteTicketOrder(trx, { tenant: args.tenant, ticketId: args.ticketId });
  return { comment_id: ids.comment_id, created_at: ids.now };
}

/**
 * Closed or reopened as Alga's client portal updateTicketStatus changes a status: status_id, the
 * denormalised is_closed, closed_at/closed_by set on closing and cleared on reopening,
 * response_state cleared on closing, updated_at/updated_by, and a row in the activity timeline
 * (TICKET_CLOSED / TICKET_REOPENED, source 'client_portal'). The status it moves to: closing, the
 * board's first closed ticket status by order; reopening, the board's default status when open,
 * else its first open one. True when the ticket is (now) in that state, false when it is not the
 * contact's to change or its board has no such status. Must run in a transaction.
 */
export async function setTicketClosed(
  trx: Knex.Transaction,
  args: TicketScope & { ticketId: string; contact: ActingContact; closed: boolean },
): Promise<boolean> {
  const ticket = await visibleTicket(trx, { ...args, boardIds: args.contact.boardIds });
  if (!ticket) return false;
  if (ticket.closed === args.closed) return true;
  if (!ticket.board_id) return false;
  const target = await trx('statuses')
    .where({ tenant: args.tenant, status_type: 'ticket', board_id: ticket.board_id, is_closed: args.closed })
    .orderByRaw(args.closed ? 'order_number asc' : 'coalesce(is_default, false) desc, order_number asc')
    .first<{ status_id: string } | undefined>('status_id');
  if (!target) return false;
  const { rows } = await trx.raw<{ rows: { now: Date }[] }>('select now() as now');
  const now = rows[0]?.now ?? new Date();
  const userId = args.contact.userId;
  await trx('tickets')
    .where({ tenant: args.tenant, ticket_id: args.ticketId })
    .update({
      status_id: target.status_id,
      is_closed: args.closed,
      ...(args.closed ? { closed_at: now, closed_by: userId, response_state: null } : { closed_at: null, closed_by: null }),
      updated_at: now,
      updated_by: userId,
    });
  const change = { old: ticket.status_id, previous: ticket.status_id, new: target.status_id };
  await trx('ticket_audit_logs').insert({
    tenant: args.tenant,
    ticket_id: args.ticketId,
    event_type: args.closed ? 'TICKET_CLOSED' : 'TICKET_REOPENED',
    entity_type: 'ticket',
    entity_id: args.ticketId,
    actor_type: userId ? 'user' : 'contact',
    actor_user_id: userId,
    actor_contact_id: userId ? null : args.contact.contactId,
    actor_display_name: args.contact.name,
    source: 'client_portal',
    occurred_at: now,
    changes: JSON.stringify({ status_id: change }),
    details: JSON.stringify({}),
    created_at: now,
  });
  // In its new tab at once (ticket-order.ts).
  await noteTicketOrder(trx, { tenant: args.tenant, ticketId: args.ticketId });
  return true;
}
