// The ZIP a person downloads with their data: JSON files (one per kind, described in README.txt in
// their language) and the files they uploaded, attached and signed. Written as a stream straight
// into the portal's file storage, one stored file opened at a time, so a person with gigabytes of
// uploads costs no more memory than one with none.
import { createHash } from 'node:crypto';
import { ZipFile } from 'yazl';
import type { ExportSubject, FileStorage, PersonalDataHook, Translate } from '../../core/index.ts';

export interface ExportDeps {
  storage: FileStorage;
  /** Every module's part of the person's data, in the archive's order. */
  personalData: readonly PersonalDataHook[];
  now: () => Date;
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

/**
 * Writes the person's export into storage and resolves with the stored file: README.txt, then
 * profile.json (the fields each hook adds, in the hooks' order), then each hook's entries. A file
 * that cannot be read any more (deleted since) is listed with a null path rather than failing the export.
 */
export async function buildDataExport(deps: ExportDeps, subject: ExportSubject, t: Translate): Promise<{ id: string; sizeBytes: number }> {
  const { storage } = deps;
  const { workspaceId, user } = subject;
  const parts = await Promise.all(deps.personalData.map((hook) => hook.export(subject)));

  const zip = new ZipFile();
  // A stored file failing mid-way fails the ZIP's stream, and so the store (which then keeps nothing).
  zip.on('error', (err: Error) => (zip.outputStream as unknown as { destroy(e: Error): void }).destroy(err));
  const mtime = deps.now();
  const add = (name: string, content: Buffer) => zip.addBuffer(content, name, { mtime });
  // Stored files are opened when the ZIP reaches them, not before (one open file at a time).
  const addStored = (name: string, fileId: string) =>
    zip.addReadStreamLazy(name, { mtime }, (done) => {
      storage.open(workspaceId, fileId).then(
        (opened) => (opened ? done(null, opened.content) : done(new Error(`stored file ${fileId} is gone`), undefined as never)),
        (err) => done(err, undefined as never),
      );
    });
  add('README.txt', Buffer.from(`${t('privacy:export.readme', { workspace: subject.workspaceName, at: mtime.toISOString() })}\n`, 'utf8'));
  add('profile.json', json(Object.assign({}, ...parts.map((part) => part.profile ?? {}))));
  for (const entry of parts.flatMap((part) => part.entries ?? [])) {
    if ('json' in entry) add(entry.path, json(entry.json));
    else if ('bytes' in entry) add(entry.path, entry.bytes);
    else addStored(entry.path, entry.storedFileId);
  }
  zip.end();

  const day = mtime.toISOString().slice(0, 10);
  return storage.putStream(
    workspaceId,
    'data-export',
    {
      filename: `personal-data-${day}-${createHash('sha256').update(user.id).digest('hex').slice(0, 8)}.zip`,
      contentType: 'application/zip',
    },
    zip.outputStream as AsyncIterable<Buffer>,
  );
}
