// SQL for what the portal keeps beside a host's service and quote requests: the files the client
// sent with one. Every statement is scoped by workspace, and a request's reads by client too.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export interface RequestAttachmentRow {
  id: string;
  request_id: string;
  field_key: string;
  client_user_id: string | null;
  file_id: string;
  filename: string;
  content_type: string;
  size_bytes: string | number;
  created_at: Date;
}

const COLUMNS = [
  'id',
  'request_id',
  'field_key',
  'client_user_id',
  'file_id',
  'filename',
  'content_type',
  'size_bytes',
  'created_at',
] as const;

export async function insertRequestAttachments(
  db: Db,
  rows: Array<{
    workspaceId: string;
    clientId: string;
    requestId: string;
    fieldKey: string;
    clientUserId: string;
    fileId: string;
    filename: string;
    contentType: string;
    sizeBytes: number;
  }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db('portal_request_attachments').insert(
    rows.map((row) => ({
      workspace_id: row.workspaceId,
      client_id: row.clientId,
      request_id: row.requestId,
      field_key: row.fieldKey,
      client_user_id: row.clientUserId,
      file_id: row.fileId,
      filename: row.filename,
      content_type: row.contentType,
      size_bytes: row.sizeBytes,
    })),
  );
}

export async function listRequestAttachments(
  db: Db,
  args: { workspaceId: string; clientId: string; requestId: string },
): Promise<RequestAttachmentRow[]> {
  return db('portal_request_attachments')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, request_id: args.requestId })
    .orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ])
    .select<RequestAttachmentRow[]>(COLUMNS);
}

export async function findRequestAttachment(
  db: Db,
  args: { workspaceId: string; clientId: string; requestId: string; attachmentId: string },
): Promise<RequestAttachmentRow | null> {
  const row = await db('portal_request_attachments')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, request_id: args.requestId, id: args.attachmentId })
    .first<RequestAttachmentRow | undefined>(COLUMNS);
  return row ?? null;
}

// A person's data (personal-data.ts): the files they sent.

export async function personRequestAttachments(db: Db, workspaceId: string, clientUserId: string): Promise<RequestAttachmentRow[]> {
  return db('portal_request_attachments')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('created_at')
    .select<RequestAttachmentRow[]>(COLUMNS);
}

/** Erasure: the files stay with the request (the agency's record of what was asked), no longer naming who sent them. */
export async function anonymisePersonRequestFiles(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<number> {
  return trx('portal_request_attachments')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .update({ client_user_id: null });
}

/** How many files the person sent with requests: one count(*)::int, read with the other hooks'. */
export function countPersonRequestFiles(db: Db, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('portal_request_attachments')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .select(db.raw('count(*)::int'));
}
