// The files of a client's ticket in Dolibarr, as its ticket card lists them: those of the ticket's
// directory (ticket/<ref>/ under the data root), indexed in llx_ecm_files with the ticket as their
// object (src_object_type 'ticket', src_object_id its rowid) or, for rows indexed without one, by
// the directory itself. A file sent with a message names that message's agenda event (agenda_id):
// one sent with a private note (TICKET_MSG_PRIVATE) is the agency's and never listed, as the
// note itself is not. Scoped by the ticket being one the company's contacts see (visibility.ts).
import type { Db } from './db.ts';
import { PUBLIC_MESSAGE_CODES } from './ticket-activity.ts';
import { ticketsSeenBy } from './visibility.ts';

export interface TicketFileRow {
  rowid: number;
  filepath: string;
  filename: string;
  date_c: Date | null;
  agenda_id: number | null;
}

function ticketFiles(db: Db, args: { entity: number; companyId: number; ticketId: number }) {
  // From the company's tickets its contacts see (visibility.ts), this one.
  return ticketsSeenBy(db, args)
    .where('t.rowid', args.ticketId)
    .join('llx_ecm_files as e', 'e.entity', 't.entity')
    .leftJoin('llx_actioncomm as a', function joinMessage() {
      this.on('a.id', '=', 'e.agenda_id').andOn('a.entity', '=', 'e.entity');
    })
    .andWhere(function ofTheTicket() {
      this.where({ 'e.src_object_type': 'ticket' })
        .andWhereRaw('e.src_object_id = t.rowid')
        .orWhereRaw("e.src_object_id is null and e.filepath = 'ticket/' || t.ref");
    })
    .andWhere(function notPrivate() {
      this.whereNull('e.agenda_id').orWhere((message) =>
        message.whereIn('a.code', PUBLIC_MESSAGE_CODES).andWhere({ 'a.elementtype': 'ticket' }).andWhereRaw('a.fk_element = t.rowid'),
      );
    });
}

const COLUMNS = ['e.rowid', 'e.filepath', 'e.filename', 'e.date_c', 'e.agenda_id'];

export async function listTicketFiles(db: Db, args: { entity: number; companyId: number; ticketId: number }): Promise<TicketFileRow[]> {
  return ticketFiles(db, args)
    .orderByRaw("coalesce(e.date_c, timestamp '1970-01-01') asc, e.rowid asc")
    .limit(200)
    .select<TicketFileRow[]>(COLUMNS);
}

export async function findTicketFile(
  db: Db,
  args: { entity: number; companyId: number; ticketId: number; rowid: number },
): Promise<TicketFileRow | null> {
  const row = await ticketFiles(db, args).where('e.rowid', args.rowid).first<TicketFileRow | undefined>(COLUMNS);
  return row ?? null;
}

/** Whether the entity's index already has a file of that name in that directory (its unique key). */
export async function ticketFileIndexed(db: Db, args: { entity: number; filepath: string; filename: string }): Promise<boolean> {
  const row = await db('llx_ecm_files').where({ entity: args.entity, filepath: args.filepath, filename: args.filename }).first('rowid');
  return Boolean(row);
}

export interface TicketFileIndexRow {
  entity: number;
  /** The record's directory relative to the data root: 'ticket/<ref>', 'propale/<ref>'. */
  filepath: string;
  filename: string;
  /** The name the client's file had, as the upload gave it. */
  originalName: string;
  /** md5 of the content, hex. */
  contentMd5: string;
  /** The record it belongs to: its table_element ('ticket', 'propal', 'societe') and rowid. */
  objectType: 'ticket' | 'propal' | 'societe';
  objectId: number;
  /** The message's agenda event, for a file sent with a message. */
  agendaId: number | null;
  /** The Dolibarr user who uploads it (fk_user_c, EcmFiles::create's $user); none for a client's file. */
  userId?: number | null;
}

/**
 * The llx_ecm_files columns of a record's file as insertTicketFileIndex writes it (and its rowid,
 * read back): a ticket's files, a request's and an approval's. The claims read this list.
 */
export const ECM_INDEX_COLUMNS = [
  'rowid',
  'ref',
  'label',
  'share',
  'entity',
  'filepath',
  'filename',
  'fullpath_orig',
  'description',
  'keywords',
  'cover',
  'position',
  'gen_or_uploaded',
  'extraparams',
  'date_c',
  'tms',
  'fk_user_c',
  'fk_user_m',
  'acl',
  'src_object_type',
  'src_object_id',
  'agenda_id',
];

/**
 * The llx_ecm_files row of a client's file of a ticket or a proposal, as addFileIntoDatabaseIndex() fills an
 * EcmFiles and EcmFiles::create() writes it (htdocs/core/lib/files.lib.php,
 * htdocs/ecm/class/ecmfiles.class.php): ref dol_hash(filepath/filename, 3) (md5), label the md5 of
 * the content, no share key (setsharekey 0), fullpath_orig the uploaded name, description and
 * keywords '' (nothing indexed), position one past the directory's highest ("SELECT MAX(position)
 * … WHERE filepath = …", over every entity as Dolibarr reads it), gen_or_uploaded 'uploaded',
 * date_c and tms now, fk_user_c the uploading user (null for a client's file: the public pages have
 * no user), src_object_type the record's table_element ('ticket', 'propal', 'societe') and
 * src_object_id its rowid. agenda_id links a message's file to its
 * event, as createTicketMessage does. In the caller's transaction.
 */
export async function insertTicketFileIndex(trx: Db, args: TicketFileIndexRow): Promise<number> {
  const position = trx('llx_ecm_files').where({ filepath: args.filepath }).select(trx.raw('coalesce(max(position), 0) + 1'));
  const [row] = await trx('llx_ecm_files')
    .insert({
      ref: trx.raw('md5(?)', [`${args.filepath}/${args.filename}`]),
      label: args.contentMd5,
      share: null,
      entity: args.entity,
      filename: args.filename,
      filepath: args.filepath,
      fullpath_orig: args.originalName.slice(0, 750),
      description: '',
      keywords: '',
      cover: null,
      position,
      gen_or_uploaded: 'uploaded',
      extraparams: null,
      date_c: trx.fn.now(),
      tms: trx.fn.now(),
      fk_user_c: args.userId ?? null,
      fk_user_m: null,
      acl: null,
      src_object_type: args.objectType,
      src_object_id: args.objectId,
      agenda_id: args.agendaId,
    })
    .returning<Array<{ rowid: number }>>('rowid');
  if (!row) throw new Error('dolibarr: insert into llx_ecm_files returned no row');
  return row.rowid;
}
