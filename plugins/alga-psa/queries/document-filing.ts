// How Alga PSA files an upload among a record's documents (packages/documents
// src/actions/documentActions.ts uploadDocument): the document type it gives the file's mime type,
// and the folder it puts the document in when none is chosen. Shared by a client's ticket files
// (ticket-documents.ts) and the files of approvals the portal keeps (approval-files.ts), which
// both file a document through fileDocument.
import { randomUUID } from 'node:crypto';
import type { Db } from './db.ts';

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
 * The folder an upload to a ticket or a client is filed in, as Alga's uploadDocument files it when
 * no folder is chosen: the record's folders are first made from the tenant's defaults for its kind
 * (ensureEntityFoldersInitializedInternal: document_default_folders → document_folders, each with
 * its parent, created_by the uploader), then, for a ticket, '/Tickets/Attachments' where it has
 * it, else the record's first folder by path, else none.
 */
async function entityFolderPath(
  db: Db,
  args: { tenant: string; entityType: 'ticket' | 'client'; entityId: string; userId: string },
): Promise<string | null> {
  const scope = { tenant: args.tenant, entity_id: args.entityId, entity_type: args.entityType };
  const existing = await db('document_folders')
    .where(scope)
    .select<{ folder_path: string; folder_id: string }[]>('folder_path', 'folder_id');
  const defaults = await db('document_default_folders')
    .where({ tenant: args.tenant, entity_type: args.entityType })
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
  if (args.entityType === 'ticket' && paths.includes('/Tickets/Attachments')) return '/Tickets/Attachments';
  return paths.sort()[0] ?? null;
}

/** An upload to file among one record's documents (a client's or a ticket's). */
export interface DocumentToFile {
  tenant: string;
  entityType: 'client' | 'ticket';
  entityId: string;
  /** The uploader: user_id, created_by and uploaded_by_id. */
  userId: string;
  /** The document's name, as Alga's document list shows it. */
  documentName: string;
  /** The file's own name, as it was given to the upload. */
  originalName: string;
  mimeType: string;
  sizeBytes: number;
  /** Where the bytes are, under the storage root (Alga's generateStoragePath). */
  storagePath: string;
}

/** A stored upload: who uploaded it, its own name, type and size, and where its bytes are. */
export type StoredFile = Pick<DocumentToFile, 'tenant' | 'userId' | 'originalName' | 'mimeType' | 'sizeBytes' | 'storagePath'>;

/**
 * A stored upload's external_files row as StorageService.uploadFile writes it through
 * FileStoreModel.create: file_name the stored name, original_name, mime_type, file_size,
 * storage_path, uploaded_by_id the uploader. Answers the row's file_id.
 */
export async function insertExternalFile(db: Db, file: StoredFile): Promise<string> {
  const fileId = randomUUID();
  await db('external_files').insert({
    tenant: file.tenant,
    file_id: fileId,
    file_name: file.storagePath.split('/').pop(),
    original_name: file.originalName,
    mime_type: file.mimeType,
    file_size: file.sizeBytes,
    storage_path: file.storagePath,
    uploaded_by_id: file.userId,
  });
  return fileId;
}

/** A document filed: its id and its external_files row's. */
export interface FiledDocument {
  documentId: string;
  fileId: string;
}

/**
 * An upload filed as uploadDocument files one (through StorageService.uploadFile and
 * FileStoreModel.create): an external_files row (file_name the stored name, original_name,
 * mime_type, file_size, storage_path, uploaded_by_id), a documents row (document_name, its type as
 * getDocumentTypeId finds it, user_id / created_by the uploader, order_number 0 as uploadDocument
 * writes it, file_id, storage_path, mime_type, file_size, folder_path the record's first folder,
 * is_client_visible true) and a document_associations row naming the record. Must run in a
 * transaction; answers the document's id and its file's.
 */
export async function fileDocument(db: Db, args: DocumentToFile): Promise<FiledDocument> {
  const [type, folderPath] = [
    await documentType(db, args.tenant, args.mimeType),
    await entityFolderPath(db, { tenant: args.tenant, entityType: args.entityType, entityId: args.entityId, userId: args.userId }),
  ];
  const fileId = await insertExternalFile(db, args);
  const documentId = randomUUID();
  await db('documents').insert({
    tenant: args.tenant,
    document_id: documentId,
    document_name: args.documentName,
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
    entity_id: args.entityId,
    entity_type: args.entityType,
  });
  return { documentId, fileId };
}
