// Where Alga PSA's local storage provider puts an upload (LocalStorageProvider.upload: the storage
// root joined with generateStoragePath's '/<tenant>/<ms>-<random>.<extension>',
// packages/storage/src/StorageProviderFactory.ts), for every file the binding stores there: a
// client's ticket files (ticket-uploads.ts), their thumbnails and previews (document-previews.ts),
// the files of approvals and service requests. Each is written whole under a name of its own
// beside its place and renamed into it.
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { TicketUpload } from '../../src/index.ts';
import type { FilesOfATransaction } from '../shared/files-of-a-transaction.ts';
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
