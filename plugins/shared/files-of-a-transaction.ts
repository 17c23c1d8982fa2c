// Files a host binding writes beside the rows of one transaction (a client's ticket files in the
// host's own documents): each file is kept only if the transaction commits. When it does not, the
// caller's rollback included, the files written for it are removed, so neither a row without its
// file nor a file without its row is left. Registered before the first file lands; the
// transaction's executionPromise says how it ended.
import { unlink } from 'node:fs/promises';
import type { Knex } from 'knex';

export interface FilesOfATransaction {
  /** A file now written in its place, to be removed if the transaction does not commit. */
  written(file: string): void;
}

export function filesOfATransaction(trx: Knex.Transaction): FilesOfATransaction {
  const files: string[] = [];
  trx.executionPromise.catch(() => Promise.all(files.map((file) => unlink(file).catch(() => {}))));
  return { written: (file) => void files.push(file) };
}
