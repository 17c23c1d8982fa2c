// The files a client sent with a request, as Dolibarr keeps them: documents of the draft proposal
// or the ticket the request became (llx_ecm_files with that record as src_object_type /
// src_object_id, which Propal::valid keeps while it renames the directory to the proposal's
// number), those kept under a name one of the request's file fields holds (its answer), so the
// agency's own files of the record are not listed as the client's. One statement from the
// company's request (portal_dolibarr_requests, scoped by entity and the company as the request
// pages find it), so the request page reads them in one round trip.
import { clientCompanyIds, type Db } from './db.ts';

export interface RequestFileRow {
  rowid: number;
  filepath: string;
  filename: string;
  date_c: Date | null;
  /** The file field whose answer names it. */
  field_key: string;
}

/** The key of the request's file field whose answer (an array of names) holds the file's name; null for none. */
const FIELD_OF_FILE = `(select f->>'key' from jsonb_array_elements(case when jsonb_typeof(r.fields) = 'array' then r.fields else '[]'::jsonb end) f
   where f->>'type' = 'file' and jsonb_typeof(r.answers->(f->>'key')) = 'array'
     and jsonb_exists(r.answers->(f->>'key'), e.filename) limit 1)`;

function requestFiles(db: Db, args: { entity: number; companyId: number; requestId: string }) {
  return db('portal_dolibarr_requests as r')
    .join('llx_ecm_files as e', function joinRecordFiles() {
      this.on('e.entity', '=', 'r.entity').andOn('e.src_object_type', '=', 'r.element').andOn('e.src_object_id', '=', 'r.fk_element');
    })
    .where({ 'r.entity': args.entity, 'r.fk_soc': args.companyId, 'r.id': args.requestId })
    .whereIn('r.fk_soc', clientCompanyIds(db, args.entity))
    .whereRaw(`${FIELD_OF_FILE} is not null`);
}

const COLUMNS = (db: Db) => ['e.rowid', 'e.filepath', 'e.filename', 'e.date_c', db.raw(`${FIELD_OF_FILE} as field_key`)];

export async function listRequestFiles(db: Db, args: { entity: number; companyId: number; requestId: string }): Promise<RequestFileRow[]> {
  return requestFiles(db, args)
    .orderBy([{ column: 'e.date_c' }, { column: 'e.rowid' }])
    .limit(200)
    .select<RequestFileRow[]>(COLUMNS(db));
}

export async function findRequestFile(
  db: Db,
  args: { entity: number; companyId: number; requestId: string; rowid: number },
): Promise<RequestFileRow | null> {
  const row = await requestFiles(db, args).where('e.rowid', args.rowid).first<RequestFileRow | undefined>(COLUMNS(db));
  return row ?? null;
}
