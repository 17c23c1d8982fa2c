// The documents a client sees in the portal: shared ones only, newest first, with who shared them
// and the record they belong to. Content is read in chunks (substring on the bytea), so a download
// never loads a whole file into memory, on the database side or ours.
import type { Knex } from 'knex';
import type { Db } from './db.ts';

export interface SharedDocumentRow {
  id: number;
  filename: string;
  content_type: string;
  size_bytes: number;
  created_at: Date;
  /** created_at in UTC with its microseconds: the keyset position, exact across the round trip (a Date keeps milliseconds). */
  created_key: string;
  shared_by_name: string | null;
  record_type: 'proposal' | 'quotation' | 'invoice' | 'project' | null;
  record_id: number | null;
  record_label: string | null;
}

/**
 * The label of a linked record, from whichever table its type names, in one expression. Each lookup
 * names the workspace by its value (not x.workspace_id), so on Citus the statement stays on one node.
 */
export function recordLabelSql(db: Db, scope: { workspaceId: number }): Knex.Raw {
  const ws = scope.workspaceId;
  return db.raw(
    `case x.record_type
  when 'proposal' then (select p.number || ' ' || p.title from proposals p where p.workspace_id = ? and p.id = x.record_id and p.client_id = x.client_id)
  when 'quotation' then (select q.number || ' ' || q.title from quotations q where q.workspace_id = ? and q.id = x.record_id and q.client_id = x.client_id)
  when 'invoice' then (select i.number from invoices i where i.workspace_id = ? and i.id = x.record_id and i.client_id = x.client_id)
  when 'project' then (select j.ref || ' ' || j.title from projects j where j.workspace_id = ? and j.id = x.record_id and j.client_id = x.client_id)
end as record_label`,
    [ws, ws, ws, ws],
  );
}

type ListArgs = {
  workspaceId: number;
  clientId: number;
  record?: { type: string; id: number };
  /** An ILIKE pattern (the portal's containsPattern) the file name matches. */
  matching?: string;
  after?: { createdAt: string; id: number };
  limit: number;
};

export async function listSharedDocuments(db: Db, args: ListArgs): Promise<SharedDocumentRow[]> {
  return sharedDocumentsQuery(db, args);
}

/** The same as a query: run it, or read it with others (the dashboard). */
export function sharedDocumentsQuery(db: Db, args: ListArgs) {
  const query = db('documents as x')
    .leftJoin('staff_users as s', function joinStaff() {
      this.on('s.id', '=', 'x.shared_by_staff_id').andOn('s.workspace_id', '=', 'x.workspace_id');
    })
    .where({ 'x.workspace_id': args.workspaceId, 'x.client_id': args.clientId, 'x.shared_with_client': true });
  if (args.record) query.where({ 'x.record_type': args.record.type, 'x.record_id': args.record.id });
  if (args.matching) query.whereILike('x.filename', args.matching);
  if (args.after) query.whereRaw('(x.created_at, x.id) < (?::timestamptz, ?)', [args.after.createdAt, args.after.id]);
  return query
    .orderBy('x.created_at', 'desc')
    .orderBy('x.id', 'desc')
    .limit(args.limit)
    .select<SharedDocumentRow[]>([
      'x.id',
      'x.filename',
      'x.content_type',
      'x.size_bytes',
      'x.created_at',
      db.raw(`to_char(x.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key`),
      's.name as shared_by_name',
      'x.record_type',
      'x.record_id',
      recordLabelSql(db, args),
    ]);
}

export interface SharedDocumentHead {
  id: number;
  filename: string;
  content_type: string;
  size_bytes: number;
  record_type: 'proposal' | 'quotation' | 'invoice' | 'project' | null;
  record_id: number | null;
}

export async function findSharedDocumentHead(
  db: Db,
  args: { workspaceId: number; clientId: number; documentId: number },
): Promise<SharedDocumentHead | null> {
  const row = await db('documents')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, id: args.documentId, shared_with_client: true })
    .first<SharedDocumentHead | undefined>(['id', 'filename', 'content_type', 'size_bytes', 'record_type', 'record_id']);
  return row ?? null;
}

/**
 * One slice of a shared document's bytes (1-based offset as in SQL). Null when the document is
 * gone or no longer shared, so a download stops instead of sending someone else's bytes.
 */
export async function readSharedDocumentChunk(
  db: Db,
  args: { workspaceId: number; clientId: number; documentId: number; offset: number; length: number },
): Promise<Buffer | null> {
  const row = await db('documents')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, id: args.documentId, shared_with_client: true })
    .first<{ chunk: Buffer } | undefined>(db.raw('substring(content from ?::int for ?::int) as chunk', [args.offset, args.length]));
  return row ? row.chunk : null;
}
