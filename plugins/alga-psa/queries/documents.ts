// Alga PSA's documents a client sees: documents.is_client_visible, associated with the client
// (document_associations entity_type 'client', entity_id the client_id), whose file
// (external_files by file_id) is not deleted. Newest first by entered_at (document_id breaks
// ties). Alga's in-app documents without a file (documents.content, its block editor) have no
// bytes to download and are left out.
import { associatedWithClient, type Db } from './db.ts';

export interface SharedDocumentRow {
  document_id: string;
  document_name: string;
  mime_type: string | null;
  file_size: string | null;
  storage_path: string;
  original_name: string;
  shared_at: Date;
  first_name: string | null;
  last_name: string | null;
  sort_key: string;
}

const SHARED_AT = 'coalesce(d.entered_at, d.updated_at)';

function shared(db: Db, args: { tenant: string; clientId: string }) {
  return db('documents as d')
    .join('external_files as f', function joinFile() {
      this.on('f.tenant', '=', 'd.tenant').andOn('f.file_id', '=', 'd.file_id');
    })
    .leftJoin('users as u', function joinUser() {
      this.on('u.tenant', '=', 'd.tenant').andOn('u.user_id', '=', 'd.created_by');
    })
    .where({ 'd.tenant': args.tenant, 'd.is_client_visible': true })
    .andWhereRaw('coalesce(f.is_deleted, false) = false')
    .whereExists(associatedWithClient(db, args));
}

const columns = (db: Db) => [
  'd.document_id',
  'd.document_name',
  db.raw('coalesce(d.mime_type, f.mime_type) as mime_type'),
  db.raw('coalesce(d.file_size, f.file_size)::text as file_size'),
  'f.storage_path',
  'f.original_name',
  db.raw(`${SHARED_AT} as shared_at`),
  'u.first_name',
  'u.last_name',
  db.raw(`to_char(${SHARED_AT} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as sort_key`),
];

export async function listSharedDocuments(
  db: Db,
  args: {
    tenant: string;
    clientId: string;
    /** An ILIKE pattern (the portal's containsPattern) the name shown (the document's, else the file's) matches. */
    matching?: string;
    before?: { at: string; id: string } | null;
    limit: number;
  },
): Promise<SharedDocumentRow[]> {
  const query = shared(db, args);
  if (args.matching) query.andWhereRaw("coalesce(nullif(trim(d.document_name), ''), f.original_name) ilike ?", [args.matching]);
  if (args.before)
    query.andWhereRaw(`(${SHARED_AT}, d.document_id) < ((?::timestamp at time zone 'UTC'), ?::uuid)`, [args.before.at, args.before.id]);
  return query
    .orderByRaw(`${SHARED_AT} desc, d.document_id desc`)
    .limit(args.limit + 1)
    .select<SharedDocumentRow[]>(columns(db));
}

export async function findSharedDocument(
  db: Db,
  args: { tenant: string; clientId: string; documentId: string },
): Promise<SharedDocumentRow | null> {
  return (await shared(db, args).where('d.document_id', args.documentId).first<SharedDocumentRow | undefined>(columns(db))) ?? null;
}

export async function sharedDocumentCount(db: Db, args: { tenant: string; clientId: string }): Promise<number> {
  const row = await shared(db, args).first<{ n: number } | undefined>(db.raw('count(*)::int as n'));
  return Number(row?.n ?? 0);
}
