// How values are written into a person's export archive, the same in every hook's files.
import type { FileStorage } from '../ports/services.ts';
import type { ArchiveEntry } from './hook.ts';

/** A timestamp as ISO 8601 in UTC, or null. */
export const iso = (value: Date | null | undefined): string | null => (value ? new Date(value).toISOString() : null);

/**
 * A name for an entry of the archive. Stored names passed safeFilename already; this keeps any path
 * or control character that an older row might hold from making a folder or an odd name.
 */
function archiveSafeName(name: string): string {
  const cleaned = [...name]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join('')
    .replace(/[\\/:*?"<>|]/g, '_')
    .replace(/^\.+/, '_')
    .trim()
    .slice(0, 120);
  return cleaned || 'file';
}

/** True when the storage still has the file (it may have been deleted since its row was written). */
async function storedFileExists(storage: Pick<FileStorage, 'open'>, workspaceId: string, fileId: string): Promise<boolean> {
  const opened = await storage.open(workspaceId, fileId);
  opened?.content.destroy();
  return opened !== null;
}

/**
 * A file the person sent, into the archive as `<folder>/<its row's id>-<its name>` where the storage
 * still has it: answers that path for the file's record, or null when the file is gone.
 */
export async function archiveStoredFile(
  storage: Pick<FileStorage, 'open'>,
  workspaceId: string,
  entries: ArchiveEntry[],
  folder: string,
  file: { id: string; filename: string; file_id: string },
): Promise<string | null> {
  if (!(await storedFileExists(storage, workspaceId, file.file_id))) return null;
  const path = `${folder}/${file.id}-${archiveSafeName(file.filename)}`;
  entries.push({ path, storedFileId: file.file_id });
  return path;
}

/**
 * A file the person sent, into the archive (archiveStoredFile), and what their data's list says of
 * it: its name, type, size, when it came, and its path in the archive (null once the file is gone).
 */
export async function archiveSentFile(
  storage: Pick<FileStorage, 'open'>,
  workspaceId: string,
  entries: ArchiveEntry[],
  folder: string,
  file: { id: string; filename: string; file_id: string; content_type: string; size_bytes: string | number; created_at: Date },
) {
  const path = await archiveStoredFile(storage, workspaceId, entries, folder, file);
  return { filename: file.filename, contentType: file.content_type, sizeBytes: Number(file.size_bytes), at: iso(file.created_at), path };
}
