// How Alga PSA files an upload among a record's documents (packages/documents
// src/actions/documentActions.ts uploadDocument): the document type it gives the file's mime type,
// and the folder it puts the document in when none is chosen. Shared by a client's ticket files
// (ticket-documents.ts) and the files of approvals the portal keeps (approval-files.ts).
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
export async function documentType(
  db: Db,
  tenant: string,
  mimeType: string,
): Promise<{ type_id: string | null; shared_type_id: string | null }> {
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
export async function entityFolderPath(
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
