// FileStorage on PostgreSQL (portal_files), so every app instance sees the same files without a
// shared disk. A host with object storage can pass its own FileStorage instead.
import type { Knex } from 'knex';
import type { FileStorage, StoredFile } from '../ports/services.ts';

export function createDatabaseStorage(db: Knex): FileStorage {
  return {
    async put(workspaceId, purpose, file) {
      const [row] = await db('portal_files')
        .insert({
          workspace_id: workspaceId,
          purpose,
          filename: file.filename,
          content_type: file.contentType,
          size_bytes: file.sizeBytes,
          content: file.content,
        })
        .returning('id');
      return (row as { id: string }).id;
    },
    async get(workspaceId, id): Promise<StoredFile | null> {
      const row = await db('portal_files')
        .where({ workspace_id: workspaceId, id })
        .first('id', 'filename', 'content_type', 'size_bytes', 'content');
      if (!row) return null;
      return { id: row.id, filename: row.filename, contentType: row.content_type, sizeBytes: row.size_bytes, content: row.content };
    },
    async delete(workspaceId, id) {
      await db('portal_files').where({ workspace_id: workspaceId, id }).delete();
    },
  };
}
