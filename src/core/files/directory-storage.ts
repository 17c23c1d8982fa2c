// FileStorage in a directory on disk (FILE_STORAGE_DIR): for hosts that keep files on a volume
// every instance mounts. Each file is <root>/<workspace>/<uuid> with its metadata beside it in
// <uuid>.json. A streamed file is written to <uuid>.part and renamed into place only when it is
// complete, so a reader never sees half a file and a failed upload leaves nothing once the part
// is removed.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileStorage, OpenedFile, StoredFile } from '../ports/services.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Meta {
  filename: string;
  contentType: string;
  sizeBytes: number;
  purpose: string;
}

export function createDirectoryStorage(root: string): FileStorage {
  const base = path.resolve(root);
  // Workspace ids come from the host; hex keeps any of them a single safe path segment.
  const dirOf = (workspaceId: string) => path.join(base, Buffer.from(workspaceId, 'utf8').toString('hex') || 'x');
  const fileOf = (workspaceId: string, id: string) => path.join(dirOf(workspaceId), id);

  const readMeta = async (workspaceId: string, id: string): Promise<Meta | null> => {
    if (!UUID.test(id)) return null;
    try {
      return JSON.parse(await readFile(`${fileOf(workspaceId, id)}.json`, 'utf8')) as Meta;
    } catch {
      return null;
    }
  };

  const store = async (
    workspaceId: string,
    purpose: string,
    meta: { filename: string; contentType: string },
    content: AsyncIterable<Buffer>,
  ) => {
    await mkdir(dirOf(workspaceId), { recursive: true });
    const id = randomUUID();
    const file = fileOf(workspaceId, id);
    let size = 0;
    const counted = async function* () {
      for await (const chunk of content) {
        size += chunk.length;
        yield chunk;
      }
    };
    try {
      await pipeline(Readable.from(counted()), createWriteStream(`${file}.part`, { flags: 'wx' }));
      await writeFile(`${file}.json`, JSON.stringify({ ...meta, sizeBytes: size, purpose } satisfies Meta));
      await rename(`${file}.part`, file);
    } catch (err) {
      await Promise.all([rm(`${file}.part`, { force: true }), rm(`${file}.json`, { force: true })]);
      throw err;
    }
    return { id, sizeBytes: size };
  };

  return {
    async put(workspaceId, purpose, file) {
      return (await store(workspaceId, purpose, file, Readable.from([file.content]))).id;
    },
    async get(workspaceId, id): Promise<StoredFile | null> {
      const meta = await readMeta(workspaceId, id);
      if (!meta) return null;
      const content = await readFile(fileOf(workspaceId, id)).catch(() => null);
      return content ? { id, filename: meta.filename, contentType: meta.contentType, sizeBytes: meta.sizeBytes, content } : null;
    },
    async delete(workspaceId, id) {
      if (!UUID.test(id)) return;
      const file = fileOf(workspaceId, id);
      await Promise.all([rm(file, { force: true }), rm(`${file}.json`, { force: true })]);
    },
    putStream: store,
    async open(workspaceId, id): Promise<OpenedFile | null> {
      const meta = await readMeta(workspaceId, id);
      if (!meta) return null;
      const content = createReadStream(fileOf(workspaceId, id), { highWaterMark: 256 * 1024 });
      // Opening fails asynchronously; wait for it so a missing file is "not found", not a broken download.
      const opened = await new Promise<boolean>((resolve) => {
        content.once('open', () => resolve(true));
        content.once('error', () => resolve(false));
      });
      return opened ? { id, filename: meta.filename, contentType: meta.contentType, sizeBytes: meta.sizeBytes, content } : null;
    },
  };
}
