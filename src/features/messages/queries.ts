// SQL for messages: conversations, messages, attachments, read markers and the client's email
// preference. Every query names the workspace (but the digest's search, across workspaces, which
// says so) and, except the staff inbox (which lists all clients of one workspace), the client.
import { ACROSS_WORKSPACES, boundedCount, COUNT_LIMIT, ERASED_NAME, personMay, SUMMARY_COUNT_LIMIT } from '../../core/index.ts';
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export type Side = 'client' | 'staff';

export interface ConversationRow {
  id: string;
  workspace_id: string;
  client_id: string;
  assigned_staff_id: string | null;
  last_message_at: Date | null;
}

export interface AttachmentRow {
  id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  author_side: Side;
  author_client_user_id: string | null;
  author_staff_id: string | null;
  author_name: string;
  body: string;
  created_at: Date;
  attachments: AttachmentRow[];
}

const CONVERSATION_COLUMNS = ['id', 'workspace_id', 'client_id', 'assigned_staff_id', 'last_message_at'];

export async function findConversation(db: Db, workspaceId: string, clientId: string): Promise<ConversationRow | null> {
  const row = await db('portal_conversations').where({ workspace_id: workspaceId, client_id: clientId }).first(CONVERSATION_COLUMNS);
  return (row as ConversationRow | undefined) ?? null;
}

/** The client's conversation, created on first use; one round trip either way. */
export async function ensureConversation(db: Db, workspaceId: string, clientId: string): Promise<ConversationRow> {
  const [row] = await db('portal_conversations')
    .insert({ workspace_id: workspaceId, client_id: clientId })
    .onConflict(['workspace_id', 'client_id'])
    // A no-op update, so the existing row is returned; never of workspace_id, which Citus refuses to update.
    .merge(['client_id'])
    .returning(CONVERSATION_COLUMNS);
  return row as ConversationRow;
}

export async function assignConversation(db: Db, workspaceId: string, clientId: string, staffId: string | null): Promise<number> {
  return db('portal_conversations').where({ workspace_id: workspaceId, client_id: clientId }).update({ assigned_staff_id: staffId });
}

/** The latest messages of a conversation, oldest first, each with its attachments (one query). */
export async function listMessages(
  db: Db,
  workspaceId: string,
  clientId: string,
  conversationId: string,
  limit: number,
): Promise<MessageRow[]> {
  const rows = await db
    .select('*')
    .from(
      db('portal_messages as m')
        .where({ 'm.workspace_id': workspaceId, 'm.client_id': clientId, 'm.conversation_id': conversationId })
        .orderBy('m.id', 'desc')
        .limit(limit)
        .select(
          'm.id',
          'm.conversation_id',
          'm.author_side',
          'm.author_client_user_id',
          'm.author_staff_id',
          'm.author_name',
          'm.body',
          'm.created_at',
          db.raw(
            `coalesce((select json_agg(json_build_object('id', a.id::text, 'filename', a.filename, 'content_type', a.content_type, 'size_bytes', a.size_bytes) order by a.id)
               from portal_message_attachments a where a.workspace_id = ? and a.client_id = m.client_id and a.message_id = m.id), '[]'::json) as attachments`,
            // The workspace by its value, not m.workspace_id: Citus keeps a subquery on one node only so.
            [workspaceId],
          ),
        )
        .as('latest'),
    )
    .orderBy('id', 'asc');
  return (rows as MessageRow[]).map((row) => ({ ...row, id: String(row.id), conversation_id: String(row.conversation_id) }));
}

export async function insertMessage(
  db: Db,
  message: {
    workspaceId: string;
    clientId: string;
    conversationId: string;
    side: Side;
    clientUserId?: string | null;
    staffId?: string | null;
    authorName: string;
    body: string;
  },
): Promise<{ id: string; created_at: Date }> {
  const [row] = await db('portal_messages')
    .insert({
      workspace_id: message.workspaceId,
      client_id: message.clientId,
      conversation_id: message.conversationId,
      author_side: message.side,
      author_client_user_id: message.clientUserId ?? null,
      author_staff_id: message.staffId ?? null,
      author_name: message.authorName,
      body: message.body,
    })
    .returning(['id', 'created_at']);
  await db('portal_conversations')
    .where({ workspace_id: message.workspaceId, client_id: message.clientId, id: message.conversationId })
    .update({ last_message_at: (row as { created_at: Date }).created_at });
  return { id: String((row as { id: string }).id), created_at: (row as { created_at: Date }).created_at };
}

export async function insertAttachment(
  db: Db,
  attachment: {
    workspaceId: string;
    clientId: string;
    messageId: string;
    fileId: string;
    filename: string;
    contentType: string;
    sizeBytes: number;
  },
): Promise<void> {
  await db('portal_message_attachments').insert({
    workspace_id: attachment.workspaceId,
    client_id: attachment.clientId,
    message_id: attachment.messageId,
    file_id: attachment.fileId,
    filename: attachment.filename,
    content_type: attachment.contentType,
    size_bytes: attachment.sizeBytes,
  });
}

export async function findAttachment(
  db: Db,
  workspaceId: string,
  clientId: string,
  id: string,
): Promise<(AttachmentRow & { file_id: string }) | null> {
  const row = await db('portal_message_attachments')
    .where({ workspace_id: workspaceId, client_id: clientId, id })
    .first('id', 'file_id', 'filename', 'content_type', 'size_bytes');
  return (row as (AttachmentRow & { file_id: string }) | undefined) ?? null;
}

export interface Reader {
  side: Side;
  id: string;
}

/**
 * Moves a reader's marker on a thread up to a message (never back). Answers whether the read
 * receipt moved, so a page that is merely reloaded announces nothing. One statement: the CTE
 * `before` reads the marker as it was when the statement started (materialized: Citus would
 * otherwise inline it into the final select and read it after the insert).
 */
export async function markRead(
  db: Db,
  workspaceId: string,
  clientId: string,
  reader: Reader,
  thread: string,
  messageId: string,
): Promise<boolean> {
  const key = [workspaceId, clientId, reader.side, reader.id, thread];
  const result = await db.raw(
    `with before as materialized (
       select seen_message_id from portal_read_markers
       where workspace_id = ? and client_id = ? and reader_side = ? and reader_id = ? and thread = ?
     ), changed as (
       insert into portal_read_markers as r (workspace_id, client_id, reader_side, reader_id, thread, read_message_id, seen_message_id, read_at)
       values (?, ?, ?, ?, ?, ?, ?, now())
       on conflict (workspace_id, client_id, reader_side, reader_id, thread) do update
         set read_message_id = greatest(r.read_message_id, excluded.read_message_id),
             seen_message_id = greatest(r.seen_message_id, excluded.seen_message_id),
             read_at = excluded.read_at
         where r.read_message_id < excluded.read_message_id or r.seen_message_id < excluded.seen_message_id
       returning seen_message_id
     )
     select coalesce((select seen_message_id from before), 0) as before, (select seen_message_id from changed) as after`,
    [...key, ...key, messageId, messageId],
  );
  const row = (result.rows as Array<{ before: string; after: string | null }>)[0];
  return Boolean(row && row.after !== null && Number(row.after) > Number(row.before));
}

/** A comment thread read up to now (comments are compared by time: the host keeps their ids). */
export async function markThreadReadAt(
  db: Db,
  workspaceId: string,
  clientId: string,
  reader: Reader,
  thread: string,
  at: Date,
): Promise<void> {
  await db('portal_read_markers')
    .insert({ workspace_id: workspaceId, client_id: clientId, reader_side: reader.side, reader_id: reader.id, thread, read_at: at })
    .onConflict(['workspace_id', 'client_id', 'reader_side', 'reader_id', 'thread'])
    .merge({ read_at: at });
}

/** "Mark unread": the reader's marker goes back to just before the other side's latest message. */
export async function markUnread(db: Db, workspaceId: string, clientId: string, reader: Reader, conversationId: string): Promise<boolean> {
  const other: Side = reader.side === 'client' ? 'staff' : 'client';
  const latest = await db('portal_messages')
    .where({ workspace_id: workspaceId, client_id: clientId, conversation_id: conversationId, author_side: other })
    .max<{ max: string | null }>('id as max')
    .first();
  if (!latest?.max) return false;
  await db('portal_read_markers')
    .insert({
      workspace_id: workspaceId,
      client_id: clientId,
      reader_side: reader.side,
      reader_id: reader.id,
      thread: 'conversation',
      read_message_id: Number(latest.max) - 1,
    })
    .onConflict(['workspace_id', 'client_id', 'reader_side', 'reader_id', 'thread'])
    .merge({ read_message_id: Number(latest.max) - 1 });
  return true;
}

/** How far the other side has seen this conversation (any of its people): read receipts. */
export async function seenByOtherSide(db: Db, workspaceId: string, clientId: string, viewerSide: Side): Promise<string> {
  const row = await db('portal_read_markers')
    .where({
      workspace_id: workspaceId,
      client_id: clientId,
      reader_side: viewerSide === 'client' ? 'staff' : 'client',
      thread: 'conversation',
    })
    .max<{ max: string | null }>('seen_message_id as max')
    .first();
  return String(row?.max ?? 0);
}

/** Unread messages from the other side in a client's conversation, for one reader. */
// Read on every dashboard: written once rather than built per request. Counted up to the limit
// and one more, as the dashboard's other counts (SUMMARY_COUNT_LIMIT): a conversation flooded
// with tens of thousands of unread messages costs no more than one with a thousand. The workspace
// is named again inside, not only by m's: Citus routes a subquery to one node by its own condition.
const UNREAD_IN_CONVERSATION = `select count(*)::int as count from (select 1 from portal_messages as m
  where m.workspace_id = ? and m.client_id = ? and m.author_side = ?
    and m.id > coalesce((select r.read_message_id from portal_read_markers r
      where r.workspace_id = ? and r.client_id = m.client_id and r.reader_side = ? and r.reader_id = ? and r.thread = 'conversation'), 0)
  limit ${SUMMARY_COUNT_LIMIT + 1}) unread`;

/** The unread messages from the other side, up to SUMMARY_COUNT_LIMIT and one more (past it: "more than"). */
export async function unreadInConversation(db: Db, workspaceId: string, clientId: string, reader: Reader): Promise<number> {
  const other: Side = reader.side === 'client' ? 'staff' : 'client';
  const { rows } = await db.raw<{ rows: Array<{ count: number }> }>(UNREAD_IN_CONVERSATION, [
    workspaceId,
    clientId,
    other,
    workspaceId,
    reader.side,
    reader.id,
  ]);
  return rows[0]?.count ?? 0;
}

/** When a reader last read each comment thread of a client (`proposal:12` → time). */
export async function threadReadTimes(db: Db, workspaceId: string, clientId: string, reader: Reader): Promise<Map<string, Date>> {
  const rows = await db('portal_read_markers')
    .where({ workspace_id: workspaceId, client_id: clientId, reader_side: reader.side, reader_id: reader.id })
    .whereNot('thread', 'conversation')
    .select('thread', 'read_at');
  return new Map((rows as Array<{ thread: string; read_at: Date }>).map((row) => [row.thread, row.read_at]));
}

export interface InboxRow {
  client_id: string;
  assigned_staff_id: string | null;
  last_message_at: Date | null;
  unread: number;
  last_author_name: string | null;
  last_body: string | null;
}

/** The join of a conversation (c) to this staff member's read marker of it (r): absent, nothing read. */
function staffMarkerOfConversation(staffId: string): Knex.JoinCallback {
  return function () {
    this.on('r.workspace_id', 'c.workspace_id')
      .andOn('r.client_id', 'c.client_id')
      .andOnVal('r.reader_side', 'staff')
      .andOnVal('r.reader_id', staffId)
      .andOnVal('r.thread', 'conversation');
  };
}

/** The workspace's latest conversations with this staff member's unread count (up to COUNT_LIMIT each), latest first. */
export async function listInbox(db: Db, workspaceId: string, staffId: string, limit: number): Promise<InboxRow[]> {
  const rows = await db('portal_conversations as c')
    .leftJoin('portal_read_markers as r', staffMarkerOfConversation(staffId))
    .where('c.workspace_id', workspaceId)
    .whereNotNull('c.last_message_at')
    .orderBy('c.last_message_at', 'desc')
    .limit(limit)
    .select(
      'c.client_id',
      'c.assigned_staff_id',
      'c.last_message_at',
      // Each subquery names the workspace itself: Citus routes a subquery to one node by its own condition.
      db.raw(
        `(select count(*)::int from (select 1 from portal_messages m where m.workspace_id = ? and m.client_id = c.client_id
               and m.author_side = 'client' and m.id > coalesce(r.read_message_id, 0) limit ${COUNT_LIMIT}) as capped) as unread`,
        [workspaceId],
      ),
      db.raw(
        `(select m.author_name from portal_messages m where m.workspace_id = ? and m.client_id = c.client_id order by m.id desc limit 1) as last_author_name`,
        [workspaceId],
      ),
      db.raw(
        `(select left(m.body, 200) from portal_messages m where m.workspace_id = ? and m.client_id = c.client_id order by m.id desc limit 1) as last_body`,
        [workspaceId],
      ),
    );
  return rows as InboxRow[];
}

/**
 * Client messages of a workspace this staff member has not read, up to COUNT_LIMIT: the CRM header's
 * count. Read per conversation (one per client), each from the index on its messages past the
 * staff member's marker, so it costs the same with 200 messages or 200,000.
 */
export async function staffUnreadTotal(db: Db, workspaceId: string, staffId: string): Promise<number> {
  const rows = db('portal_conversations as c')
    .leftJoin('portal_read_markers as r', staffMarkerOfConversation(staffId))
    // The workspace named in the lateral subquery too: Citus routes it to one node by its own condition.
    .joinRaw(
      `cross join lateral (select 1 from portal_messages m where m.workspace_id = ? and m.client_id = c.client_id
               and m.conversation_id = c.id and m.id > coalesce(r.read_message_id, 0) and m.author_side = 'client' limit ${COUNT_LIMIT}) as unread`,
      [workspaceId],
    )
    .where('c.workspace_id', workspaceId)
    .whereNotNull('c.last_message_at');
  return boundedCount(db, rows);
}

export async function messageEmailsWanted(db: Db, workspaceId: string, clientUserId: string): Promise<boolean> {
  const row = await db('portal_client_preferences')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .first('message_emails');
  return (row as { message_emails: boolean } | undefined)?.message_emails ?? true;
}

export async function setMessageEmails(db: Db, workspaceId: string, clientUserId: string, wanted: boolean): Promise<void> {
  await db('portal_client_preferences')
    .insert({ workspace_id: workspaceId, client_user_id: clientUserId, message_emails: wanted, updated_at: db.fn.now() })
    .onConflict(['workspace_id', 'client_user_id'])
    .merge(['message_emails', 'updated_at']);
}

// --- The unread digest ---------------------------------------------------------------------

export interface DigestCandidate {
  workspace_id: string;
  client_id: string;
  author_side: Side;
}

/** Conversations with messages older than the cutoff that nobody on the other side has seen nor been emailed about. */
export async function findDigestCandidates(db: Db, cutoff: Date, limit: number): Promise<DigestCandidate[]> {
  const rows = await db('portal_messages as m')
    .comment(`${ACROSS_WORKSPACES}: the message digest looks for unseen messages in every workspace`)
    .whereNull('m.emailed_at')
    .andWhere('m.created_at', '<=', cutoff)
    .whereRaw(
      `m.id > coalesce((select max(r.seen_message_id) from portal_read_markers r
         where r.workspace_id = m.workspace_id and r.client_id = m.client_id and r.reader_side <> m.author_side and r.thread = 'conversation'), 0)`,
    )
    .groupBy('m.workspace_id', 'm.client_id', 'm.author_side')
    .limit(limit)
    .select('m.workspace_id', 'm.client_id', 'm.author_side');
  return rows as DigestCandidate[];
}

/**
 * Claims one side's unseen, unemailed messages of a conversation for a digest: the conversation
 * and side are taken by one instance at a time (another finds them taken and leaves them), and the
 * claimed messages are marked emailed before the transaction ends.
 */
export async function claimDigestMessages(
  trx: Knex.Transaction,
  candidate: DigestCandidate,
  cutoff: Date,
  at: Date,
): Promise<Array<{ id: string; author_name: string; body: string }>> {
  // One instance per conversation and side: row locks alone let two instances that scan at the
  // same time each take part of the messages, and each send a digest of its part.
  const { rows: gate } = await trx.raw('select pg_try_advisory_xact_lock(hashtext(?)) as mine', [
    `portal-digest:${candidate.workspace_id}:${candidate.client_id}:${candidate.author_side}`,
  ]);
  if (!(gate as Array<{ mine: boolean }>)[0]?.mine) return [];
  const { rows } = await trx.raw(
    `select m.id, m.author_name, left(m.body, 300) as body from portal_messages m
      where m.workspace_id = ? and m.client_id = ? and m.author_side = ? and m.emailed_at is null and m.created_at <= ?
        and m.id > coalesce((select max(r.seen_message_id) from portal_read_markers r
              where r.workspace_id = ? and r.client_id = m.client_id and r.reader_side <> m.author_side and r.thread = 'conversation'), 0)
      order by m.id
      for update of m skip locked`,
    [candidate.workspace_id, candidate.client_id, candidate.author_side, cutoff, candidate.workspace_id],
  );
  const claimed = (rows as Array<{ id: string; author_name: string; body: string }>).map((row) => ({ ...row, id: String(row.id) }));
  if (claimed.length > 0)
    await trx('portal_messages')
      .whereIn(
        'id',
        claimed.map((row) => row.id),
      )
      .andWhere({ workspace_id: candidate.workspace_id, client_id: candidate.client_id })
      .update({ emailed_at: at });
  return claimed;
}

/** A digest that could not be sent gives its messages back to the next run. */
export async function releaseDigestMessages(db: Db, workspaceId: string, clientId: string, ids: string[]): Promise<void> {
  await db('portal_messages').where({ workspace_id: workspaceId, client_id: clientId }).whereIn('id', ids).update({ emailed_at: null });
}

export interface ClientRecipientRow {
  id: string;
  email: string;
  locale: string | null;
}

/**
 * Client users of a company who should hear about unread agency messages up to `upTo`: signed-in
 * capable, allowed the messages (role and the agency's overrides), not opted out, and who have
 * not read that far themselves.
 */
export async function listClientDigestRecipients(
  db: Db,
  workspaceId: string,
  clientId: string,
  upTo: string,
): Promise<ClientRecipientRow[]> {
  const rows = await db('client_users as u')
    .leftJoin('portal_client_preferences as p', function () {
      this.on('p.workspace_id', 'u.workspace_id').andOn('p.client_user_id', 'u.id');
    })
    .leftJoin('portal_read_markers as r', function () {
      this.on('r.workspace_id', 'u.workspace_id')
        .andOn('r.client_id', 'u.client_id')
        .andOnVal('r.reader_side', 'client')
        .andOn(db.raw('r.reader_id = u.id::text'))
        .andOnVal('r.thread', 'conversation');
    })
    .where({ 'u.workspace_id': workspaceId, 'u.client_id': clientId })
    .whereNot('u.status', 'disabled')
    .andWhere(personMay(db, 'u', workspaceId, 'messages'))
    .whereRaw('coalesce(p.message_emails, true)')
    .whereRaw('coalesce(r.read_message_id, 0) < ?', [upTo])
    .select('u.id', 'u.email', 'u.locale');
  return rows as ClientRecipientRow[];
}

// ---- one person's data (their export, an approved erasure) ----

export interface AuthoredMessageRow {
  id: string;
  conversation_id: string;
  body: string;
  created_at: Date;
  attachments: Array<{ id: string; file_id: string; filename: string; content_type: string; size_bytes: number }>;
}

/** The messages the person wrote, each with its attachments, oldest first. */
export function personMessages(db: Db, workspaceId: string, clientUserId: string): Promise<AuthoredMessageRow[]> {
  return db('portal_messages as m')
    .where({ 'm.workspace_id': workspaceId, 'm.author_client_user_id': clientUserId, 'm.author_side': 'client' })
    .orderBy('m.id')
    .select(
      'm.id',
      'm.conversation_id',
      'm.body',
      'm.created_at',
      db.raw(
        `coalesce((select json_agg(json_build_object('id', a.id, 'file_id', a.file_id, 'filename', a.filename,
                     'content_type', a.content_type, 'size_bytes', a.size_bytes) order by a.id)
                     from portal_message_attachments a
                    where a.workspace_id = m.workspace_id and a.workspace_id = ? and a.message_id = m.id), '[]') as attachments`,
        [workspaceId],
      ),
    );
}

/** The person's email preference as they set it; null when they never did. */
export async function personMessageEmails(db: Db, workspaceId: string, clientUserId: string): Promise<boolean | null> {
  const row = await db('portal_client_preferences')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .first<{ message_emails: boolean } | undefined>('message_emails');
  return row?.message_emails ?? null;
}

/** The person's messages, counted for the agency's review of an erasure. */
export function countPersonMessages(db: Db, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('portal_messages').where({ workspace_id: workspaceId, author_client_user_id: clientUserId }).select(db.raw('count(*)::int'));
}

/** Removes the person's preferences (of messages and notifications alike); resolves with how many rows. */
export function deletePersonPreferences(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<number> {
  return trx('portal_client_preferences').where({ workspace_id: workspaceId, client_user_id: clientUserId }).delete();
}

/** Removes the person's read markers; resolves with how many. */
export function deletePersonReadMarkers(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<number> {
  return trx('portal_read_markers').where({ workspace_id: workspaceId, reader_side: 'client', reader_id: clientUserId }).delete();
}

/** Puts ERASED_NAME where the person's name stood on the messages they wrote (the agency keeps the thread); resolves with how many. */
export function anonymisePersonMessages(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<number> {
  return trx('portal_messages')
    .where({ workspace_id: workspaceId, author_client_user_id: clientUserId, author_side: 'client' })
    .update({ author_name: ERASED_NAME });
}
