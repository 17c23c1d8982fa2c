// SQL for client_uploads: what clients sent to the agency. Always scoped by workspace, and by
// client for everything a client reaches.
import type { Knex } from 'knex';
import { containsPattern, ERASED_NAME } from '../../core/index.ts';

type Db = Knex | Knex.Transaction;

export interface UploadRow {
  id: string;
  client_id: string;
  client_user_id: string | null;
  uploader_name: string;
  file_id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  created_at: Date;
  staff_opened_at: Date | null;
}

const COLUMNS = [
  'id',
  'client_id',
  'client_user_id',
  'uploader_name',
  'file_id',
  'filename',
  'content_type',
  'size_bytes',
  'created_at',
  'staff_opened_at',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const normalise = (row: UploadRow): UploadRow => ({ ...row, size_bytes: Number(row.size_bytes) });

export async function insertUpload(
  db: Db,
  args: {
    workspaceId: string;
    clientId: string;
    clientUserId: string;
    uploaderName: string;
    fileId: string;
    filename: string;
    contentType: string;
    sizeBytes: number;
  },
): Promise<UploadRow> {
  const [row] = await db('client_uploads')
    .insert({
      workspace_id: args.workspaceId,
      client_id: args.clientId,
      client_user_id: args.clientUserId,
      uploader_name: args.uploaderName.slice(0, 200),
      file_id: args.fileId,
      filename: args.filename,
      content_type: args.contentType,
      size_bytes: args.sizeBytes,
    })
    .returning(COLUMNS);
  return normalise(row as UploadRow);
}

/** One client's uploads, newest first. */
/** The client's newest uploads; with a search, those whose file name contains it (as text, any case). */
export async function listClientUploads(
  db: Db,
  args: { workspaceId: string; clientId: string; search?: string; limit: number },
): Promise<UploadRow[]> {
  const query = db('client_uploads').where({ workspace_id: args.workspaceId, client_id: args.clientId });
  if (args.search) query.whereILike('filename', containsPattern(args.search));
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(args.limit).select(COLUMNS);
  return (rows as UploadRow[]).map(normalise);
}

export async function findClientUpload(
  db: Db,
  args: { workspaceId: string; clientId: string; uploadId: string },
): Promise<UploadRow | null> {
  if (!UUID.test(args.uploadId)) return null;
  const row = await db('client_uploads')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, id: args.uploadId })
    .first(COLUMNS);
  return row ? normalise(row as UploadRow) : null;
}

/** Deletes a client's upload only while no staff member has opened it; answers whether it did. */
export async function deleteUnopenedUpload(
  db: Db,
  args: { workspaceId: string; clientId: string; uploadId: string },
): Promise<UploadRow | null> {
  if (!UUID.test(args.uploadId)) return null;
  const [row] = await db('client_uploads')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, id: args.uploadId })
    .whereNull('staff_opened_at')
    .delete()
    .returning(COLUMNS);
  return row ? normalise(row as UploadRow) : null;
}

// ---- Staff side: every upload of the workspace ----

export async function listWorkspaceUploads(db: Db, args: { workspaceId: string; limit: number }): Promise<UploadRow[]> {
  const rows = await db('client_uploads')
    .where({ workspace_id: args.workspaceId })
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(args.limit)
    .select(COLUMNS);
  return (rows as UploadRow[]).map(normalise);
}

export async function findWorkspaceUpload(db: Db, args: { workspaceId: string; uploadId: string }): Promise<UploadRow | null> {
  if (!UUID.test(args.uploadId)) return null;
  const row = await db('client_uploads').where({ workspace_id: args.workspaceId, id: args.uploadId }).first(COLUMNS);
  return row ? normalise(row as UploadRow) : null;
}

/** The first staff download is remembered: from then on the client can no longer delete it. */
/** True for the first opening (the one that takes away the client's delete). */
export async function markOpenedByStaff(
  db: Db,
  args: { workspaceId: string; uploadId: string; staffId: string; at: Date },
): Promise<boolean> {
  const changed = await db('client_uploads')
    .where({ workspace_id: args.workspaceId, id: args.uploadId })
    .whereNull('staff_opened_at')
    .update({ staff_opened_at: args.at, staff_opened_by: args.staffId });
  return changed > 0;
}

// ---- one person's data (their export, an approved erasure) ----

export interface PersonUploadRow {
  id: string;
  file_id: string;
  filename: string;
  content_type: string;
  size_bytes: string;
  created_at: Date;
}

/** What the person uploaded, oldest first. */
export function personUploads(db: Db, workspaceId: string, clientUserId: string): Promise<PersonUploadRow[]> {
  return db('client_uploads')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('created_at')
    .select('id', 'file_id', 'filename', 'content_type', 'size_bytes', 'created_at');
}

/** The person's uploads, counted for the agency's review of an erasure. */
export function countPersonUploads(db: Db, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('client_uploads').where({ workspace_id: workspaceId, client_user_id: clientUserId }).select(db.raw('count(*)::int'));
}

/** Puts ERASED_NAME where the person's name stood on their uploads (the agency keeps the files); resolves with how many. */
export function anonymisePersonUploads(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<number> {
  return trx('client_uploads').where({ workspace_id: workspaceId, client_user_id: clientUserId }).update({ uploader_name: ERASED_NAME });
}
