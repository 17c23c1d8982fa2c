// Support tickets, their conversation and their status history. Every statement is scoped by
// workspace; the client's reads also by client, so another company's ticket is not found.
import { TICKET_STATUSES } from '../migrations/20270102000001_tickets.ts';
import { countUpTo } from '../../shared/count-up-to.ts';
import { type Db, inTransaction, isUniqueViolation, statusInSql } from './db.ts';

export { TICKET_STATUSES };
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export interface TicketRow {
  id: number;
  client_id: number;
  client_name: string;
  contact_id: number | null;
  opened_by: string | null;
  ref: string;
  subject: string;
  description: string;
  status: TicketStatus;
  category: string | null;
  priority: string | null;
  opened_at: Date;
  closed_at: Date | null;
  last_activity_at: Date;
}

export interface TicketMessageRow {
  id: number;
  author_contact_id: number | null;
  author_staff_id: number | null;
  author_name: string;
  is_internal: boolean;
  body: string;
  created_at: Date;
}

export interface TicketStatusChangeRow {
  from_status: TicketStatus | null;
  to_status: TicketStatus;
  changed_at: Date;
  by_name: string | null;
}

export interface TicketChoiceRow {
  id: number;
  name: string;
}

const COLUMNS = [
  't.id',
  't.client_id',
  'c.name as client_name',
  't.contact_id',
  'k.name as opened_by',
  't.ref',
  't.subject',
  't.description',
  't.status',
  't.opened_at',
  't.closed_at',
  't.last_activity_at',
] as const;

/**
 * A category's or priority's name in the first of `languages` it has ("de" of "de-DE"), else its
 * own: the client reads the agency's words in their language where the agency wrote them.
 */
function choiceName(db: Db, alias: 'tc' | 'tp', as: string, languages: readonly string[]) {
  const codes = [...new Set(languages.map((language) => language.split('-')[0]!.toLowerCase()))];
  return db.raw(`coalesce(${codes.map(() => `${alias}.names ->> ?, `).join('')}${alias}.name) as ??`, [...codes, as]);
}

function ticketColumns(db: Db, languages: readonly string[] = []) {
  return [...COLUMNS, choiceName(db, 'tc', 'category', languages), choiceName(db, 'tp', 'priority', languages)];
}

function scoped(db: Db, workspaceId: number) {
  return db('tickets as t')
    .join('clients as c', function joinClient() {
      this.on('c.workspace_id', '=', 't.workspace_id').andOn('c.id', '=', 't.client_id');
    })
    .leftJoin('contacts as k', function joinContact() {
      this.on('k.workspace_id', '=', 't.workspace_id').andOn('k.id', '=', 't.contact_id');
    })
    .leftJoin('ticket_categories as tc', function joinCategory() {
      this.on('tc.workspace_id', '=', 't.workspace_id').andOn('tc.id', '=', 't.category_id');
    })
    .leftJoin('ticket_priorities as tp', function joinPriority() {
      this.on('tp.workspace_id', '=', 't.workspace_id').andOn('tp.id', '=', 't.priority_id');
    })
    .where('t.workspace_id', workspaceId);
}

/** What a list filters on: the statuses, text in the ref or subject, and where the last page ended. */
export interface TicketListArgs {
  workspaceId: number;
  clientId?: number;
  statuses?: readonly TicketStatus[];
  search?: string;
  /** Only the tickets linked to this device (device_tickets). */
  deviceId?: number;
  after?: { lastActivityAt: string; id: number };
  limit: number;
  /** The reader's languages, first first, for the names of categories and priorities. */
  languages?: readonly string[];
}

/** LIKE's own characters taken literally, so a search for "100%" finds "100%". */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Newest activity first; a client's list, or the workspace's (staff). */
export async function listTickets(db: Db, args: TicketListArgs): Promise<TicketRow[]> {
  const query = scoped(db, args.workspaceId);
  if (args.clientId !== undefined) query.where('t.client_id', args.clientId);
  if (args.statuses) query.whereIn('t.status', args.statuses as TicketStatus[]);
  if (args.search) {
    const pattern = likePattern(args.search);
    query.andWhere((q) => q.whereILike('t.ref', pattern).orWhereILike('t.subject', pattern));
  }
  if (args.deviceId !== undefined) {
    const deviceId = args.deviceId;
    query.whereExists((q) =>
      q
        .select(db.raw('1'))
        .from('device_tickets as dt')
        .where('dt.workspace_id', args.workspaceId)
        .andWhere('dt.device_id', deviceId)
        .whereRaw('dt.ticket_id = t.id'),
    );
  }
  if (args.after) query.whereRaw('(t.last_activity_at, t.id) < (?::timestamptz, ?)', [args.after.lastActivityAt, args.after.id]);
  return query
    .orderBy([
      { column: 't.last_activity_at', order: 'desc' },
      { column: 't.id', order: 'desc' },
    ])
    .limit(args.limit)
    .select<TicketRow[]>(ticketColumns(db, args.languages));
}

export async function findTicket(
  db: Db,
  args: { workspaceId: number; clientId?: number; ticketId: number; languages?: readonly string[] },
): Promise<TicketRow | null> {
  const query = scoped(db, args.workspaceId).where('t.id', args.ticketId);
  if (args.clientId !== undefined) query.where('t.client_id', args.clientId);
  return (await query.first<TicketRow | undefined>(ticketColumns(db, args.languages))) ?? null;
}

/** Seed look-up: a ticket's subject is its natural key within one client. */
export async function findTicketBySubject(
  db: Db,
  args: { workspaceId: number; clientId: number; subject: string },
): Promise<TicketRow | null> {
  const row = await scoped(db, args.workspaceId)
    .where({ 't.client_id': args.clientId, 't.subject': args.subject })
    .orderBy('t.id')
    .first<TicketRow | undefined>(ticketColumns(db));
  return row ?? null;
}

/**
 * A client's open tickets (every status short of resolved) and those waiting on the client, each
 * counted up to countLimit (the dashboard's SUMMARY_COUNT_LIMIT and one more): one row, `open` and
 * `waiting`. A client with an imported heap of open tickets costs what one with a few does.
 */
export function clientTicketCountsQuery(db: Db, args: { workspaceId: number; clientId: number; countLimit: number }) {
  const counted = (statuses: TicketStatus[]) =>
    countUpTo(
      db,
      db('tickets')
        .where({ workspace_id: args.workspaceId, client_id: args.clientId })
        .whereRaw(statusInSql('status', statuses, TICKET_STATUSES)),
      args.countLimit,
    );
  return db.select(
    db.raw('(?) as open', [counted(['new', 'in_progress', 'waiting_on_client'])]),
    db.raw('(?) as waiting', [counted(['waiting_on_client'])]),
  );
}

export async function countClientTickets(
  db: Db,
  args: { workspaceId: number; clientId: number; countLimit: number },
): Promise<{ open: number; waiting: number }> {
  const row = await clientTicketCountsQuery(db, args).first<{ open: number; waiting: number } | undefined>();
  return { open: row?.open ?? 0, waiting: row?.waiting ?? 0 };
}

/** The messages, oldest first; without internal notes unless asked (staff). */
export async function listTicketMessages(
  db: Db,
  args: { workspaceId: number; ticketId: number; withInternal: boolean },
): Promise<TicketMessageRow[]> {
  const query = db('ticket_messages as m')
    .leftJoin('contacts as k', function joinContact() {
      this.on('k.workspace_id', '=', 'm.workspace_id').andOn('k.id', '=', 'm.author_contact_id');
    })
    .leftJoin('staff_users as s', function joinStaff() {
      this.on('s.workspace_id', '=', 'm.workspace_id').andOn('s.id', '=', 'm.author_staff_id');
    })
    .where({ 'm.workspace_id': args.workspaceId, 'm.ticket_id': args.ticketId });
  if (!args.withInternal) query.where('m.is_internal', false);
  return query
    .orderBy([
      { column: 'm.created_at', order: 'asc' },
      { column: 'm.id', order: 'asc' },
    ])
    .select<TicketMessageRow[]>(
      'm.id',
      'm.author_contact_id',
      'm.author_staff_id',
      db.raw("coalesce(k.name, s.name, '') as author_name"),
      'm.is_internal',
      'm.body',
      'm.created_at',
    );
}

export async function listTicketStatusChanges(db: Db, args: { workspaceId: number; ticketId: number }): Promise<TicketStatusChangeRow[]> {
  return db('ticket_status_changes as h')
    .leftJoin('contacts as k', function joinContact() {
      this.on('k.workspace_id', '=', 'h.workspace_id').andOn('k.id', '=', 'h.by_contact_id');
    })
    .leftJoin('staff_users as s', function joinStaff() {
      this.on('s.workspace_id', '=', 'h.workspace_id').andOn('s.id', '=', 'h.by_staff_id');
    })
    .where({ 'h.workspace_id': args.workspaceId, 'h.ticket_id': args.ticketId })
    .orderBy([
      { column: 'h.changed_at', order: 'asc' },
      { column: 'h.id', order: 'asc' },
    ])
    .select<TicketStatusChangeRow[]>('h.from_status', 'h.to_status', 'h.changed_at', db.raw('coalesce(k.name, s.name) as by_name'));
}

/** The refs and subjects of a client's tickets among `ids` (the survey answers a plugin lists), by id. */
export async function ticketRefsOf(
  db: Db,
  args: { workspaceId: number; clientId: number; ids: number[] },
): Promise<Map<number, { ref: string; subject: string }>> {
  if (args.ids.length === 0) return new Map();
  const rows = await db('tickets')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId })
    .whereIn('id', args.ids)
    .select<{ id: number; ref: string; subject: string }[]>('id', 'ref', 'subject');
  return new Map(rows.map((row) => [row.id, { ref: row.ref, subject: row.subject }]));
}

/** The ticket's latest status change and whether staff made it: a survey is owed only for the agency's resolution. */
export async function latestTicketStatusChange(
  db: Db,
  args: { workspaceId: number; ticketId: number },
): Promise<{ to_status: TicketStatus; by_staff: boolean; changed_at: Date } | null> {
  const row = await db('ticket_status_changes')
    .where({ workspace_id: args.workspaceId, ticket_id: args.ticketId })
    .orderBy([
      { column: 'changed_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first<{ to_status: TicketStatus; by_staff: boolean; changed_at: Date } | undefined>(
      'to_status',
      db.raw('by_staff_id is not null as by_staff'),
      'changed_at',
    );
  return row ?? null;
}

export async function listTicketCategories(
  db: Db,
  args: { workspaceId: number; languages?: readonly string[] },
): Promise<TicketChoiceRow[]> {
  return ticketChoices(db, 'ticket_categories', 'tc', 'position', args);
}

export async function listTicketPriorities(
  db: Db,
  args: { workspaceId: number; languages?: readonly string[] },
): Promise<TicketChoiceRow[]> {
  return ticketChoices(db, 'ticket_priorities', 'tp', 'rank', args);
}

/** A workspace's categories or priorities (the table aliased `alias`), in their order, named in the reader's language. */
function ticketChoices(
  db: Db,
  table: 'ticket_categories' | 'ticket_priorities',
  alias: 'tc' | 'tp',
  orderColumn: 'position' | 'rank',
  args: { workspaceId: number; languages?: readonly string[] },
): Promise<TicketChoiceRow[]> {
  return db(`${table} as ${alias}`)
    .where(`${alias}.workspace_id`, args.workspaceId)
    .orderBy([`${alias}.${orderColumn}`, `${alias}.id`])
    .select<TicketChoiceRow[]>(`${alias}.id`, choiceName(db, alias, 'name', args.languages ?? []));
}

/** Seed: a category or priority by name, created when missing. */
export async function ensureTicketChoice(
  db: Db,
  args: { workspaceId: number; kind: 'category' | 'priority'; name: string; order: number; names?: Readonly<Record<string, string>> },
): Promise<number> {
  const table = args.kind === 'category' ? 'ticket_categories' : 'ticket_priorities';
  const names = JSON.stringify(args.names ?? {});
  const found = await db(table).where({ workspace_id: args.workspaceId, name: args.name }).first<{ id: number } | undefined>('id');
  if (found) {
    // A database seeded before the CRM kept translations gets them now.
    await db(table).where({ workspace_id: args.workspaceId, id: found.id }).whereRaw("names = '{}'::jsonb").update({ names });
    return found.id;
  }
  const [row] = await db(table)
    .insert({ workspace_id: args.workspaceId, name: args.name, names, [args.kind === 'category' ? 'position' : 'rank']: args.order })
    .returning<Array<{ id: number }>>(['id']);
  if (!row) throw new Error(`insert into ${table} returned no row`);
  return row.id;
}

/** The next free ref of the workspace, TIC-0001 onwards. */
async function nextRef(db: Db, workspaceId: number): Promise<string> {
  const row = await db('tickets')
    .where('workspace_id', workspaceId)
    .whereRaw("ref ~ '^TIC-[0-9]+$'")
    .first<{ n: number | null }>(db.raw('max(substring(ref from 5)::int) as n'));
  return `TIC-${String((row?.n ?? 0) + 1).padStart(4, '0')}`;
}

/**
 * A new ticket, status new, with the next ref. Two tickets opened at once may pick the same ref: the unique key
 * refuses the second, which takes the next one (each attempt in a savepoint, so the caller's
 * transaction survives the refusal).
 */
export async function insertTicket(
  db: Db,
  args: {
    workspaceId: number;
    clientId: number;
    contactId: number | null;
    subject: string;
    description: string;
    categoryId: number | null;
    priorityId: number | null;
    openedAt?: Date;
  },
): Promise<{ id: number; ref: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await inTransaction(db, async (trx) => {
        const ref = await nextRef(trx, args.workspaceId);
        const at = args.openedAt ?? trx.fn.now();
        const [row] = await trx('tickets')
          .insert({
            workspace_id: args.workspaceId,
            client_id: args.clientId,
            contact_id: args.contactId,
            ref,
            subject: args.subject,
            description: args.description,
            status: 'new',
            category_id: args.categoryId,
            priority_id: args.priorityId,
            opened_at: at,
            last_activity_at: at,
          })
          .returning<Array<{ id: number; ref: string }>>(['id', 'ref']);
        if (!row) throw new Error('insert into tickets returned no row');
        await trx('ticket_status_changes').insert({
          workspace_id: args.workspaceId,
          ticket_id: row.id,
          from_status: null,
          to_status: 'new',
          by_contact_id: args.contactId,
          changed_at: at,
        });
        return row;
      });
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= 4) throw err;
    }
  }
}

/**
 * A message on a ticket, and the ticket's last activity when the client can read it. Scoped by
 * client when the client writes it. False when the ticket is not found.
 */
/** Something the client can see happened on the ticket without a message (files on their own): it moves up their list. */
export async function touchTicket(db: Db, args: { workspaceId: number; ticketId: number }): Promise<void> {
  await db('tickets').where({ workspace_id: args.workspaceId, id: args.ticketId }).update({ last_activity_at: db.fn.now() });
}

export async function insertTicketMessage(
  db: Db,
  args: {
    workspaceId: number;
    ticketId: number;
    clientId?: number;
    author: { contactId: number } | { staffId: number };
    isInternal: boolean;
    body: string;
    at?: Date;
  },
): Promise<number | null> {
  const ticket = db('tickets').where({ workspace_id: args.workspaceId, id: args.ticketId });
  if (args.clientId !== undefined) ticket.where('client_id', args.clientId);
  const at = args.at ?? db.fn.now();
  const found = args.isInternal
    ? await ticket.first('id')
    : await ticket
        .update({ last_activity_at: at })
        .returning('id')
        .then((r) => r[0]);
  if (!found) return null;
  const [row] = await db('ticket_messages')
    .insert({
      workspace_id: args.workspaceId,
      ticket_id: args.ticketId,
      author_contact_id: 'contactId' in args.author ? args.author.contactId : null,
      author_staff_id: 'staffId' in args.author ? args.author.staffId : null,
      is_internal: args.isInternal,
      body: args.body,
      created_at: at,
    })
    .returning<Array<{ id: number }>>(['id']);
  return row?.id ?? null;
}

export async function findTicketMessage(db: Db, args: { workspaceId: number; messageId: number }): Promise<TicketMessageRow | null> {
  const row = await db('ticket_messages as m')
    .leftJoin('contacts as k', function joinContact() {
      this.on('k.workspace_id', '=', 'm.workspace_id').andOn('k.id', '=', 'm.author_contact_id');
    })
    .leftJoin('staff_users as s', function joinStaff() {
      this.on('s.workspace_id', '=', 'm.workspace_id').andOn('s.id', '=', 'm.author_staff_id');
    })
    .where({ 'm.workspace_id': args.workspaceId, 'm.id': args.messageId })
    .first<TicketMessageRow | undefined>(
      'm.id',
      'm.author_contact_id',
      'm.author_staff_id',
      db.raw("coalesce(k.name, s.name, '') as author_name"),
      'm.is_internal',
      'm.body',
      'm.created_at',
    );
  return row ?? null;
}

/**
 * Moves a ticket to a status and records the change; nothing when it is already there. `from`
 * limits the move to tickets in those statuses (a client's reply moves only a waiting ticket).
 * Returns whether the ticket was found (in the client's scope when given).
 */
export async function setTicketStatus(
  db: Db,
  args: {
    workspaceId: number;
    ticketId: number;
    clientId?: number;
    to: TicketStatus;
    from?: readonly TicketStatus[];
    by: { contactId: number } | { staffId: number };
    at?: Date;
  },
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const query = trx('tickets').where({ workspace_id: args.workspaceId, id: args.ticketId });
    if (args.clientId !== undefined) query.where('client_id', args.clientId);
    const current = await query.clone().forUpdate().first<{ status: TicketStatus } | undefined>('status');
    if (!current) return false;
    if (current.status === args.to || (args.from && !args.from.includes(current.status))) return true;
    const at = args.at ?? trx.fn.now();
    const closing = args.to === 'resolved' || args.to === 'closed';
    const wasClosed = current.status === 'resolved' || current.status === 'closed';
    await query.update({
      status: args.to,
      last_activity_at: at,
      // A resolved ticket that staff then close keeps the time it was first done with.
      ...(closing ? (wasClosed ? {} : { closed_at: at }) : { closed_at: null }),
    });
    await trx('ticket_status_changes').insert({
      workspace_id: args.workspaceId,
      ticket_id: args.ticketId,
      from_status: current.status,
      to_status: args.to,
      by_contact_id: 'contactId' in args.by ? args.by.contactId : null,
      by_staff_id: 'staffId' in args.by ? args.by.staffId : null,
      changed_at: at,
    });
    return true;
  });
}
