// SQL for client_activity_logs. Always scoped by workspace.
import type { Knex } from 'knex';
import { isCitus } from '../db/citus.ts';
import type { ActivityEvent } from './events.ts';
import { CHANGES_CLIENT_RECORDS } from './changing-events.ts';
import { BUMP_GENERATION_SQL, bumpSummaryGeneration } from '../summaries/queries.ts';

type Db = Knex | Knex.Transaction;

export interface ActivityEntry {
  workspaceId: string;
  event: ActivityEvent;
  clientUserId?: string | null;
  clientId?: string | null;
  email?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
  userAgent?: string | null;
}

export interface ActivityRow {
  id: number;
  client_user_id: string | null;
  client_id: string | null;
  email: string | null;
  event: ActivityEvent;
  details: Record<string, unknown>;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  /** On the first view of a group (see GROUPED_VIEWS): how many views it stands for, and the latest. */
  repeat_count?: number;
  last_repeated_at?: Date | null;
}

/**
 * Views that group: the same client user viewing the same record again within GROUP_WINDOW adds
 * to the first view's count instead of making another notification. Grouped when written, not
 * when read: the list, the unread count and the digest then read one row per group with the
 * indexes they already use, where grouping on every read would scan every view of every record
 * of the workspace, on every staff page (the header's badge), for each of a thousand workspaces.
 * Each repeat is still its own row (with its IP and device) for the record's evidence, marked
 * grouped_into the first. Two views of the same record at the very same moment may both start a
 * group; the list then shows two entries, which is harmless.
 */
const GROUPED_VIEWS: ReadonlySet<ActivityEvent> = new Set<ActivityEvent>(['offer.viewed', 'invoice.viewed']);
const GROUP_WINDOW = '1 day';

/** The record an entry is about (details.invoiceId, offerId or subjectId), or null. */
function recordIdOf(details: Record<string, unknown> | undefined): string | null {
  const id = details?.invoiceId ?? details?.offerId ?? details?.subjectId;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}

/** A signed-in client person's own action: who they are, from the request, and what they did. */
export interface ClientActor {
  workspace: { id: string };
  user: { id: string; client_id: string; email: string };
  meta: { ip: string | null; userAgent: string | null };
}

/** Logs an action of a signed-in client person under their workspace, company and address. */
export function insertClientActivity(db: Db, actor: ClientActor, event: ActivityEvent, details: Record<string, unknown>): Promise<void> {
  return insertActivity(db, {
    workspaceId: actor.workspace.id,
    event,
    clientUserId: actor.user.id,
    clientId: actor.user.client_id,
    email: actor.user.email,
    details,
    ...actor.meta,
  });
}

/** A staff member acting on the workspace's clients, from a staff page: who they are, and their request's trail. */
export interface StaffActorRef {
  workspace: { id: string };
  staff: { id: string; name: string };
  meta: { ip: string | null; userAgent: string | null };
}

/**
 * Logs a staff member's action, with their id and name in the details (the admin's activity page
 * says "by" them), about the client company or person it changed, if any.
 */
export function insertStaffActivity(
  db: Db,
  actor: StaffActorRef,
  event: ActivityEvent,
  details: Record<string, unknown>,
  about: Pick<ActivityEntry, 'clientId' | 'clientUserId' | 'email'> = {},
): Promise<void> {
  return insertActivity(db, {
    workspaceId: actor.workspace.id,
    event,
    ...about,
    details: { staffId: actor.staff.id, staffName: actor.staff.name, ...details },
    ...actor.meta,
  });
}

/** The columns every entry writes, and its values in their order (the trail's address and browser cut to size). */
const ENTRY_COLUMNS = 'workspace_id, event, client_user_id, client_id, email, details, ip, user_agent';
const ENTRY_PLACEHOLDERS = '?, ?, ?, ?, ?, ?::jsonb, ?, ?';

function entryValues(entry: ActivityEntry): Knex.RawBinding[] {
  return [
    entry.workspaceId,
    entry.event,
    entry.clientUserId ?? null,
    entry.clientId ?? null,
    entry.email ?? null,
    JSON.stringify(entry.details ?? {}),
    entry.ip?.slice(0, 64) ?? null,
    entry.userAgent?.slice(0, 400) ?? null,
  ];
}

/**
 * Logs one entry. An entry of a change to the client's records (CHANGES_CLIENT_RECORDS) also bumps
 * the client's summary generation, in the same statement on plain PostgreSQL, so the kept
 * dashboards of its people are read afresh from the next view (src/core/summaries).
 */
export async function insertActivity(db: Db, entry: ActivityEntry): Promise<void> {
  const recordId = recordIdOf(entry.details);
  if (GROUPED_VIEWS.has(entry.event) && entry.clientUserId && entry.clientId && recordId)
    return insertGroupedView(db, entry, { clientUserId: entry.clientUserId, clientId: entry.clientId, recordId });
  const values = entryValues(entry);
  const insert = `insert into client_activity_logs (${ENTRY_COLUMNS}) values (${ENTRY_PLACEHOLDERS})`;
  if (!entry.clientId || !CHANGES_CLIENT_RECORDS[entry.event]) {
    await db.raw(insert, values);
    return;
  }
  // On Citus two statements, as grouped views are written there. The bump never comes before the
  // write it counts: both are in the write's transaction, or the write committed before the log.
  if (await isCitus(db)) {
    await db.raw(insert, values);
    await bumpSummaryGeneration(db, entry.workspaceId, entry.clientId);
    return;
  }
  await db.raw(`with bumped as (${BUMP_GENERATION_SQL}) ${insert}`, [entry.workspaceId, entry.clientId, ...values]);
}

/**
 * One statement: the newest first view of the same record by the same client user within the
 * window (read from client_activity_logs_record_idx, locked) gets one more to its count, and the
 * new row points to it; without one, the new row starts a group. On Citus, which takes no subquery
 * in an INSERT, the same in two statements (the caller's transaction keeps them together).
 */
async function insertGroupedView(
  db: Db,
  entry: ActivityEntry,
  key: { clientUserId: string; clientId: string; recordId: string },
): Promise<void> {
  const kind = typeof entry.details?.kind === 'string' ? entry.details.kind : null;
  const head = `head as (
       select id from client_activity_logs
        where workspace_id = ? and client_id = ? and ${RECORD_KEY} = ?
          and created_at > now() - interval '${GROUP_WINDOW}'
          and event = ? and client_user_id = ? and grouped_into is null
          and (?::text is null or details->>'kind' = ?)
        order by created_at desc, id desc
        limit 1
        for update
     )`;
  const bump = `update client_activity_logs l set repeat_count = l.repeat_count + 1, last_repeated_at = now()
       from head where l.workspace_id = ? and l.id = head.id returning l.id`;
  const bumpParams = [entry.workspaceId, key.clientId, key.recordId, entry.event, key.clientUserId, kind, kind, entry.workspaceId];
  const insert = (groupHead: string) =>
    `insert into client_activity_logs (${ENTRY_COLUMNS}, grouped_into) values (${ENTRY_PLACEHOLDERS}, ${groupHead})`;
  const insertParams = entryValues(entry);
  if (await isCitus(db)) {
    const bumped = (await db.raw<{ rows: Array<{ id: string }> }>(`with ${head} ${bump}`, bumpParams)).rows[0];
    await db.raw(insert('?'), [...insertParams, bumped?.id ?? null]);
    return;
  }
  await db.raw(`with ${head}, bumped as (${bump}) ${insert('(select id from bumped)')}`, [...bumpParams, ...insertParams]);
}

export interface ActivityFilter {
  clientId?: string | undefined;
  clientUserId?: string | undefined;
  event?: ActivityEvent | undefined;
}

/**
 * How far the activity log counts its rows. A log grows without end; counting a million rows on
 * every page view costs a scan of the index, while staff only need to know "more than this many".
 */
const ACTIVITY_COUNT_CAP = 10_000;

export async function listActivity(
  db: Db,
  workspaceId: string,
  filter: ActivityFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: ActivityRow[]; total: number; totalCapped: boolean }> {
  const scoped = () => {
    const q = db('client_activity_logs').where({ workspace_id: workspaceId });
    if (filter.clientId) q.andWhere({ client_id: filter.clientId });
    if (filter.clientUserId) q.andWhere({ client_user_id: filter.clientUserId });
    if (filter.event) q.andWhere({ event: filter.event });
    return q;
  };
  const [rows, counted] = await Promise.all([
    scoped()
      .select('id', 'client_user_id', 'client_id', 'email', 'event', 'details', 'ip', 'user_agent', 'created_at')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset),
    // In the page's order, so it walks the same (workspace, …, created_at) index as the page itself.
    db.count<{ count: number }[]>({ count: '*' }).from(
      scoped()
        .select(db.raw('1'))
        .orderBy('created_at', 'desc')
        .limit(ACTIVITY_COUNT_CAP + 1)
        .as('capped'),
    ),
  ]);
  const total = Number(counted[0]?.count ?? 0);
  return { rows: rows as ActivityRow[], total: Math.min(total, ACTIVITY_COUNT_CAP), totalCapped: total > ACTIVITY_COUNT_CAP };
}

/**
 * The record an entry is about: its id under invoiceId, offerId or subjectId (for public links) in
 * the details, never two at once; the index client_activity_logs_record_idx is on this expression.
 */
const RECORD_KEY = "coalesce(details->>'invoiceId', details->>'offerId', details->>'subjectId')";

/**
 * Client activity on one proposal, quotation or invoice of one client, newest first, read from
 * that index: the record's own entries alone (and those of a record of another kind with the same
 * id, which the kind check drops), however much else the client did.
 */
export async function listActivityForRecord(
  db: Db,
  args: { workspaceId: string; clientId: string; kind: 'proposal' | 'quotation' | 'invoice'; id: string; limit: number },
): Promise<ActivityRow[]> {
  const rows = await db('client_activity_logs')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId })
    .whereRaw(`${RECORD_KEY} = ?`, [args.id])
    .andWhere(function sameRecord() {
      if (args.kind === 'invoice') this.whereRaw("details->>'invoiceId' = ?", [args.id]);
      else this.whereRaw("details->>'offerId' = ? and details->>'kind' = ?", [args.id, args.kind]);
      this.orWhereRaw("details->>'subjectId' = ? and details->>'kind' = ?", [args.id, args.kind]);
    })
    .select('id', 'client_user_id', 'client_id', 'email', 'event', 'details', 'ip', 'user_agent', 'created_at')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(args.limit);
  return rows as ActivityRow[];
}
