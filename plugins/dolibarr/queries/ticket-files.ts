// The files of a client's ticket in Dolibarr, as its ticket card lists them: those of the ticket's
// directory (ticket/<ref>/ under the data root), indexed in llx_ecm_files with the ticket as their
// object (src_object_type 'ticket', src_object_id its rowid) or, for rows indexed without one, by
// the directory itself. A file sent with a message names that message's agenda event (agenda_id):
// one sent with a private note (TICKET_MSG_PRIVATE) is the agency's and never listed, as the
// note itself is not. Scoped by entity and by the ticket being the company's (a client company).
import { clientCompanyIds, type Db } from './db.ts';
import { PUBLIC_MESSAGE_CODES } from './tickets.ts';

export interface TicketFileRow {
  rowid: number;
  filepath: string;
  filename: string;
  date_c: Date | null;
  agenda_id: number | null;
}

function ticketFiles(db: Db, args: { entity: number; companyId: number; ticketId: number }) {
  return db('llx_ecm_files as e')
    .join('llx_ticket as t', function joinTicket() {
      this.on('t.entity', '=', 'e.entity').andOnVal('t.rowid', '=', args.ticketId);
    })
    .leftJoin('llx_actioncomm as a', function joinMessage() {
      this.on('a.id', '=', 'e.agenda_id').andOn('a.entity', '=', 'e.entity');
    })
    .where({ 'e.entity': args.entity, 't.fk_soc': args.companyId })
    .whereExists(clientCompanyIds(db, args.entity).where('rowid', args.companyId))
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
