// The reference CRM's tickets as the portal's TicketsPort sees them: its five statuses mapped onto
// open, waiting and closed; the conversation without internal notes; every call scoped by
// workspace and client (an id of another company's ticket is "not found").
import { Readable } from 'node:stream';
import {
  type NewTicket,
  SUMMARY_COUNT_LIMIT,
  type TicketDetail,
  type TicketFile,
  type TicketMessage,
  type TicketState,
  type TicketStatusChange,
  type TicketResolution,
  type TicketStatusName,
  type TicketSummary,
  type TicketsPort,
} from '../../../src/index.ts';
import { parseId, toHostId } from '../ids.ts';
import { type Db, inTransaction } from '../queries/db.ts';
import { findClient } from '../queries/clients.ts';
import { findContact } from '../queries/contacts.ts';
import { findDevice, linkDeviceTicket, listTicketDevices } from '../queries/devices.ts';
import { findClientTicketFile, listClientTicketFiles } from '../queries/ticket-files.ts';
import {
  countClientTickets,
  findTicket,
  findTicketMessage,
  insertTicket,
  insertTicketMessage,
  latestTicketStatusChange,
  listTicketCategories,
  listTicketMessages,
  listTicketPriorities,
  listTickets,
  listTicketStatusChanges,
  setTicketStatus,
  type TicketMessageRow,
  type TicketRow,
  type TicketStatus,
} from '../queries/tickets.ts';
import { clientPageOf, encodeCursor } from './cursor.ts';

/** How each of the CRM's statuses reads in the portal's words. */
const TICKET_STATE: Record<TicketStatus, TicketState> = {
  new: 'open',
  in_progress: 'open',
  waiting_on_client: 'waiting',
  resolved: 'closed',
  closed: 'closed',
};

/** The statuses the portal's three states do not tell apart, in the portal's translated words. */
const STATUS_NAME: Partial<Record<TicketStatus, TicketStatusName>> = { in_progress: 'inProgress', resolved: 'resolved' };

const STATUSES_OF: Record<'open' | 'closed', readonly TicketStatus[]> = {
  open: ['new', 'in_progress', 'waiting_on_client'],
  closed: ['resolved', 'closed'],
};

function presentSummary(row: TicketRow): TicketSummary {
  return {
    id: toHostId(row.id),
    ref: row.ref,
    subject: row.subject,
    state: TICKET_STATE[row.status],
    statusLabel: null,
    statusName: STATUS_NAME[row.status] ?? null,
    priority: row.priority,
    category: row.category,
    openedAt: row.opened_at,
    lastActivityAt: row.last_activity_at,
    closedAt: row.closed_at,
  };
}

function presentMessage(row: TicketMessageRow): TicketMessage {
  return {
    id: toHostId(row.id),
    author: row.author_contact_id !== null ? 'client' : 'agency',
    authorName: row.author_name,
    body: row.body,
    at: row.created_at,
  };
}

const clean = (text: string, max: number) => (typeof text === 'string' ? text.trim().slice(0, max) : '');

export function referenceTickets(db: Db): TicketsPort {
  /** The workspace, client and contact as integers, when all are well formed and the contact is the client's. */
  /** The contact acting, if it is the client's; read in the caller's transaction where there is one. */
  async function actor(run: Db, workspaceId: string, clientId: string, contactId: string) {
    const ws = parseId(workspaceId);
    const client = parseId(clientId);
    const contact = parseId(contactId);
    if (ws === null || client === null || contact === null) return null;
    const row = await findContact(run, { workspaceId: ws, contactId: contact });
    return row && row.client_id === client ? { ws, client, contact } : null;
  }

  return {
    // The CRM's own ticket page, on the origin that serves the portal's staff pages too.
    staffPageOf(ticketId) {
      const id = parseId(ticketId);
      return id === null ? null : `/tickets/${id}`;
    },

    async options(workspaceId, languages = []) {
      const ws = parseId(workspaceId);
      if (ws === null) return { categories: [], types: [], priorities: [] };
      const [categories, priorities] = await Promise.all([
        listTicketCategories(db, { workspaceId: ws, languages }),
        listTicketPriorities(db, { workspaceId: ws, languages }),
      ]);
      const choice = (row: { id: number; name: string }) => ({ id: toHostId(row.id), label: row.name });
      return { categories: categories.map(choice), types: [], priorities: priorities.map(choice) };
    },

    // The CRM shows a company's tickets to each of its people: the contact does not narrow the reads.
    async list(workspaceId, clientId, _contactId, filter, page) {
      const asked = clientPageOf(workspaceId, clientId, page);
      if (!asked) return { items: [], next: null };
      const { limit, after } = asked;
      const statuses = filter.waiting ? (['waiting_on_client'] as const) : filter.state === 'all' ? undefined : STATUSES_OF[filter.state];
      const search = filter.search?.trim();
      const rows = await listTickets(db, {
        workspaceId: asked.ws,
        clientId: asked.client,
        ...(statuses ? { statuses } : {}),
        ...(search ? { search } : {}),
        ...(filter.deviceId !== undefined ? { deviceId: parseId(filter.deviceId) ?? 0 } : {}),
        ...(after ? { after: { lastActivityAt: after.date, id: after.id } } : {}),
        limit: limit + 1,
        languages: filter.languages ?? [],
      });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return {
        items: items.map(presentSummary),
        next: rows.length > limit && last ? encodeCursor([last.last_activity_at.toISOString(), last.id]) : null,
      };
    },

    async find(workspaceId, clientId, _contactId, ticketId, languages = []): Promise<TicketDetail | null> {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const id = parseId(ticketId);
      if (ws === null || client === null || id === null) return null;
      const row = await findTicket(db, { workspaceId: ws, clientId: client, ticketId: id, languages });
      if (!row) return null;
      const [messages, changes, devices] = await Promise.all([
        listTicketMessages(db, { workspaceId: ws, ticketId: id, withInternal: false }),
        listTicketStatusChanges(db, { workspaceId: ws, ticketId: id }),
        listTicketDevices(db, { workspaceId: ws, ticketId: id, clientId: client }),
      ]);
      const history: TicketStatusChange[] = changes.map((change) => ({
        at: change.changed_at,
        state: TICKET_STATE[change.to_status],
        statusLabel: null,
        statusName: STATUS_NAME[change.to_status] ?? null,
      }));
      return {
        ...presentSummary(row),
        description: row.description,
        openedBy: row.opened_by,
        messages: messages.map(presentMessage),
        history,
        devices: devices.map((device) => ({ id: toHostId(device.id), name: device.name })),
      };
    },

    async counts(workspaceId, clientId, _contactId) {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      if (ws === null || client === null) return { open: 0, waiting: 0 };
      return countClientTickets(db, { workspaceId: ws, clientId: client, countLimit: SUMMARY_COUNT_LIMIT + 1 });
    },

    async create(workspaceId, clientId, contactId, ticket: NewTicket, write) {
      const run = write?.trx ?? db;
      const who = await actor(run, workspaceId, clientId, contactId);
      const subject = clean(ticket.subject, 200);
      if (!who || !subject || !(await findClient(run, { workspaceId: who.ws, clientId: who.client }))) return null;
      // A choice must be one of this workspace's; an unknown one refuses the ticket rather than drop it.
      const pick = async (id: string | null, kind: 'category' | 'priority') => {
        if (id === null) return null;
        const n = parseId(id);
        const rows =
          kind === 'category'
            ? await listTicketCategories(run, { workspaceId: who.ws })
            : await listTicketPriorities(run, { workspaceId: who.ws });
        return n !== null && rows.some((row) => row.id === n) ? n : undefined;
      };
      const categoryId = await pick(ticket.categoryId, 'category');
      const priorityId = await pick(ticket.priorityId, 'priority');
      if (categoryId === undefined || priorityId === undefined || ticket.typeId !== null) return null;
      // A device the ticket is about must be the client's; the ticket and its link are written together.
      const deviceId = ticket.deviceId === undefined ? null : parseId(ticket.deviceId);
      if (
        ticket.deviceId !== undefined &&
        (deviceId === null || !(await findDevice(run, { workspaceId: who.ws, clientId: who.client, deviceId })))
      )
        return null;
      const id = await inTransaction(run, async (trx) => {
        const inserted = await insertTicket(trx, {
          workspaceId: who.ws,
          clientId: who.client,
          contactId: who.contact,
          subject,
          description: clean(ticket.description, 20_000),
          categoryId,
          priorityId,
        });
        if (deviceId !== null)
          await linkDeviceTicket(trx, { workspaceId: who.ws, deviceId, ticketId: inserted.id, byContactId: who.contact });
        return inserted.id;
      });
      const row = await findTicket(run, { workspaceId: who.ws, clientId: who.client, ticketId: id });
      return row ? presentSummary(row) : null;
    },

    async reply(workspaceId, clientId, contactId, ticketId, body, write) {
      const run = write?.trx ?? db;
      const who = await actor(run, workspaceId, clientId, contactId);
      const id = parseId(ticketId);
      const text = clean(body, 20_000);
      if (!who || id === null || !text) return null;
      const messageId = await insertTicketMessage(run, {
        workspaceId: who.ws,
        clientId: who.client,
        ticketId: id,
        author: { contactId: who.contact },
        isInternal: false,
        body: text,
      });
      if (messageId === null) return null;
      // The client answered what the agency asked: the ticket is the agency's again.
      await setTicketStatus(run, {
        workspaceId: who.ws,
        clientId: who.client,
        ticketId: id,
        to: 'in_progress',
        from: ['waiting_on_client'],
        by: { contactId: who.contact },
      });
      const row = await findTicketMessage(run, { workspaceId: who.ws, messageId });
      return row ? presentMessage(row) : null;
    },

    async setState(workspaceId, clientId, contactId, ticketId, to, write) {
      const run = write?.trx ?? db;
      const who = await actor(run, workspaceId, clientId, contactId);
      const id = parseId(ticketId);
      if (!who || id === null) return null;
      const found = await setTicketStatus(run, {
        workspaceId: who.ws,
        clientId: who.client,
        ticketId: id,
        // A reopened ticket is new again: it waits for the agency to look at it.
        to: to === 'closed' ? 'closed' : 'new',
        from: to === 'closed' ? STATUSES_OF.open : STATUSES_OF.closed,
        by: { contactId: who.contact },
      });
      if (!found) return null;
      const row = await findTicket(run, { workspaceId: who.ws, clientId: who.client, ticketId: id });
      return row ? presentSummary(row) : null;
    },

    // The CRM has no survey rule of its own: each time staff resolve (or close) a ticket, from
    // open, is a resolution, told apart by closed_at (kept when a resolved ticket is then closed,
    // cleared on reopening). A ticket the client closed themselves owes no survey.
    async resolution(workspaceId, clientId, ticketId): Promise<TicketResolution | null> {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const id = parseId(ticketId);
      if (ws === null || client === null || id === null) return null;
      const row = await findTicket(db, { workspaceId: ws, clientId: client, ticketId: id });
      if (!row || TICKET_STATE[row.status] !== 'closed' || !row.closed_at) return null;
      const change = await latestTicketStatusChange(db, { workspaceId: ws, ticketId: id });
      if (!change?.by_staff) return null;
      return {
        occurrence: `resolved:${row.closed_at.toISOString()}`,
        resolvedAt: row.closed_at,
        contactId: row.contact_id === null ? null : toHostId(row.contact_id),
        ref: row.ref,
        subject: row.subject,
      };
    },

    // Files staff attached on the ticket page, with an answer (linked to it) or on their own;
    // an internal note's files stay with the note.
    async files(workspaceId, clientId, ticketId): Promise<TicketFile[]> {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const id = parseId(ticketId);
      if (ws === null || client === null || id === null) return [];
      const rows = await listClientTicketFiles(db, { workspaceId: ws, clientId: client, ticketId: id });
      return rows.map((row) => ({
        id: toHostId(row.id),
        name: row.filename,
        contentType: row.content_type,
        sizeBytes: row.size_bytes,
        at: row.created_at,
        messageId: row.message_id === null ? null : toHostId(row.message_id),
      }));
    },

    async fileContent(workspaceId, clientId, ticketId, fileId) {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const id = parseId(ticketId);
      const file = parseId(fileId);
      if (ws === null || client === null || id === null || file === null) return null;
      const row = await findClientTicketFile(db, { workspaceId: ws, clientId: client, ticketId: id, fileId: file });
      if (!row) return null;
      return { name: row.filename, contentType: row.content_type, sizeBytes: row.content.length, content: Readable.from([row.content]) };
    },
  };
}
