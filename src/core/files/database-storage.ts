// FileStorage on PostgreSQL (portal_files), so every app instance sees the same files without a
// shared disk. Small files (logos) sit in portal_files.content; streamed ones are written as
// ordered rows of portal_file_chunks as they arrive and read back a few chunks per query (about
// 1 MB, see CHUNKS_PER_READ), so neither the app nor the database builds the whole file in memory. A streamed file is marked complete
// only when its last chunk is in; on failure its row (and, by cascade, its chunks) is deleted.
// No query holds a transaction across a slow client: on the embedded database that would stall
// every other request.
import type { Knex } from 'knex';
import { Readable } from 'node:stream';
import type { FileStorage, OpenedFile, StoredFile } from '../ports/services.ts';
import { fixedChunks } from './chunks.ts';

/** Big enough to keep round trips few (a 25 MB upload is 200 inserts), small enough to stay off the heap. */
export const DATABASE_CHUNK_BYTES = 128 * 1024;

/**
 * Chunks a download reads per query: about 1 MB per round trip. One chunk per query spent the
 * download in round trips (5 MB/s for 25 MB against 78 MB/s from a directory); more per query
 * only grows what one read holds (the 1 MB, and pg's hex text of it while it is decoded).
 */
export const CHUNKS_PER_READ = 8;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createDatabaseStorage(db: Knex): FileStorage {
  const head = (workspaceId: string, id: string) =>
    db('portal_files')
      .where({ workspace_id: workspaceId, id, complete: true })
      .first<{ id: string; filename: string; content_type: string; size_bytes: number; chunked: boolean } | undefined>(
        'id',
        'filename',
        'content_type',
        'size_bytes',
        'chunked',
      );

  /** Chunks [from, from + count) of a file, in order: the caller checks that none is missing. */
  const readChunks = (workspaceId: string, fileId: string, from: number, count: number) =>
    db('portal_file_chunks')
      .where({ workspace_id: workspaceId, file_id: fileId })
      .andWhere('seq', '>=', from)
      .andWhere('seq', '<', from + count)
      .orderBy('seq')
      // As base64 text: a third larger than the bytes instead of twice (pg's hex form of bytea),
      // so less to send, hold and decode. (pg's binary result mode is not usable: it decodes
      // every field as UTF-8 text first.)
      .select<Array<{ seq: number; content: string }>>('seq', db.raw("encode(content, 'base64') as content"))
      .then((rows) => rows.map((row) => ({ seq: Number(row.seq), content: Buffer.from(row.content, 'base64') })));

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
        const chunks = await db('portal_file_chunks')
          .where({ workspace_id: workspaceId, file_id: id })
          .orderBy('seq')
          .select<Array<{ content: Buffer }>>('content');
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
          await db('portal_file_chunks').insert({ workspace_id: workspaceId, file_id: id, seq: seq++, content: chunk });
          size += chunk.length;
        }
        await db('portal_files').where({ workspace_id: workspaceId, id }).update({ size_bytes: size, complete: true });
        return { id, sizeBytes: size };
      } catch (err) {
        await db('portal_files').where({ workspace_id: workspaceId, id }).delete();
        throw err;
      }
    },

    async open(workspaceId, id): Promise<OpenedFile | null> {
      if (!UUID.test(id)) return null;
      const file = await head(workspaceId, id);
      if (!file) return null;
      const meta = { id: file.id, filename: file.filename, contentType: file.content_type, sizeBytes: Number(file.size_bytes) };
      if (!file.chunked) {
        const row = await db('portal_files').where({ workspace_id: workspaceId, id }).first<{ content: Buffer }>('content');
        return { ...meta, content: Readable.from([row.content]) };
      }
      // One query at a time for the next CHUNKS_PER_READ chunks, issued only when the reader wants
      // more (the stream holds what one query read until the reader has taken it), and none past
      // the known size.
      let seq = 0;
      let sent = 0;
      const content = new Readable({
        highWaterMark: DATABASE_CHUNK_BYTES * CHUNKS_PER_READ,
        read() {
          if (sent >= meta.sizeBytes) return void this.push(null);
          const left = Math.ceil((meta.sizeBytes - sent) / DATABASE_CHUNK_BYTES);
          const count = Math.min(CHUNKS_PER_READ, left);
          const from = seq;
          seq += count;
          readChunks(workspaceId, id, from, count).then(
            (rows) => {
              if (rows.length !== count || rows.some((row, i) => Number(row.seq) !== from + i)) {
                return this.destroy(new Error('a stored file lost a chunk during the download'));
              }
              for (const row of rows) {
                sent += row.content.length;
                this.push(row.content);
              }
            },
            (err: Error) => this.destroy(err),
          );
        },
      });
      return { ...meta, content };
    },
  };
}
