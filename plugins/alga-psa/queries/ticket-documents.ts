// The files of a client's ticket in Alga PSA, as Alga's client portal lists them on the ticket
// (packages/client-portal client-tickets.ts, getClientTicketDetails and getClientTicketDocuments):
// documents associated with the ticket (document_associations entity_type 'ticket', entity_id the
// ticket_id) that are client-visible (documents.is_client_visible, which Alga's upload sets for a
// client's file and takes from the folder for staff's), here only those with a stored file
// (external_files by file_id, not deleted), since a block-editor document has no bytes to
// download. Who attached one is the document's created_by (a client login or staff), as Alga's
// documents list names the uploader. Scoped by tenant and by the ticket being the client's (an
// active client); oldest first by when it was associated.
import { activeClientIds, type Db } from './db.ts';
import { type FiledDocument, fileDocument } from './document-filing.ts';

export interface TicketDocumentRow {
  document_id: string;
  document_name: string;
  original_name: string;
  mime_type: string | null;
  file_size: string | null;
  storage_path: string;
  associated_at: Date;
  /** users.user_type of who attached it ('client' or 'internal'), null when the user is gone. */
  uploader_type: string | null;
  /** The contact's name for a client login, else the user's; null when the user is gone. */
  uploader_name: string | null;
}

function ticketDocuments(db: Db, args: { tenant: string; clientId: string; ticketId: string }) {
  return db('document_associations as a')
    .join('documents as d', function joinDocument() {
      this.on('d.tenant', '=', 'a.tenant').andOn('d.document_id', '=', 'a.document_id');
    })
    .join('external_files as f', function joinFile() {
      this.on('f.tenant', '=', 'd.tenant').andOn('f.file_id', '=', 'd.file_id');
    })
    .leftJoin('users as u', function joinUploader() {
      this.on('u.tenant', '=', 'd.tenant').andOn('u.user_id', '=', 'd.created_by');
    })
    .leftJoin('contacts as uc', function joinUploaderContact() {
      this.on('uc.tenant', '=', 'u.tenant').andOn('uc.contact_name_id', '=', 'u.contact_id');
    })
    .where({ 'a.tenant': args.tenant, 'a.entity_type': 'ticket', 'a.entity_id': args.ticketId, 'd.is_client_visible': true })
    .andWhereRaw('coalesce(f.is_deleted, false) = false')
    .whereExists(
      db('tickets as t')
        .select(db.raw('1'))
        .whereRaw('t.tenant = a.tenant and t.ticket_id = a.entity_id')
        .where({ 't.tenant': args.tenant, 't.client_id': args.clientId })
        .whereIn('t.client_id', activeClientIds(db, args.tenant)),
    );
}

const columns = (db: Db) => [
  'd.document_id',
  'd.document_name',
  'f.original_name',
  db.raw('coalesce(d.mime_type, f.mime_type) as mime_type'),
  db.raw('coalesce(d.file_size, f.file_size)::text as file_size'),
  'f.storage_path',
  db.raw('coalesce(a.created_at, d.entered_at, f.created_at) as associated_at'),
  'u.user_type as uploader_type',
  db.raw(
    `coalesce(case when u.user_type = 'client' then nullif(btrim(uc.full_name), '') end,
      nullif(btrim(concat_ws(' ', u.first_name, u.last_name)), ''), nullif(btrim(u.email), '')) as uploader_name`,
  ),
];

export async function listTicketDocuments(
  db: Db,
  args: { tenant: string; clientId: string; ticketId: string },
): Promise<TicketDocumentRow[]> {
  return ticketDocuments(db, args)
    .orderByRaw('coalesce(a.created_at, d.entered_at, f.created_at) asc, d.document_id asc')
    .limit(200)
    .select<TicketDocumentRow[]>(columns(db));
}

export async function findTicketDocument(
  db: Db,
  args: { tenant: string; clientId: string; ticketId: string; documentId: string },
): Promise<TicketDocumentRow | null> {
  const row = await ticketDocuments(db, args).where('d.document_id', args.documentId).first<TicketDocumentRow | undefined>(columns(db));
  return row ?? null;
}

// ---- a client's file, written as Alga's upload writes it ----

export interface NewTicketDocument {
  tenant: string;
  clientId: string;
  ticketId: string;
  /** The client login that uploads it (Alga's upload needs a user). */
  userId: string;
  name: string;
  mimeType: string;
  sizeBytes: number;
  /** Where the bytes are, under the storage root (Alga's generateStoragePath). */
  storagePath: string;
}

/**
 * A client's file on a ticket, as Alga's client portal uploads one (uploadDocument with the
 * ticket, packages/documents/src/actions/documentActions.ts, through StorageService.uploadFile
 * and FileStoreModel.create): an external_files row (file_name the stored name, original_name,
 * mime_type, file_size, storage_path, uploaded_by_id), a documents row (document_name the file's
 * name, its type, user_id / created_by the uploader, order_number 0, file_id, storage_path,
 * mime_type, file_size, folder_path, is_client_visible true: "documents uploaded by client users
 * are automatically client-visible") and a document_associations row (entity_type 'ticket').
 * Null when the ticket is not the client's. Must run in a transaction.
 */
export async function insertTicketDocument(db: Db, args: NewTicketDocument): Promise<FiledDocument | null> {
  const ticket = await db('tickets')
    .where({ tenant: args.tenant, ticket_id: args.ticketId, client_id: args.clientId })
    .whereIn('client_id', activeClientIds(db, args.tenant))
    .first('ticket_id');
  if (!ticket) return null;
  return fileDocument(db, {
    tenant: args.tenant,
    entityType: 'ticket',
    entityId: args.ticketId,
    userId: args.userId,
    documentName: args.name,
    originalName: args.name,
    mimeType: args.mimeType,
    sizeBytes: args.sizeBytes,
    storagePath: args.storagePath,
  });
}
