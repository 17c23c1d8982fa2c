// Files staff attach to a ticket (ticket_files): stored with an answer, a note or on their own;
// listed on the staff page with every message, and for the client without those of internal notes.
// Every statement names the workspace; the client's reads name the client too.
import type { Db } from './db.ts';

export interface TicketFileRow {
  id: number;
  ticket_id: number;
  message_id: number | null;
  filename: string;
  content_type: string;
  size_bytes: number;
  created_at: Date;
}

const COLUMNS = ['f.id', 'f.ticket_id', 'f.message_id', 'f.filename', 'f.content_type', 'f.size_bytes', 'f.created_at'];

export async function insertTicketFiles(
  db: Db,
  args: {
    workspaceId: number;
    ticketId: number;
    messageId: number | null;
    staffId: number;
    files: Array<{ filename: string; contentType: string; content: Buffer }>;
  },
): Promise<void> {
  if (args.files.length === 0) return;
  await db('ticket_files').insert(
    args.files.map((file) => ({
      workspace_id: args.workspaceId,
      ticket_id: args.ticketId,
      message_id: args.messageId,
      staff_id: args.staffId,
      filename: file.filename,
      content_type: file.contentType,
      size_bytes: file.content.length,
      content: file.content,
    })),
  );
}

/** Every file of the ticket, internal notes' included, with who attached it: the staff page. */
export async function listTicketFiles(
  db: Db,
  args: { workspaceId: number; ticketId: number },
): Promise<Array<TicketFileRow & { staff_name: string }>> {
  return db('ticket_files as f')
    .join('staff_users as s', function joinStaff() {
      this.on('s.workspace_id', '=', 'f.workspace_id').andOn('s.id', '=', 'f.staff_id');
    })
    .where({ 'f.workspace_id': args.workspaceId, 'f.ticket_id': args.ticketId })
    .orderBy([
      { column: 'f.created_at', order: 'asc' },
      { column: 'f.id', order: 'asc' },
    ])
    .select<Array<TicketFileRow & { staff_name: string }>>([...COLUMNS, 's.name as staff_name']);
}

/** The files of a client's ticket the client may see: none of an internal note's. */
function clientFiles(db: Db, args: { workspaceId: number; clientId: number; ticketId: number }) {
  return db('ticket_files as f')
    .join('tickets as t', function joinTicket() {
      this.on('t.workspace_id', '=', 'f.workspace_id').andOn('t.id', '=', 'f.ticket_id');
    })
    .leftJoin('ticket_messages as m', function joinMessage() {
      this.on('m.workspace_id', '=', 'f.workspace_id').andOn('m.id', '=', 'f.message_id');
    })
    .where({ 'f.workspace_id': args.workspaceId, 'f.ticket_id': args.ticketId, 't.client_id': args.clientId })
    .andWhere((q) => q.whereNull('f.message_id').orWhere('m.is_internal', false));
}

export async function listClientTicketFiles(
  db: Db,
  args: { workspaceId: number; clientId: number; ticketId: number },
): Promise<TicketFileRow[]> {
  return clientFiles(db, args)
    .orderBy([
      { column: 'f.created_at', order: 'asc' },
      { column: 'f.id', order: 'asc' },
    ])
    .select<TicketFileRow[]>(COLUMNS);
}

export async function findClientTicketFile(
  db: Db,
  args: { workspaceId: number; clientId: number; ticketId: number; fileId: number },
): Promise<(TicketFileRow & { content: Buffer }) | null> {
  const row = await clientFiles(db, args)
    .where('f.id', args.fileId)
    .first<(TicketFileRow & { content: Buffer }) | undefined>([...COLUMNS, 'f.content']);
  return row ?? null;
}

/** One file of the ticket for staff, with its bytes. */
export async function findTicketFileContent(
  db: Db,
  args: { workspaceId: number; ticketId: number; fileId: number },
): Promise<(TicketFileRow & { content: Buffer }) | null> {
  const row = await db('ticket_files as f')
    .where({ 'f.workspace_id': args.workspaceId, 'f.ticket_id': args.ticketId, 'f.id': args.fileId })
    .first<(TicketFileRow & { content: Buffer }) | undefined>([...COLUMNS, 'f.content']);
  return row ?? null;
}
