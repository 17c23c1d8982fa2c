// The files of a client's ticket in Alga PSA, as Alga's client portal lists them on the ticket
// (packages/client-portal client-tickets.ts, getClientTicketDetails and getClientTicketDocuments):
// documents associated with the ticket (document_associations entity_type 'ticket', entity_id the
// ticket_id) that are client-visible (documents.is_client_visible, which Alga's upload sets for a
// client's file and takes from the folder for staff's), here only those with a stored file
// (external_files by file_id, not deleted), since a block-editor document has no bytes to
// download. Who attached one is the document's created_by (a client login or staff), as Alga's
// documents list names the uploader. Scoped by tenant and by the ticket being the client's (an
// active client); oldest first by when it was associated.
import { randomUUID } from 'node:crypto';
import { activeClientIds, type Db } from './db.ts';

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

/**
 * The document type of a mime type, as Alga's getDocumentTypeId finds it
 * (packages/documents/src/actions/documentActions.ts): the tenant's own type of that name, else the
 * shared one, else the tenant's and then the shared type of its family ('image/*'), else the shared
 * 'application/octet-stream'. A tenant's type goes in type_id, a shared one in shared_type_id.
 * Alga refuses the upload where even the last is missing (its migrations seed it); here the
 * document then has no type rather than the ticket no file.
 */
async function documentType(db: Db, tenant: string, mimeType: string): Promise<{ type_id: string | null; shared_type_id: string | null }> {
  const family = `${mimeType.split('/')[0]}/*`;
  const { rows } = await db.raw<{ rows: { type_id: string; shared: boolean }[] }>(
    `select type_id, shared from (
       select type_id, false as shared, 1 as rank from document_types where tenant = ? and type_name = ?
       union all select type_id, true, 2 from shared_document_types where type_name = ?
       union all select type_id, false, 3 from document_types where tenant = ? and type_name = ?
       union all select type_id, true, 4 from shared_document_types where type_name = ?
       union all select type_id, true, 5 from shared_document_types where type_name = 'application/octet-stream'
     ) t order by rank limit 1`,
    [tenant, mimeType, mimeType, tenant, family, family],
  );
  const found = rows[0];
  return { type_id: found && !found.shared ? found.type_id : null, shared_type_id: found?.shared ? found.type_id : null };
}

/**
 * The folder a ticket's upload is filed in, as Alga's uploadDocument files it when no folder is
 * chosen: the ticket's folders are first made from the tenant's defaults for tickets
 * (ensureEntityFoldersInitializedInternal: document_default_folders → document_folders, each
 * with its parent, created_by the uploader), then '/Tickets/Attachments' where the ticket has
 * it, else its first folder by path, else none.
 */
async function ticketFolderPath(db: Db, args: { tenant: string; ticketId: string; userId: string }): Promise<string | null> {
  const scope = { tenant: args.tenant, entity_id: args.ticketId, entity_type: 'ticket' };
  const existing = await db('document_folders')
    .where(scope)
    .select<{ folder_path: string; folder_id: string }[]>('folder_path', 'folder_id');
  const defaults = await db('document_default_folders')
    .where({ tenant: args.tenant, entity_type: 'ticket' })
    .orderBy([{ column: 'sort_order' }, { column: 'folder_path' }])
    .select<{ folder_name: string; folder_path: string; is_client_visible: boolean }[]>('folder_name', 'folder_path', 'is_client_visible');
  const ids = new Map(existing.map((folder) => [folder.folder_path, folder.folder_id]));
  const missing = defaults
    .filter((folder) => !ids.has(folder.folder_path))
    .map((folder) => {
      const folderId = randomUUID();
      ids.set(folder.folder_path, folderId);
      const segments = folder.folder_path.split('/').filter(Boolean);
      const parent = segments.length > 1 ? `/${segments.slice(0, -1).join('/')}` : null;
      return {
        ...scope,
        folder_id: folderId,
        folder_path: folder.folder_path,
        folder_name: folder.folder_name,
        parent_folder_id: parent ? (ids.get(parent) ?? null) : null,
        is_client_visible: folder.is_client_visible,
        created_by: args.userId,
      };
    });
  if (missing.length > 0) await db('document_folders').insert(missing);
  const paths = [...ids.keys()];
  return paths.includes('/Tickets/Attachments') ? '/Tickets/Attachments' : (paths.sort()[0] ?? null);
}

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
export async function insertTicketDocument(db: Db, args: NewTicketDocument): Promise<string | null> {
  const ticket = await db('tickets')
    .where({ tenant: args.tenant, ticket_id: args.ticketId, client_id: args.clientId })
    .whereIn('client_id', activeClientIds(db, args.tenant))
    .first('ticket_id');
  if (!ticket) return null;
  const [type, folderPath] = [
    await documentType(db, args.tenant, args.mimeType),
    await ticketFolderPath(db, { tenant: args.tenant, ticketId: args.ticketId, userId: args.userId }),
  ];
  const fileId = randomUUID();
  await db('external_files').insert({
    tenant: args.tenant,
    file_id: fileId,
    file_name: args.storagePath.split('/').pop(),
    original_name: args.name,
    mime_type: args.mimeType,
    file_size: args.sizeBytes,
    storage_path: args.storagePath,
    uploaded_by_id: args.userId,
  });
  const documentId = randomUUID();
  await db('documents').insert({
    tenant: args.tenant,
    document_id: documentId,
    document_name: args.name,
    ...type,
    user_id: args.userId,
    order_number: 0,
    created_by: args.userId,
    file_id: fileId,
    storage_path: args.storagePath,
    mime_type: args.mimeType,
    file_size: args.sizeBytes,
    folder_path: folderPath,
    is_client_visible: true,
  });
  await db('document_associations').insert({
    tenant: args.tenant,
    association_id: randomUUID(),
    document_id: documentId,
    entity_id: args.ticketId,
    entity_type: 'ticket',
  });
  return documentId;
}
