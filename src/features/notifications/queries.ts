// SQL for staff notifications. Notifications are client_activity_logs rows whose event the rules
// table lists, one per group of repeated views (grouped_into is null: see GROUPED_VIEWS); what a
// staff user has read is one cursor per user (portal_notification_reads) and the single entries
// they marked read past it (portal_notification_item_reads), and
// how far each email channel has got is one cursor per channel (portal_notification_dispatch),
// locked FOR UPDATE SKIP LOCKED so that with several app instances one of them sends.
import { ACROSS_WORKSPACES, type ActivityRow, boundedCount, COUNT_LIMIT } from '../../core/index.ts';
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export interface NotificationRow extends ActivityRow {
  unread: boolean;
}

const lastRead = (db: Db, workspaceId: string, staffUserId: string) =>
  db('portal_notification_reads').where({ workspace_id: workspaceId, staff_user_id: staffUserId }).select('last_read_activity_id');

/** SQL true when this staff user marked the entry `a` read on its own (a primary key lookup). */
const itemRead = (workspaceId: string, staffUserId: string) =>
  [
    'exists (select 1 from portal_notification_item_reads r where r.workspace_id = ? and r.staff_user_id = ? and r.activity_id = a.id)',
    [workspaceId, staffUserId],
  ] as const;

/**
 * One query: the staff user's unread notifications in their workspace, up to COUNT_LIMIT. Each
 * event is read on its own from the index on (workspace_id, event, id), from the user's cursor on:
 * the count reads the unread rows and no others, however long the log already is.
 */
export async function countUnread(db: Db, args: { workspaceId: string; staffUserId: string; events: string[] }): Promise<number> {
  if (args.events.length === 0) return 0;
  const cursor = db.raw('coalesce((?), 0)', [lastRead(db, args.workspaceId, args.staffUserId)]);
  // The cursor is compared as a row with the index's columns: a condition only that index serves
  // (a plain `a.id > cursor` let a planner read the primary key past the cursor once per event,
  // every unread row of every event).
  const [readSql, readBindings] = itemRead(args.workspaceId, args.staffUserId);
  const unread = db.raw(
    `(select 1 from client_activity_logs a where a.workspace_id = ? and a.event = e.event
        and (a.workspace_id, a.event, a.id) > (?, e.event, ?) and a.grouped_into is null and not ${readSql} limit ${COUNT_LIMIT}) as unread`,
    [args.workspaceId, args.workspaceId, cursor, ...readBindings],
  );
  return boundedCount(db, db.fromRaw(db.raw('unnest(?::text[]) as e(event)', [args.events])).crossJoin(db.raw('lateral ?', [unread])));
}

/** Newest first, each marked unread or read for this staff user, in one query. */
export async function listNotifications(
  db: Db,
  args: { workspaceId: string; staffUserId: string; events: string[]; limit: number; offset: number },
): Promise<NotificationRow[]> {
  if (args.events.length === 0) return [];
  const [readSql, readBindings] = itemRead(args.workspaceId, args.staffUserId);
  return db('client_activity_logs as a')
    .where('a.workspace_id', args.workspaceId)
    .whereIn('a.event', args.events)
    .whereNull('a.grouped_into')
    .orderBy('a.id', 'desc')
    .limit(args.limit)
    .offset(args.offset)
    .select<NotificationRow[]>([
      'a.id',
      'a.client_user_id',
      'a.client_id',
      'a.email',
      'a.event',
      'a.details',
      'a.ip',
      'a.user_agent',
      'a.created_at',
      'a.repeat_count',
      'a.last_repeated_at',
      db.raw(`a.id > coalesce((?), 0) and not ${readSql} as unread`, [lastRead(db, args.workspaceId, args.staffUserId), ...readBindings]),
    ]);
}

/** Marks everything up to the newest notification now shown as read. */
export async function markReadUpTo(db: Db, args: { workspaceId: string; staffUserId: string; activityId: number }): Promise<void> {
  await db('portal_notification_reads')
    .insert({
      workspace_id: args.workspaceId,
      staff_user_id: args.staffUserId,
      last_read_activity_id: args.activityId,
      updated_at: db.fn.now(),
    })
    .onConflict(['workspace_id', 'staff_user_id'])
    .merge({
      last_read_activity_id: db.raw('greatest(portal_notification_reads.last_read_activity_id, excluded.last_read_activity_id)'),
      updated_at: db.raw('excluded.updated_at'),
    });
  // Single reads the cursor has now passed say nothing more.
  await db('portal_notification_item_reads')
    .where({ workspace_id: args.workspaceId, staff_user_id: args.staffUserId })
    .andWhere('activity_id', '<=', args.activityId)
    .delete();
}

/**
 * Marks one notification read for this staff user: only an entry of their own workspace that is a
 * notification (its event listed, heading its group). False when there is none. A read, then the
 * insert of its id: not an insert of a select from the activity log, a form Citus sends to one shard
 * only sometimes (test/support/shard-routing.ts).
 */
export async function markItemRead(
  db: Db,
  args: { workspaceId: string; staffUserId: string; activityId: number; events: string[] },
): Promise<boolean> {
  if (args.events.length === 0) return false;
  const entry = await db('client_activity_logs')
    .where({ workspace_id: args.workspaceId, id: args.activityId })
    .whereRaw('event = any(?::text[])', [args.events])
    .whereNull('grouped_into')
    .first('id');
  if (!entry) return false;
  await db('portal_notification_item_reads')
    .insert({ workspace_id: args.workspaceId, staff_user_id: args.staffUserId, activity_id: entry.id })
    .onConflict(['workspace_id', 'staff_user_id', 'activity_id'])
    // The inserted row's own time (its default): Citus refuses a function in this update.
    .merge({ created_at: db.raw('excluded.created_at') });
  return true;
}

export async function newestNotificationId(db: Db, args: { workspaceId: string; events: string[] }): Promise<number> {
  if (args.events.length === 0) return 0;
  const row = await db('client_activity_logs')
    .where('workspace_id', args.workspaceId)
    .whereIn('event', args.events)
    .first<{ id: string | number | null }>(db.raw('max(id) as id'));
  return Number(row?.id ?? 0);
}

export interface DispatchCursor {
  channel: string;
  last_activity_id: number;
  last_sent_at: Date | null;
}

/** The channel's cursor, locked; null when another instance holds it (it is sending). */
export async function lockDispatchCursor(trx: Knex.Transaction, channel: string): Promise<DispatchCursor | null> {
  const row = await trx('portal_notification_dispatch')
    .where({ channel })
    .forUpdate()
    .skipLocked()
    .first<DispatchCursor | undefined>(['channel', 'last_activity_id', 'last_sent_at']);
  return row ? { ...row, last_activity_id: Number(row.last_activity_id) } : null;
}

/** Events past the cursor, old enough that no transaction still writing a lower id is open. */
export async function eventsToDispatch(
  trx: Knex.Transaction,
  args: { afterId: number; events: string[]; settledBefore: Date; limit: number },
): Promise<ActivityRow[]> {
  if (args.events.length === 0) return [];
  return trx('client_activity_logs')
    .comment(`${ACROSS_WORKSPACES}: the staff notification emails follow one cursor over every workspace's activity`)
    .where('id', '>', args.afterId)
    .whereIn('event', args.events)
    .whereNull('grouped_into')
    .where('created_at', '<=', args.settledBefore)
    .orderBy('id')
    .limit(args.limit)
    .select<ActivityRow[]>([
      'id',
      'workspace_id',
      'client_user_id',
      'client_id',
      'email',
      'event',
      'details',
      'ip',
      'user_agent',
      'created_at',
    ]);
}

export async function advanceDispatchCursor(
  trx: Knex.Transaction,
  args: { channel: string; lastActivityId: number; sentAt: Date },
): Promise<void> {
  await trx('portal_notification_dispatch')
    .where({ channel: args.channel })
    .update({ last_activity_id: args.lastActivityId, last_sent_at: args.sentAt });
}
