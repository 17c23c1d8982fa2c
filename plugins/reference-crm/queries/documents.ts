// Documents: files kept for a client. Content is read only for a download, never in lists.
import type { Db } from './db.ts';

export interface DocumentRow {
  id: number;
  workspace_id: number;
  client_id: number;
  client_name: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  shared_with_client: boolean;
  created_at: Date;
}

export interface DocumentContentRow {
  id: number;
  filename: string;
  content_type: string;
  size_bytes: number;
  content: Buffer;
}

const COLUMNS = [
  'd.id',
  'd.workspace_id',
  'd.client_id',
  'c.name as client_name',
  'd.filename',
  'd.content_type',
  'd.size_bytes',
  'd.shared_with_client',
  'd.created_at',
] as const;

function scoped(db: Db, workspaceId: number) {
  return db('documents as d')
    .join('clients as c', function joinClient() {
      this.on('c.id', '=', 'd.client_id').andOn('c.workspace_id', '=', 'd.workspace_id');
    })
    .where('d.workspace_id', workspaceId);
}

export async function listDocuments(
  db: Db,
  args: { workspaceId: number; clientId?: number; sharedOnly?: boolean },
): Promise<DocumentRow[]> {
  const query = scoped(db, args.workspaceId);
  if (args.clientId !== undefined) query.where('d.client_id', args.clientId);
  if (args.sharedOnly) query.where('d.shared_with_client', true);
  return query.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').select<DocumentRow[]>(COLUMNS);
}

export async function findDocument(db: Db, args: { workspaceId: number; documentId: number }): Promise<DocumentRow | null> {
  const row = await scoped(db, args.workspaceId).where('d.id', args.documentId).first<DocumentRow | undefined>(COLUMNS);
  return row ?? null;
}

/** Seed look-up: a filename is its natural key within one client. */
export async function findDocumentByFilename(
  db: Db,
  args: { workspaceId: number; clientId: number; filename: string },
): Promise<DocumentRow | null> {
  const row = await scoped(db, args.workspaceId)
    .where({ 'd.client_id': args.clientId, 'd.filename': args.filename })
    .orderBy('d.id')
    .first<DocumentRow | undefined>(COLUMNS);
  return row ?? null;
}

export async function findDocumentContent(db: Db, args: { workspaceId: number; documentId: number }): Promise<DocumentContentRow | null> {
  const row = await db('documents as d')
    .where({ 'd.workspace_id': args.workspaceId, 'd.id': args.documentId })
    .first<DocumentContentRow | undefined>(['d.id', 'd.filename', 'd.content_type', 'd.size_bytes', 'd.content']);
  return row ?? null;
}

export async function insertDocument(
  db: Db,
  args: {
    workspaceId: number;
    clientId: number;
    filename: string;
    contentType: string;
    content: Buffer;
    sharedWithClient: boolean;
    sharedByStaffId?: number | null;
    record?: { type: 'proposal' | 'quotation' | 'invoice' | 'project'; id: number } | null;
    createdAt?: Date;
  },
): Promise<number> {
  const [row] = await db('documents')
    .insert({
      workspace_id: args.workspaceId,
      client_id: args.clientId,
      filename: args.filename,
      content_type: args.contentType,
      size_bytes: args.content.length,
      content: args.content,
      shared_with_client: args.sharedWithClient,
      shared_by_staff_id: args.sharedByStaffId ?? null,
      record_type: args.record?.type ?? null,
      record_id: args.record?.id ?? null,
      ...(args.createdAt ? { created_at: args.createdAt } : {}),
    })
    .returning<Array<{ id: number }>>(['id']);
  if (!row) throw new Error('insert into documents returned no row');
  return row.id;
}

export async function setDocumentShared(db: Db, args: { workspaceId: number; documentId: number; shared: boolean }): Promise<boolean> {
  const updated = await db('documents')
    .where({ workspace_id: args.workspaceId, id: args.documentId })
    .update({ shared_with_client: args.shared });
  return updated > 0;
}
