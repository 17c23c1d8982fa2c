// Support tickets, the agency's side: the workspace's tickets by last activity, one ticket with its
// whole conversation (internal notes included, marked), an answer or an internal note, and a change
// of status. An answer or a status change is what the client is told of (the portal's live pages
// and its notifications, through the plugins); an internal note is not.
import { Router, type Response } from 'express';
import { z } from 'zod';
import {
  findTicket,
  insertTicketMessage,
  listTicketMessages,
  listTickets,
  listTicketStatusChanges,
  setTicketStatus,
  TICKET_STATUSES,
  type TicketRow,
} from '../../queries/tickets.ts';
import { inTransaction } from '../../queries/db.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { checkboxField, choiceField, parseForm, requiredText, type FieldError } from '../forms.ts';
import { statusLabel } from '../presenters.ts';
import { formView, render } from '../render.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';
import type { CrmPlugin } from '../../app.ts';
import { tellPlugins } from '../record-changes.ts';

const STATUS_CHOICE = 'Choose a status: new, in progress, waiting on client, resolved or closed.';

const messageSchema = z.object({
  body: requiredText('Message', 10_000, 'Write the answer or the note.'),
  internal: checkboxField(),
  /** Optional: the status the ticket moves to with the answer ("waiting on client" with a question). */
  status: z.union([z.literal(''), choiceField(TICKET_STATUSES, STATUS_CHOICE)]).optional(),
});

const statusSchema = z.object({ status: choiceField(TICKET_STATUSES, STATUS_CHOICE) });

const statusOptions = TICKET_STATUSES.map((value) => ({ value, label: statusLabel(value) }));

const dateTime = (value: Date) => value.toISOString().slice(0, 16).replace('T', ' ');

function presentTicketRow(row: TicketRow) {
  return {
    href: `/tickets/${row.id}`,
    ref: row.ref,
    subject: row.subject,
    clientName: row.client_name,
    clientHref: `/clients/${row.client_id}`,
    status: row.status,
    statusLabel: statusLabel(row.status),
    priority: row.priority ?? '',
    lastActivity: dateTime(row.last_activity_at),
  };
}

export function ticketRoutes({ db, plugins }: RouteDeps & { plugins?: readonly CrmPlugin[] }): Router {
  const router = Router();

  async function showTicket(res: Response, ticket: TicketRow, values: Record<string, unknown>, errors: FieldError[] = [], status = 200) {
    const { workspaceId } = staffOf(res);
    const [messages, history] = await Promise.all([
      listTicketMessages(db, { workspaceId, ticketId: ticket.id, withInternal: true }),
      listTicketStatusChanges(db, { workspaceId, ticketId: ticket.id }),
    ]);
    await render(
      res,
      'tickets/show',
      {
        title: `${ticket.ref} ${ticket.subject}`,
        section: 'tickets',
        ticket: {
          ...presentTicketRow(ticket),
          description: ticket.description,
          openedBy: ticket.opened_by ?? 'Staff',
          opened: dateTime(ticket.opened_at),
          category: ticket.category ?? '',
        },
        messages: messages.map((m) => ({
          id: m.id,
          author: m.author_name,
          fromClient: m.author_contact_id !== null,
          internal: m.is_internal,
          body: m.body,
          at: dateTime(m.created_at),
        })),
        history: history.map((h) => ({
          at: dateTime(h.changed_at),
          label: statusLabel(h.to_status),
          status: h.to_status,
          by: h.by_name ?? '',
        })),
        messagePath: `/tickets/${ticket.id}/messages`,
        statusPath: `/tickets/${ticket.id}/status`,
        statusOptions,
        form: formView({ status: '', ...values }, errors),
      },
      status,
    );
  }

  /** The client is told of what the agency wrote or decided: their open pages refresh, and they are notified. */
  const tellClient = (workspaceId: number, ticket: TicketRow) =>
    tellPlugins(plugins, {
      workspaceId,
      clientId: ticket.client_id,
      kind: 'ticket',
      id: ticket.id,
      happened: 'answered',
      title: ticket.subject,
      number: ticket.ref,
    });

  router.get('/tickets', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const rows = await listTickets(db, { workspaceId, limit: 200 });
    await render(res, 'tickets/index', { title: 'Tickets', section: 'tickets', tickets: rows.map(presentTicketRow) });
  });

  router.get('/tickets/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const ticket = found(await findTicket(db, { workspaceId, ticketId: routeId(req.params.id) }));
    await showTicket(res, ticket, {});
  });

  router.post('/tickets/:id/messages', requireStaff, async (req, res) => {
    const staff = staffOf(res);
    const ticket = found(await findTicket(db, { workspaceId: staff.workspaceId, ticketId: routeId(req.params.id) }));
    const parsed = parseForm(messageSchema, req.body);
    if (!parsed.ok) return showTicket(res, ticket, req.body, parsed.errors, 400);
    const { body, internal, status } = parsed.data;
    await inTransaction(db, async (trx) => {
      await insertTicketMessage(trx, {
        workspaceId: staff.workspaceId,
        ticketId: ticket.id,
        author: { staffId: staff.id },
        isInternal: internal,
        body,
      });
      if (status)
        await setTicketStatus(trx, { workspaceId: staff.workspaceId, ticketId: ticket.id, to: status, by: { staffId: staff.id } });
    });
    // A note between staff changes nothing the client sees, unless it came with a new status.
    if (!internal || status) await tellClient(staff.workspaceId, ticket);
    res.redirect(303, `/tickets/${ticket.id}`);
  });

  router.post('/tickets/:id/status', requireStaff, async (req, res) => {
    const staff = staffOf(res);
    const ticket = found(await findTicket(db, { workspaceId: staff.workspaceId, ticketId: routeId(req.params.id) }));
    const parsed = parseForm(statusSchema, req.body);
    if (!parsed.ok) return showTicket(res, ticket, req.body, parsed.errors, 400);
    if (parsed.data.status !== ticket.status) {
      await setTicketStatus(db, { workspaceId: staff.workspaceId, ticketId: ticket.id, to: parsed.data.status, by: { staffId: staff.id } });
      await tellClient(staff.workspaceId, ticket);
    }
    res.redirect(303, `/tickets/${ticket.id}`);
  });

  return router;
}
