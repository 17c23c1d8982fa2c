// SQL for what the portal keeps beside a host's service and quote requests: the files the client
// sent with one. Every statement is scoped by workspace, and a request's reads by client too.
import type { Knex } from 'knex';
import { ACROSS_WORKSPACES, RECORD_FILE_COLUMNS, type RecordFileRow, recordAttachmentQueries } from '../../core/index.ts';

type Db = Knex | Knex.Transaction;

export interface RequestAttachmentRow extends RecordFileRow {
  id: string;
  request_id: string;
  field_key: string;
  client_user_id: string | null;
}

const COLUMNS = ['id', 'request_id', 'field_key', 'client_user_id', ...RECORD_FILE_COLUMNS] as const;

const requestAttachments = recordAttachmentQueries<RequestAttachmentRow>({
  table: 'portal_request_attachments',
  recordColumn: 'request_id',
  columns: COLUMNS,
});

/** A request of the client's, in the workspace. */
interface RequestRef {
  workspaceId: string;
  clientId: string;
  requestId: string;
}

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

/** The request's files, as the client's page and the staff's page list them. */
export function listRequestAttachments(db: Db, args: RequestRef): Promise<RequestAttachmentRow[]> {
  return requestAttachments.list(db, { ...args, recordId: args.requestId });
}

export function findRequestAttachment(db: Db, args: RequestRef & { attachmentId: string }): Promise<RequestAttachmentRow | null> {
  return requestAttachments.find(db, { ...args, recordId: args.requestId });
}

// A person's data (personal-data.ts): the files they sent.

export function personRequestAttachments(db: Db, workspaceId: string, clientUserId: string): Promise<RequestAttachmentRow[]> {
  return requestAttachments.ofPerson(db, workspaceId, clientUserId);
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

// Files chosen on a refused form (portal_request_pending_files): every statement names the
// workspace, the client, the person and the session, and the form's own reads its definition.

/** Who chose the files and on which form: a pending file is never read outside all of these. */
export interface PendingScope {
  workspaceId: string;
  clientId: string;
  contactId: string;
  clientUserId: string;
  sessionKey: string;
  definitionId: string;
}

export interface PendingFileRow {
  id: string;
  file_id: string;
  filename: string;
  content_type: string;
  size_bytes: string | number;
}

const PENDING_COLUMNS = ['id', 'file_id', 'filename', 'content_type', 'size_bytes'] as const;

const pendingWhere = (scope: PendingScope) => ({
  workspace_id: scope.workspaceId,
  client_id: scope.clientId,
  contact_id: scope.contactId,
  client_user_id: scope.clientUserId,
  session_key: scope.sessionKey,
  definition_id: scope.definitionId,
});

export async function insertPendingFiles(
  db: Db,
  scope: PendingScope,
  files: ReadonlyArray<{ fileId: string; filename: string; contentType: string; sizeBytes: number }>,
  expiresAt: Date,
): Promise<PendingFileRow[]> {
  if (files.length === 0) return [];
  return db('portal_request_pending_files')
    .insert(
      files.map((file) => ({
        ...pendingWhere(scope),
        file_id: file.fileId,
        filename: file.filename,
        content_type: file.contentType,
        size_bytes: file.sizeBytes,
        expires_at: expiresAt,
      })),
    )
    .returning<PendingFileRow[]>(PENDING_COLUMNS);
}

/** The named pending files of this form that have not expired, in the order they were chosen. */
export async function findPendingFiles(db: Db, scope: PendingScope, ids: readonly string[], now: Date): Promise<PendingFileRow[]> {
  if (ids.length === 0) return [];
  return db('portal_request_pending_files')
    .where(pendingWhere(scope))
    .whereIn('id', ids)
    .where('expires_at', '>', now)
    .orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'filename', order: 'asc' },
      { column: 'id', order: 'asc' },
    ])
    .select<PendingFileRow[]>(PENDING_COLUMNS);
}

/** Removes pending files of this form (sent with a request, or removed by the person), returning what went. */
export async function deletePendingFiles(db: Db, scope: PendingScope, ids: readonly string[]): Promise<PendingFileRow[]> {
  if (ids.length === 0) return [];
  return db('portal_request_pending_files')
    .where(pendingWhere(scope))
    .whereIn('id', ids)
    .delete()
    .returning<PendingFileRow[]>(PENDING_COLUMNS);
}

/** Up to `limit` pending files past their expiry, removed, with their stored files' ids. */
export async function deleteExpiredPendingFiles(
  db: Db,
  now: Date,
  limit: number,
): Promise<Array<{ workspace_id: string; file_id: string }>> {
  const expired = await db('portal_request_pending_files')
    .where('expires_at', '<=', now)
    .limit(limit)
    .comment(`${ACROSS_WORKSPACES}: the sweep of pending files past their expiry`)
    .select<Array<{ workspace_id: string; id: string }>>('workspace_id', 'id');
  const removed: Array<{ workspace_id: string; file_id: string }> = [];
  for (const [workspaceId, ids] of groupIds(expired)) {
    removed.push(
      ...(await db('portal_request_pending_files')
        .where({ workspace_id: workspaceId })
        .whereIn('id', ids)
        .where('expires_at', '<=', now)
        .delete()
        .returning<Array<{ workspace_id: string; file_id: string }>>(['workspace_id', 'file_id'])),
    );
  }
  return removed;
}

/** Sessions some pending files name, with their workspace: up to `limit`, for the sweep to ask which still exist. */
export async function pendingSessionKeys(db: Db, limit: number): Promise<Array<{ workspace_id: string; session_key: string }>> {
  return db('portal_request_pending_files')
    .distinct('workspace_id', 'session_key')
    .limit(limit)
    .comment(`${ACROSS_WORKSPACES}: the sweep asks which sessions of pending files still exist`)
    .select<Array<{ workspace_id: string; session_key: string }>>();
}

/** Of these sessions (client_sessions.sid), those that still exist. */
export async function livingSessionKeys(db: Db, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db('client_sessions').whereIn('sid', keys).select<Array<{ sid: string }>>('sid');
  return new Set(rows.map((row) => row.sid));
}

/** Ends now the pending files of a workspace's sessions that have ended, so the next sweep removes them and their files. */
export async function expirePendingFilesOfSessions(db: Db, workspaceId: string, keys: readonly string[], now: Date): Promise<number> {
  if (keys.length === 0) return 0;
  return db('portal_request_pending_files')
    .where({ workspace_id: workspaceId })
    .whereIn('session_key', keys)
    .where('expires_at', '>', now)
    .update({ expires_at: now });
}

/** Erasure: the person's pending files end now; the sweep removes them and their stored files. */
export async function expirePersonPendingFiles(
  trx: Knex.Transaction,
  workspaceId: string,
  clientUserId: string,
  now: Date,
): Promise<number> {
  return trx('portal_request_pending_files').where({ workspace_id: workspaceId, client_user_id: clientUserId }).update({ expires_at: now });
}

export async function personPendingFiles(
  db: Db,
  workspaceId: string,
  clientUserId: string,
): Promise<Array<PendingFileRow & { created_at: Date }>> {
  return db('portal_request_pending_files')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('created_at')
    .select<Array<PendingFileRow & { created_at: Date }>>([...PENDING_COLUMNS, 'created_at']);
}

function groupIds(rows: ReadonlyArray<{ workspace_id: string; id: string }>): Map<string, string[]> {
  const byWorkspace = new Map<string, string[]>();
  for (const row of rows) byWorkspace.set(row.workspace_id, [...(byWorkspace.get(row.workspace_id) ?? []), row.id]);
  return byWorkspace;
}
