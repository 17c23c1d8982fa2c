// Files Dolibarr shares with a client: llx_ecm_files rows with a public share hash (`share`, set
// when staff click "share" on a file), attached to the company itself (src_object_type 'societe'),
// to its proposals ('propal') and invoices ('facture') past draft, or to its public projects
// ('project', validated or closed). A private project's files are left out: the documents port
// answers per company, and a private project shows only to the contacts linked to it
// (visibility.ts). The bytes are on the Dolibarr server's disk under its data root
// (DOL_DATA_ROOT), at filepath/filename.
import { clientCompanyIds, type Db } from './db.ts';
import { INVOICE_DRAFT, PROPAL_DRAFT, projectSharedWithCompanySql } from './visibility.ts';

export interface SharedFileRow {
  rowid: number;
  filepath: string;
  filename: string;
  date_c: Date | null;
  src_object_type: string;
  src_object_id: number;
  record_ref: string | null;
  user_firstname: string | null;
  user_lastname: string | null;
  /** The keyset position, on list rows only. */
  date_key?: string;
}

export type SharedObjectType = 'propal' | 'facture' | 'project';

/** One client's shared files, as a query to narrow further. */
function sharedFiles(db: Db, args: { entity: number; companyId: number }) {
  const { entity, companyId } = args;
  return (
    db('llx_ecm_files as e')
      .leftJoin('llx_propal as p', function joinPropal() {
        this.on('p.rowid', '=', 'e.src_object_id').andOnVal('e.src_object_type', '=', 'propal').andOn('p.entity', '=', 'e.entity');
      })
      .leftJoin('llx_facture as f', function joinFacture() {
        this.on('f.rowid', '=', 'e.src_object_id').andOnVal('e.src_object_type', '=', 'facture').andOn('f.entity', '=', 'e.entity');
      })
      .leftJoin('llx_projet as j', function joinProject() {
        this.on('j.rowid', '=', 'e.src_object_id').andOnVal('e.src_object_type', '=', 'project').andOn('j.entity', '=', 'e.entity');
      })
      .leftJoin('llx_user as u', 'u.rowid', 'e.fk_user_c')
      .where('e.entity', entity)
      // Only a client company's (customer or prospect in activity): a closed third party has no portal.
      .whereExists(clientCompanyIds(db, entity).where('rowid', companyId))
      .whereNotNull('e.share')
      .andWhereRaw("e.share <> ''")
      .andWhere(function ownedByClient() {
        this.where({ 'e.src_object_type': 'societe', 'e.src_object_id': companyId })
          .orWhere(function proposals() {
            this.where({ 'p.fk_soc': companyId }).whereNot('p.fk_statut', PROPAL_DRAFT);
          })
          .orWhere(function invoices() {
            this.where({ 'f.fk_soc': companyId }).whereNot('f.fk_statut', INVOICE_DRAFT);
          })
          .orWhere(function publicProjects() {
            this.where({ 'j.fk_soc': companyId }).andWhereRaw(projectSharedWithCompanySql('j'));
          });
      })
  );
}

const COLUMNS = [
  'e.rowid',
  'e.filepath',
  'e.filename',
  'e.date_c',
  'e.src_object_type',
  'e.src_object_id',
  'u.firstname as user_firstname',
  'u.lastname as user_lastname',
];
// date_c may be null on imported rows; the epoch stands in so the keyset stays total.
const KEY = "coalesce(e.date_c, timestamp '1970-01-01')";

export async function listSharedFiles(
  db: Db,
  args: {
    entity: number;
    companyId: number;
    record?: { type: SharedObjectType; id: number };
    /** An ILIKE pattern (the portal's containsPattern) the file name matches. */
    matching?: string;
    after?: { date: string; rowid: number };
    limit: number;
  },
): Promise<SharedFileRow[]> {
  const query = sharedFiles(db, args);
  if (args.record) query.where({ 'e.src_object_type': args.record.type, 'e.src_object_id': args.record.id });
  if (args.matching) query.whereILike('e.filename', args.matching);
  if (args.after) query.whereRaw(`(${KEY}, e.rowid) < (?::timestamp, ?)`, [args.after.date, args.after.rowid]);
  return query
    .orderByRaw(`${KEY} desc, e.rowid desc`)
    .limit(args.limit)
    .select<SharedFileRow[]>([
      ...COLUMNS,
      db.raw('coalesce(p.ref, f.ref, j.ref) as record_ref'),
      db.raw(`to_char(${KEY}, 'YYYY-MM-DD"T"HH24:MI:SS.US') as date_key`),
    ]);
}

export async function findSharedFile(db: Db, args: { entity: number; companyId: number; rowid: number }): Promise<SharedFileRow | null> {
  const row = await sharedFiles(db, args)
    .where('e.rowid', args.rowid)
    .first<SharedFileRow | undefined>([...COLUMNS, db.raw('coalesce(p.ref, f.ref, j.ref) as record_ref')]);
  return row ?? null;
}

/**
 * Where the client's shared files are, newest first, at most `limit`, and which kind of record each
 * belongs to: the summary counts those on disk (the list leaves out a file missing there) and the
 * dashboard leaves out those of a record the person may not open, as the documents page does.
 */
export async function sharedFileLocations(
  db: Db,
  args: { entity: number; companyId: number; limit: number },
): Promise<Array<{ filepath: string; filename: string; attached_to: 'proposal' | 'invoice' | 'project' | null }>> {
  return sharedFiles(db, args)
    .orderByRaw(`${KEY} desc, e.rowid desc`)
    .limit(args.limit)
    .select(
      'e.filepath',
      'e.filename',
      db.raw(
        "case when p.rowid is not null then 'proposal' when f.rowid is not null then 'invoice' when j.rowid is not null then 'project' end as attached_to",
      ),
    );
}
