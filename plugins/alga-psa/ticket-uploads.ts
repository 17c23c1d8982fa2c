// The files a client attaches to a ticket in the portal, made Alga documents of the ticket, so
// Alga's staff and Alga's own client portal see them, and the portal lists them from Alga once.
// The bytes go where Alga's local storage provider puts an upload (LocalStorageProvider.upload:
// the storage root joined with generateStoragePath's '/<tenant>/<ms>-<random>.<extension>',
// packages/storage/src/StorageProviderFactory.ts): each file is written whole under a name of its
// own beside its place, renamed into it, and its rows (queries/ticket-documents.ts) go in the
// ticket's or the reply's transaction; the files are removed when that transaction does not
// commit (the caller's too: the transaction's executionPromise says how it ended).
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import type { TicketUpload } from '../../src/index.ts';
import { insertTicketDocument } from './queries/ticket-documents.ts';
import type { ActingContact } from './queries/tickets.ts';
import { type FilesOfATransaction, filesOfATransaction } from '../shared/files-of-a-transaction.ts';
import { fileUnder } from './shared-files.ts';

/**
 * Alga's generateStoragePath for a tenant's upload: '/<tenant>/<Date.now()>-<random base 36>.<the
 * name's last dot part>'. Alga takes whatever follows the last dot (the whole name without one);
 * here only its letters and digits, so no name reaches outside the tenant's folder.
 */
function algaStoragePath(tenant: string, name: string): string {
  const extension = (name.split('.').pop() ?? '').replace(/[^A-Za-z0-9]/g, '').slice(0, 16);
  const random = BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString(36)
    .slice(0, 13);
  return `/${tenant}/${Date.now()}-${random}.${extension}`;
}

export interface ClientFilesWrite {
  storageRoot: string;
  tenant: string;
  clientId: string;
  ticketId: string;
  /** The contact acting: its Alga client login is the uploader Alga's upload records. */
  contact: ActingContact;
  files: TicketUpload[];
}

/** Writes the files and their rows in `trx`. The files go if `trx` does not commit. */
export async function writeClientFiles(trx: Knex.Transaction, args: ClientFilesWrite): Promise<void> {
  if (args.files.length === 0) return;
  const userId = args.contact.userId;
  // keepsClientFilesOf says no for a contact without a login; a write without one is a caller's mistake.
  if (!userId) throw new Error('alga-psa: a client file needs the contact to have an Alga client login');
  const kept = filesOfATransaction(trx);
  for (const file of args.files) {
    const storagePath = await storeClientFile(kept, { storageRoot: args.storageRoot, tenant: args.tenant, file });
    const documentId = await insertTicketDocument(trx, {
      tenant: args.tenant,
      clientId: args.clientId,
      ticketId: args.ticketId,
      userId,
      name: file.name,
      mimeType: file.contentType || 'application/octet-stream',
      sizeBytes: file.sizeBytes,
      storagePath,
    });
    if (!documentId) throw new Error("alga-psa: a client file's ticket is not the client's");
  }
}

/**
 * One client file's bytes where Alga's local storage provider puts an upload, written whole under
 * a name of its own and renamed into place; answers its storage path. `kept` removes it again if
 * the transaction it belongs to does not commit.
 */
export async function storeClientFile(
  kept: FilesOfATransaction,
  args: { storageRoot: string; tenant: string; file: TicketUpload },
): Promise<string> {
  const storagePath = algaStoragePath(args.tenant, args.file.name);
  const target = fileUnder(args.storageRoot, storagePath);
  if (!target) throw new Error('alga-psa: a client file would be stored outside the storage root');
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.upload-${randomUUID()}`;
  try {
    await pipeline(await args.file.open(), createWriteStream(temp, { flags: 'wx' }));
    const { size } = await stat(temp);
    if (size !== args.file.sizeBytes) throw new Error('alga-psa: a client file was not stored whole');
    await rename(temp, target);
    kept.written(target);
  } finally {
    await unlink(temp).catch(() => {});
  }
  return storagePath;
}
