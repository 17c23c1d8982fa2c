// FileStorage on PostgreSQL (portal_files), so every app instance sees the same files without a
// shared disk. Small files (logos) sit in portal_files.content; streamed ones are written as
// ordered rows of portal_file_chunks as they arrive and read back one chunk per query, so neither
// the app nor the database builds the whole file in memory. A streamed file is marked complete
// only when its last chunk is in; on failure its row (and, by cascade, its chunks) is deleted.
// No query holds a transaction across a slow client: on the embedded database that would stall
// every other request.
import type { Knex } from 'knex';
import { Readable } from 'node:stream';
import type { FileStorage, OpenedFile, StoredFile } from '../ports/services.ts';
import { fixedChunks } from './chunks.ts';

/** Big enough to keep round trips few (a 25 MB upload is 200 inserts), small enough to stay off the heap. */
export const DATABASE_CHUNK_BYTES = 128 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createDatabaseStorage(db: Knex): FileStorage {
  const head = (workspaceId: string, id: string) =>
    db('portal_files')
      .where({ workspace_id: workspaceId, id, complete: true })
      .first<{ id: string; filename: string; content_type: string; size_bytes: number; chunked: boolean } | undefined>(
        'id', 'filename', 'content_type', 'size_bytes', 'chunked',
      );

  const readChunk = async (fileId: string, seq: number): Promise<Buffer | null> => {
    const row = await db('portal_file_chunks').where({ file_id: fileId, seq }).first<{ content: Buffer } | undefined>('content');
    return row?.content ?? null;
  };

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
      if (!UUID.test(id)) return null;
      const row = await db('portal_files')
        .where({ workspace_id: workspaceId, id, complete: true })
        .first('id', 'filename', 'content_type', 'size_bytes', 'content', 'chunked');
      if (!row) return null;
      let content: Buffer = row.content;
      if (row.chunked) {
        const chunks = await db('portal_file_chunks').where({ file_id: id }).orderBy('seq').select<Array<{ content: Buffer }>>('content');
        content = Buffer.concat(chunks.map((chunk) => chunk.content));
      }
      return { id: row.id, filename: row.filename, contentType: row.content_type, sizeBytes: Number(row.size_bytes), content };
    },

    async delete(workspaceId, id) {
      if (!UUID.test(id)) return;
      await db('portal_files').where({ workspace_id: workspaceId, id }).delete();
    },

    async putStream(workspaceId, purpose, meta, content) {
      const [row] = await db('portal_files')
        .insert({
          workspace_id: workspaceId,
          purpose,
          filename: meta.filename,
          content_type: meta.contentType,
          size_bytes: 0,
          content: Buffer.alloc(0),
          chunked: true,
          complete: false,
        })
        .returning('id');
      const id = (row as { id: string }).id;
      let size = 0;
      let seq = 0;
      try {
        for await (const chunk of fixedChunks(content, DATABASE_CHUNK_BYTES)) {
          await db('portal_file_chunks').insert({ file_id: id, seq: seq++, content: chunk });
          size += chunk.length;
        }
        await db('portal_files').where({ id }).update({ size_bytes: size, complete: true });
        return { id, sizeBytes: size };
      } catch (err) {
        await db('portal_files').where({ id }).delete();
        throw err;
      }
    },

    async open(workspaceId, id): Promise<OpenedFile | null> {
      if (!UUID.test(id)) return null;
      const file = await head(workspaceId, id);
      if (!file) return null;
      const meta = { id: file.id, filename: file.filename, contentType: file.content_type, sizeBytes: Number(file.size_bytes) };
      if (!file.chunked) {
        const row = await db('portal_files').where({ id }).first<{ content: Buffer }>('content');
        return { ...meta, content: Readable.from([row.content]) };
      }
      // One chunk query at a time, issued only when the reader wants more (the stream's buffer
      // holds at most one chunk), and none past the known size. A chunk arrives as hex text (pg
      // reads bytea as text), so each 128 KB read briefly makes ~0.6 MB of garbage: memory stays
      // flat, but the collector works in proportion to the download's speed.
      let seq = 0;
      let sent = 0;
      const content = new Readable({
        highWaterMark: DATABASE_CHUNK_BYTES,
        read() {
          if (sent >= meta.sizeBytes) return void this.push(null);
          readChunk(id, seq++).then(
            (chunk) => {
              if (!chunk) return this.destroy(new Error('a stored file lost a chunk during the download'));
              sent += chunk.length;
              this.push(chunk);
            },
            (err: Error) => this.destroy(err),
          );
        },
      });
      return { ...meta, content };
    },
  };
}
