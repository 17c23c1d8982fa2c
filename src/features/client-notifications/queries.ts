// SQL of client notifications: who gets one (with their channel and language), the rows, read
// marks, the person's channel choices, and the daily email's claim. Every statement names its
// workspace; the daily email's search spans workspaces and says so.
import type { Knex } from 'knex';
import { ACROSS_WORKSPACES, type ClientPermission, personMay } from '../../core/index.ts';
import type { Channel, NotificationKind } from './kinds.ts';

type Db = Knex | Knex.Transaction;

/**
 * What happened, kept with a notification for its words (read in the reader's language and zone):
 * an appointment's answer and its time; a request answered with an offer, answered in words, or
 * moved to another state. The request's facts as told (`offer`, `answeredAt`, `state`) are also
 * what its next telling is compared with.
 */
export interface NotificationDetail {
  what: 'confirmed' | 'moved' | 'declined' | 'cancelled' | 'offer' | 'answer' | 'state' | 'reply';
  /** An appointment's start (ISO) and the zone it was booked in, the words' fallback zone. */
  at?: string;
  zone?: string;
  /** A request's offer (its number and kind), answer time (ISO) and state when told. */
  offer?: string | null;
  offerKind?: 'proposal' | 'quotation' | null;
  answeredAt?: string | null;
  state?: string;
  /** A reply's first words (its thread's comment), as the notification says them. */
  excerpt?: string;
}

export interface NotificationRow {
  id: string;
  kind: NotificationKind;
  subject_type: string;
  subject_id: string;
  title: string | null;
  number: string | null;
  detail: NotificationDetail | null;
  created_at: Date;
  read_at: Date | null;
}

const ROW_COLUMNS = ['id', 'kind', 'subject_type', 'subject_id', 'title', 'number', 'detail', 'created_at', 'read_at'];

export interface Recipient {
  id: string;
  /** The host's contact: what the host's own client roles grant is asked by it. */
  contact_id: string;
  email: string;
  locale: string | null;
  /** Their own zone, where they chose one: the emails' times are said in it. */
  time_zone: string | null;
  notification_channels: Record<string, unknown> | null;
}

/** The company's active people who may see `permission` (one contact's, where the record is theirs alone). */
export function recipients(
  db: Db,
  workspaceId: string,
  clientId: string,
  permission: ClientPermission,
  onlyContactId: string | null,
): Promise<Recipient[]> {
  const query = db('client_users as u')
    .leftJoin('portal_client_preferences as p', (join) =>
      join.on('p.workspace_id', 'u.workspace_id').andOn('p.client_user_id', 'u.id').andOnVal('p.workspace_id', workspaceId),
    )
    .where({ 'u.workspace_id': workspaceId, 'u.client_id': clientId, 'u.status': 'active' })
    .andWhere(personMay(db, 'u', workspaceId, permission))
    .select('u.id', 'u.contact_id', 'u.email', 'u.locale', 'u.time_zone', 'p.notification_channels');
  if (onlyContactId) query.andWhere('u.contact_id', onlyContactId);
  return query;
}

/**
 * One row per person; a person told of the same occurrence on the same record for the same reason
 * before is skipped (an occurrence read again; '' for news told once per record). Returns who was told.
 */
export async function insertNotifications(
  db: Db,
  rows: Array<{
    workspaceId: string;
    clientId: string;
    clientUserId: string;
    kind: NotificationKind;
    subjectType: string;
    subjectId: string;
    occurrence: string;
    title: string | null;
    number: string | null;
    detail: NotificationDetail | null;
    channel: Channel;
    emailedAt: Date | null;
  }>,
): Promise<Array<{ id: string; client_user_id: string }>> {
  if (rows.length === 0) return [];
  return db('portal_client_notifications')
    .insert(
      rows.map((row) => ({
        workspace_id: row.workspaceId,
        client_id: row.clientId,
        client_user_id: row.clientUserId,
        kind: row.kind,
        subject_type: row.subjectType,
        subject_id: row.subjectId,
        occurrence: row.occurrence,
        title: row.title,
        number: row.number,
        detail: row.detail === null ? null : JSON.stringify(row.detail),
        channel: row.channel,
        emailed_at: row.emailedAt,
      })),
    )
    .onConflict(['workspace_id', 'client_user_id', 'kind', 'subject_id', 'occurrence'])
    .ignore()
    .returning(['id', 'client_user_id']);
}

/**
 * The person's newest notifications of the kinds they may see, `limit` from before `beforeId`. A
 * person who may see no kind (every section they could hear of switched off) has none to read.
 */
export async function listNotifications(
  db: Db,
  workspaceId: string,
  clientUserId: string,
  kinds: readonly NotificationKind[],
  page: { limit: number; beforeId: string | null },
): Promise<NotificationRow[]> {
  if (kinds.length === 0) return [];
  const query = db('portal_client_notifications')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .whereIn('kind', [...kinds])
    .orderBy('id', 'desc')
    .limit(page.limit)
    .select(ROW_COLUMNS);
  if (page.beforeId) query.andWhere('id', '<', page.beforeId);
  return query;
}

export function findNotification(db: Db, workspaceId: string, clientUserId: string, id: string): Promise<NotificationRow | undefined> {
  return db('portal_client_notifications').where({ workspace_id: workspaceId, client_user_id: clientUserId, id }).first(ROW_COLUMNS);
}

export function markRead(db: Db, workspaceId: string, clientUserId: string, id: string, at: Date): Promise<number> {
  return db('portal_client_notifications')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId, id })
    .whereNull('read_at')
    .update({ read_at: at });
}

export function markAllRead(db: Db, workspaceId: string, clientUserId: string, at: Date): Promise<number> {
  return db('portal_client_notifications')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .whereNull('read_at')
    .update({ read_at: at });
}

export async function findChannels(db: Db, workspaceId: string, clientUserId: string): Promise<Record<string, unknown>> {
  const row = await db('portal_client_preferences')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .first<{ notification_channels: Record<string, unknown> } | undefined>('notification_channels');
  return row?.notification_channels ?? {};
}

export async function saveChannels(db: Db, workspaceId: string, clientUserId: string, channels: Record<string, Channel>): Promise<void> {
  await db('portal_client_preferences')
    .insert({
      workspace_id: workspaceId,
      client_user_id: clientUserId,
      notification_channels: JSON.stringify(channels),
      updated_at: db.fn.now(),
    })
    .onConflict(['workspace_id', 'client_user_id'])
    .merge({ notification_channels: db.raw('excluded.notification_channels'), updated_at: db.raw('excluded.updated_at') });
}

/** People with notifications waiting for their daily email, with their contact, across workspaces. */
export function findDigestsDue(
  db: Db,
  limit: number,
): Promise<Array<{ workspace_id: string; client_user_id: string; contact_id: string }>> {
  return db('portal_client_notifications as n')
    .join('client_users as u', (join) => join.on('u.workspace_id', 'n.workspace_id').andOn('u.id', 'n.client_user_id'))
    .where({ 'n.channel': 'digest' })
    .whereNull('n.emailed_at')
    .comment(`${ACROSS_WORKSPACES}: people with a daily email waiting`)
    .distinct('n.workspace_id', 'n.client_user_id', 'u.contact_id')
    .limit(limit);
}

/**
 * Claims the person's daily email: true for one caller a day across instances (the row records when
 * it went out). A person without a preferences row gets one.
 */
export async function claimDigest(
  trx: Knex.Transaction,
  workspaceId: string,
  clientUserId: string,
  at: Date,
  notBefore: Date,
): Promise<boolean> {
  await trx('portal_client_preferences')
    .insert({ workspace_id: workspaceId, client_user_id: clientUserId })
    .onConflict(['workspace_id', 'client_user_id'])
    .ignore();
  const claimed = await trx('portal_client_preferences')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .andWhere((q) => q.whereNull('last_digest_at').orWhere('last_digest_at', '<=', notBefore))
    .update({ last_digest_at: at });
  return claimed > 0;
}

/** The person's waiting notifications, taken for the daily email (marked sent in the caller's transaction). */
export function takeDigestItems(trx: Knex.Transaction, workspaceId: string, clientUserId: string, at: Date): Promise<NotificationRow[]> {
  return trx('portal_client_notifications')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId, channel: 'digest' })
    .whereNull('emailed_at')
    .update({ emailed_at: at })
    .returning(ROW_COLUMNS);
}

/**
 * The person the daily email is for, if still active, with what they may see now (their company's,
 * role's and own layers): what was allowed when a notification was written may not be any more.
 */
export async function findDigestPerson(
  db: Db,
  workspaceId: string,
  clientUserId: string,
  permissions: readonly ClientPermission[],
): Promise<{ id: string; email: string; locale: string | null; timeZone: string | null; allowed: Set<ClientPermission> } | null> {
  const row = await db('client_users as u')
    .where({ 'u.workspace_id': workspaceId, 'u.id': clientUserId, 'u.status': 'active' })
    .first<Record<string, unknown> | undefined>([
      'u.id',
      'u.email',
      'u.locale',
      'u.time_zone',
      ...permissions.map((permission, i) => db.raw(`(?) as may_${i}`, [personMay(db, 'u', workspaceId, permission)])),
    ]);
  if (!row) return null;
  return {
    id: String(row.id),
    email: String(row.email),
    locale: (row.locale as string | null) ?? null,
    timeZone: (row.time_zone as string | null) ?? null,
    allowed: new Set(permissions.filter((_, i) => row[`may_${i}`] === true)),
  };
}

/** Workspaces with someone to tell (an active client user), across workspaces. */
export async function workspacesWithActivePeople(db: Db): Promise<string[]> {
  const rows = await db('client_users')
    .where({ status: 'active' })
    .comment(`${ACROSS_WORKSPACES}: workspaces whose host news is read`)
    .distinct<Array<{ workspace_id: string }>>('workspace_id');
  return rows.map((row) => row.workspace_id);
}

/**
 * Takes the workspace's read of the host's news, unless an instance took it after `notBefore`:
 * one read at a time across instances. Resolves with the cursor to read from (null: none yet) and
 * where the first read starts, or undefined when the read is not this caller's.
 *
 * A workspace's row is written the first time it is read, and starts where the portal was set up
 * for it: its first client user's invitation (the migration gave the workspaces set up before it
 * a row of their own). So the first read, minutes after that or after a restart, misses nothing
 * the host did in between.
 */
export async function claimHostNews(
  db: Db,
  workspaceId: string,
  at: Date,
  notBefore: Date,
): Promise<{ cursor: string | null; startedAt: Date } | undefined> {
  await db('portal_host_news')
    .insert({
      workspace_id: workspaceId,
      started_at: db.raw('coalesce((select min(created_at) from client_users where workspace_id = ?), now())', [workspaceId]),
    })
    .onConflict('workspace_id')
    .ignore();
  const [row] = await db('portal_host_news')
    .where({ workspace_id: workspaceId })
    .andWhere((q) => q.whereNull('claimed_at').orWhere('claimed_at', '<=', notBefore))
    .update({ claimed_at: at })
    .returning<Array<{ cursor: string | null; started_at: Date }>>(['cursor', 'started_at']);
  return row ? { cursor: row.cursor, startedAt: row.started_at } : undefined;
}

export async function saveHostNewsCursor(db: Db, workspaceId: string, cursor: string): Promise<void> {
  await db('portal_host_news').where({ workspace_id: workspaceId }).update({ cursor });
}

/** How many notifications the person has: the agency's review of an erasure shows it. */
export function countPersonNotifications(db: Knex, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('portal_client_notifications')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .select(db.raw('count(*)::int'));
}

export function deletePersonNotifications(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<number> {
  return trx('portal_client_notifications').where({ workspace_id: workspaceId, client_user_id: clientUserId }).delete();
}

export interface WaitingPush {
  id: string;
  client_user_id: string;
  kind: NotificationKind;
  subject_type: string;
  title: string | null;
  number: string | null;
  detail: NotificationDetail | null;
}

/**
 * Takes the workspace's notifications waiting to go as push (marked sent in the caller's
 * transaction, so each goes once across instances). Older than a day they are stale news: taken
 * and dropped.
 */
export function takeWaitingPushes(
  trx: Knex.Transaction,
  workspaceId: string,
  at: Date,
  limit: number,
): Promise<Array<WaitingPush & { created_at: Date }>> {
  const waiting = trx('portal_client_notifications')
    .where({ workspace_id: workspaceId, channel: 'push' })
    .whereNull('emailed_at')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .select('id');
  return trx('portal_client_notifications')
    .where({ workspace_id: workspaceId })
    .whereIn('id', waiting)
    .update({ emailed_at: at })
    .returning(['id', 'client_user_id', 'kind', 'subject_type', 'title', 'number', 'detail', 'created_at']);
}

/** Workspaces with notifications waiting to go as push, across workspaces (what a crash or restart left). */
export async function workspacesWithWaitingPushes(db: Db, limit: number): Promise<string[]> {
  const rows = await db('portal_client_notifications')
    .where({ channel: 'push' })
    .whereNull('emailed_at')
    .comment(`${ACROSS_WORKSPACES}: notifications waiting to go as push`)
    .distinct<Array<{ workspace_id: string }>>('workspace_id')
    .limit(limit);
  return rows.map((row) => row.workspace_id);
}

/** The languages and own time zones of the people a batch of push messages is for. */
export async function localesOf(
  db: Db,
  workspaceId: string,
  clientUserIds: readonly string[],
): Promise<Map<string, { locale: string | null; timeZone: string | null }>> {
  const rows = await db('client_users')
    .where({ workspace_id: workspaceId })
    .whereIn('id', [...new Set(clientUserIds)])
    .select<Array<{ id: string; locale: string | null; time_zone: string | null }>>('id', 'locale', 'time_zone');
  return new Map(rows.map((row) => [row.id, { locale: row.locale, timeZone: row.time_zone }]));
}

/**
 * What the record's last telling of the kind said, for anyone of the company: a request's next
 * telling says only what changed since (and nothing, when nothing did).
 */
export async function lastDetail(
  db: Db,
  args: { workspaceId: string; clientId: string; kind: NotificationKind; subjectId: string },
): Promise<NotificationDetail | null> {
  const row = await db('portal_client_notifications')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, kind: args.kind, subject_id: args.subjectId })
    .whereNotNull('detail')
    .orderBy('id', 'desc')
    .first<{ detail: NotificationDetail } | undefined>('detail');
  return row?.detail ?? null;
}
