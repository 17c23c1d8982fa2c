// Support tickets. The records asked for are Maria's company's (Northwind) seeded tickets: one
// open for replies and files, one closed by the agency for the survey, one closed and reopened
// by the close and reopen routes (both answer 303 in either state). A new ticket is opened on
// every owner's request; the file is one of the portal's, attached for the matrix; the agency's
// file is one staff attached to the ticket in the CRM (ticket_files), read through the port.
import { smallPdf } from '../support/upload-fixtures.ts';
import { demoWorkspaceId } from '../support/demo-records.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

const OPEN = 'Logo looks blurry on the invoices';
const RESOLVED = 'Add the new store opening hours';
const WAITING = 'Contact form on the website sends no email';

async function ticketId(world: MatrixWorld, subject: string): Promise<number> {
  const db = world.h.crm.db;
  const workspaceId = await demoWorkspaceId(db);
  return (await db('tickets').where({ workspace_id: workspaceId, subject }).first('id')).id as number;
}

async function attachment(world: MatrixWorld): Promise<string> {
  const db = world.h.crm.db;
  const workspaceId = String(await demoWorkspaceId(db));
  const user = await db('client_users').where({ workspace_id: workspaceId, email: world.owner.email }).first('id', 'client_id');
  const id = String(await ticketId(world, OPEN));
  const content = smallPdf('matrix');
  const fileId = await world.h.crm.portal.files.put(workspaceId, 'message-attachment', {
    filename: 'matrix.pdf',
    contentType: 'application/pdf',
    sizeBytes: content.length,
    content,
  });
  const [row] = await db('portal_ticket_attachments')
    .insert({
      workspace_id: workspaceId,
      client_id: user.client_id,
      ticket_id: id,
      side: 'client',
      client_user_id: user.id,
      author_name: 'Maria García',
      file_id: fileId,
      filename: 'matrix.pdf',
      content_type: 'application/pdf',
      size_bytes: content.length,
    })
    .returning('id');
  return `/tickets/${id}/attachments/${row.id}`;
}

async function agencyFile(world: MatrixWorld): Promise<string> {
  const db = world.h.crm.db;
  const workspaceId = await demoWorkspaceId(db);
  const id = await ticketId(world, OPEN);
  const staff = await db('staff_users').where({ workspace_id: workspaceId }).orderBy('id').first('id');
  const content = smallPdf('agency');
  const [row] = await db('ticket_files')
    .insert({
      workspace_id: workspaceId,
      ticket_id: id,
      staff_id: staff.id,
      filename: 'agency.pdf',
      content_type: 'application/pdf',
      size_bytes: content.length,
      content,
    })
    .returning('id');
  return `/tickets/${id}/files/${row.id}`;
}

const onTicket =
  (subject: string, tail = '') =>
  async (world: MatrixWorld) =>
    `/tickets/${await ticketId(world, subject)}${tail}`;

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/tickets', url: () => '/tickets', ownedByClient: false, switches: ['showTickets'] },
  { method: 'GET', path: '/tickets/new', url: () => '/tickets/new', ownedByClient: false, switches: ['showTickets'] },
  {
    method: 'POST',
    path: '/tickets',
    url: () => '/tickets',
    ownedByClient: false,
    switches: ['showTickets'],
    form: { subject: 'Opened by the matrix', description: 'Nothing to do.' },
    ownerStatus: [303],
  },
  { method: 'GET', path: '/tickets/:ticketId', url: onTicket(OPEN), ownedByClient: true, switches: ['showTickets'] },
  {
    method: 'POST',
    path: '/tickets/:ticketId/replies',
    url: onTicket(OPEN, '/replies'),
    ownedByClient: true,
    switches: ['showTickets'],
    form: { body: 'A reply from the matrix.' },
    ownerStatus: [303],
  },
  {
    method: 'POST',
    path: '/tickets/:ticketId/close',
    url: onTicket(WAITING, '/close'),
    ownedByClient: true,
    switches: ['showTickets'],
    ownerStatus: [303],
  },
  {
    method: 'POST',
    path: '/tickets/:ticketId/reopen',
    url: onTicket(WAITING, '/reopen'),
    ownedByClient: true,
    switches: ['showTickets'],
    ownerStatus: [303],
  },
  { method: 'GET', path: '/tickets/:ticketId/survey', url: onTicket(RESOLVED, '/survey'), ownedByClient: true, switches: ['showTickets'] },
  {
    method: 'POST',
    path: '/tickets/:ticketId/survey',
    url: onTicket(RESOLVED, '/survey'),
    ownedByClient: true,
    switches: ['showTickets'],
    form: { rating: '4' },
    ownerStatus: [303],
  },
  { method: 'GET', path: '/tickets/:ticketId/attachments/:attachmentId', url: attachment, ownedByClient: true, switches: ['showTickets'] },
  { method: 'GET', path: '/tickets/:ticketId/files/:fileId', url: agencyFile, ownedByClient: true, switches: ['showTickets'] },
];
