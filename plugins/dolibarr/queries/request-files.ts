// The files a client sent with a request, as Dolibarr keeps them: documents of the draft proposal
// or the ticket the request became (llx_ecm_files with that record as src_object_type /
// src_object_id, which Propal::valid keeps while it renames the directory to the proposal's
// number), those kept under the names the request's answers hold, so the agency's own files of
// the record are not listed as the client's. The record is the one the caller found as the
// company's request (queries/requests.ts); every read is scoped by entity.
import type { Db } from './db.ts';

export interface RequestFileRow {
  rowid: number;
  filepath: string;
  filename: string;
  date_c: Date | null;
}

function recordFiles(db: Db, args: { entity: number; objectType: 'propal' | 'ticket'; objectId: number; filenames: readonly string[] }) {
  return db('llx_ecm_files')
    .where({ entity: args.entity, src_object_type: args.objectType, src_object_id: args.objectId })
    .whereIn('filename', [...args.filenames]);
}

const COLUMNS = ['rowid', 'filepath', 'filename', 'date_c'];

export async function listRequestFiles(
  db: Db,
  args: { entity: number; objectType: 'propal' | 'ticket'; objectId: number; filenames: readonly string[] },
): Promise<RequestFileRow[]> {
  if (args.filenames.length === 0) return [];
  return recordFiles(db, args)
    .orderBy([{ column: 'date_c' }, { column: 'rowid' }])
    .select<RequestFileRow[]>(COLUMNS);
}

export async function findRequestFile(
  db: Db,
  args: { entity: number; objectType: 'propal' | 'ticket'; objectId: number; filenames: readonly string[]; rowid: number },
): Promise<RequestFileRow | null> {
  if (args.filenames.length === 0) return null;
  const row = await recordFiles(db, args).where('rowid', args.rowid).first<RequestFileRow | undefined>(COLUMNS);
  return row ?? null;
}
