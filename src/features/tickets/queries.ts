// SQL for what the portal keeps beside a host's tickets: the files attached either way and the
// client's rating. Every statement is scoped by workspace and client.
import type { Knex } from 'knex';
import { ERASED_NAME, RECORD_FILE_COLUMNS, type RecordFileRow, recordAttachmentQueries } from '../../core/index.ts';

type Db = Knex | Knex.Transaction;

export interface TicketAttachmentRow extends RecordFileRow {
  id: string;
  ticket_id: string;
  side: 'client' | 'agency';
  client_user_id: string | null;
  author_name: string;
}

export interface TicketRatingRow {
  ticket_id: string;
  client_user_id: string | null;
  rating: number;
  comment: string | null;
  rated_at: Date;
}

const ATTACHMENT_COLUMNS = ['id', 'ticket_id', 'side', 'client_user_id', 'author_name', ...RECORD_FILE_COLUMNS] as const;

const ticketAttachments = recordAttachmentQueries<TicketAttachmentRow>({
  table: 'portal_ticket_attachments',
  recordColumn: 'ticket_id',
  columns: ATTACHMENT_COLUMNS,
});

/** A ticket of the client's, in the workspace. */
interface TicketRef {
  workspaceId: string;
  clientId: string;
  ticketId: string;
}

export async function insertTicketAttachments(
  db: Db,
  rows: Array<{
    workspaceId: string;
    clientId: string;
    ticketId: string;
    side: 'client' | 'agency';
    clientUserId: string | null;
    staffId: string | null;
    authorName: string;
    fileId: string;
    filename: string;
    contentType: string;
    sizeBytes: number;
  }>,
): Promise<TicketAttachmentRow[]> {
  if (rows.length === 0) return [];
  return db('portal_ticket_attachments')
    .insert(
      rows.map((row) => ({
        workspace_id: row.workspaceId,
        client_id: row.clientId,
        ticket_id: row.ticketId,
        side: row.side,
        client_user_id: row.clientUserId,
        staff_id: row.staffId,
        author_name: row.authorName,
        file_id: row.fileId,
        filename: row.filename,
        content_type: row.contentType,
        size_bytes: row.sizeBytes,
      })),
    )
    .returning<TicketAttachmentRow[]>(ATTACHMENT_COLUMNS as unknown as string[]);
}

/** The ticket's files from either side, as the client's page and the staff's page list them. */
export function listTicketAttachments(db: Db, args: TicketRef): Promise<TicketAttachmentRow[]> {
  return ticketAttachments.list(db, { ...args, recordId: args.ticketId });
}

export function findTicketAttachment(db: Db, args: TicketRef & { attachmentId: string }): Promise<TicketAttachmentRow | null> {
  return ticketAttachments.find(db, { ...args, recordId: args.ticketId });
}

export async function findTicketRating(
  db: Db,
  args: { workspaceId: string; clientId: string; ticketId: string },
): Promise<TicketRatingRow | null> {
  const row = await db('portal_ticket_ratings')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, ticket_id: args.ticketId })
    .first<TicketRatingRow | undefined>('ticket_id', 'client_user_id', 'rating', 'comment', 'rated_at');
  return row ?? null;
}

/**
 * The client's rating of a ticket. The person who gave it may change it; a colleague's answer is
 * not replaced (null: a colleague's answer stands, perhaps given meanwhile). What it replaced
 * comes back, for the activity log's history of the answer.
 */
export async function saveTicketRating(
  db: Db,
  args: { workspaceId: string; clientId: string; ticketId: string; clientUserId: string; rating: number; comment: string | null },
): Promise<{ replaced: TicketRatingRow | null } | null> {
  const scope = { workspace_id: args.workspaceId, client_id: args.clientId, ticket_id: args.ticketId };
  const previous = await db('portal_ticket_ratings')
    .where(scope)
    .forUpdate()
    .first<TicketRatingRow | undefined>('ticket_id', 'client_user_id', 'rating', 'comment', 'rated_at');
  if (previous && previous.client_user_id !== null && previous.client_user_id !== args.clientUserId) return null;
  // The guard again in the write: two colleagues answering at once both found none above.
  const saved = await db('portal_ticket_ratings')
    .insert({ ...scope, client_user_id: args.clientUserId, rating: args.rating, comment: args.comment, rated_at: db.fn.now() })
    .onConflict(['workspace_id', 'client_id', 'ticket_id'])
    .merge(['client_user_id', 'rating', 'comment', 'rated_at'])
    .where((q) => q.whereNull('portal_ticket_ratings.client_user_id').orWhere('portal_ticket_ratings.client_user_id', args.clientUserId))
    .returning('ticket_id');
  return saved.length ? { replaced: previous ?? null } : null;
}

/** A company's answers for the agency: how many, their average, and the newest few. */
export async function companyTicketRatings(
  db: Db,
  args: { workspaceId: string; clientId: string; limit: number },
): Promise<{ count: number; average: number | null; recent: TicketRatingRow[] }> {
  const scope = { workspace_id: args.workspaceId, client_id: args.clientId };
  const [summary, recent] = await Promise.all([
    db('portal_ticket_ratings')
      .where(scope)
      .first<{ count: number; average: number | null }>(db.raw('count(*)::int as count'), db.raw('avg(rating)::float as average')),
    db('portal_ticket_ratings')
      .where(scope)
      .orderBy([
        { column: 'rated_at', order: 'desc' },
        { column: 'ticket_id', order: 'desc' },
      ])
      .limit(args.limit)
      .select<TicketRatingRow[]>('ticket_id', 'client_user_id', 'rating', 'comment', 'rated_at'),
  ]);
  return { count: summary?.count ?? 0, average: summary?.average ?? null, recent };
}

/** Each company's answers in the workspace: how many, their average and the newest moment, most answers first. */
export function workspaceTicketRatings(
  db: Db,
  workspaceId: string,
  limit: number,
): Promise<Array<{ client_id: string; count: number; average: number; latest: Date }>> {
  return db('portal_ticket_ratings')
    .where({ workspace_id: workspaceId })
    .groupBy('client_id')
    .orderByRaw('count(*) desc, max(rated_at) desc')
    .limit(limit)
    .select('client_id', db.raw('count(*)::int as count'), db.raw('avg(rating)::float as average'), db.raw('max(rated_at) as latest'));
}

// A person's data (personal-data.ts): what they attached and how they rated.

export function personTicketAttachments(db: Db, workspaceId: string, clientUserId: string): Promise<TicketAttachmentRow[]> {
  return ticketAttachments.ofPerson(db, workspaceId, clientUserId);
}

export async function personTicketRatings(db: Db, workspaceId: string, clientUserId: string): Promise<TicketRatingRow[]> {
  return db('portal_ticket_ratings')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('rated_at')
    .select<TicketRatingRow[]>('ticket_id', 'client_user_id', 'rating', 'comment', 'rated_at');
}

/**
 * Erasure: the files stay with the ticket (the agency's record of the request) under a name that
 * no longer names the person; a rating keeps its score and loses its comment, which may name them.
 */
export async function anonymisePersonTickets(
  trx: Knex.Transaction,
  workspaceId: string,
  clientUserId: string,
): Promise<{ attachments: number; ratings: number }> {
  const attachments = await trx('portal_ticket_attachments')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .update({ client_user_id: null, author_name: ERASED_NAME });
  const ratings = await trx('portal_ticket_ratings')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .update({ client_user_id: null, comment: null });
  return { attachments, ratings };
}

/** How many files the person attached, and how many tickets they rated: one count(*)::int each, read with the other hooks'. */
export function countPersonTicketFiles(db: Db, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('portal_ticket_attachments').where({ workspace_id: workspaceId, client_user_id: clientUserId }).select(db.raw('count(*)::int'));
}

export function countPersonTicketRatings(db: Db, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('portal_ticket_ratings').where({ workspace_id: workspaceId, client_user_id: clientUserId }).select(db.raw('count(*)::int'));
}
