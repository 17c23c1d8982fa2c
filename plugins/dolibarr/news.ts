// The news port on Dolibarr: invoices and proposals validated, tasks assigned to a client's
// contact, and (with the tickets option) the agency's answers and status changes on tickets
// (queries/news.ts says which), since the portal's cursor, for clients' notifications when the
// portal runs beside Dolibarr (which cannot call the portal). The cursor is the JSON of queries/news.ts's NewsCursor;
// one this binding did not write starts anew. A cursor without the tickets' position (written
// before the tickets option was on) keeps its other positions and starts the tickets' there.
//
// The portal reads this port in a background pass every few minutes, one instance at a time per
// workspace, never in a client's request: the one moment the binding has to scan llx_propal for its
// pending proposals (queries/proposals.ts). It scans first, so that a client told of a new
// proposal finds it counted on the dashboard.
import type { Knex } from 'knex';
import { z } from 'zod';
import type { HostNewsItem, HostNewsPort } from '../../src/index.ts';
import { positionAfter, readNewsCursor } from '../shared/news-cursor.ts';
import { toHostId } from './ids.ts';
import { scanPendingProposals } from './queries/proposals.ts';
import {
  invoicesValidatedSince,
  newsStart,
  proposalsValidatedSince,
  tasksAssignedSince,
  ticketAnswersSince,
  ticketNewsStart,
  type NewsCursor,
  type Part,
} from './queries/news.ts';

const position = z.string().max(40);
const cursorSchema = z.object({
  invoices: position,
  proposals: position,
  tasks: position,
  tickets: position.optional(),
  start: z.object({ invoices: position, proposals: position, tasks: position, tickets: position.optional() }),
});

export function dolibarrNews(
  db: Knex,
  entityOf: (workspaceId: string) => number | null,
  options: {
    tickets?: boolean;
    /** The llx_user the portal writes the client's acts as (DolibarrTicketsOptions.userId): its close events are no news. */
    portalUserId?: number | null;
  } = {},
): HostNewsPort {
  return {
    async since(workspaceId, cursorText) {
      const entity = entityOf(workspaceId);
      if (entity === null) return { items: [], cursor: cursorText ?? '' };
      // On the first read too: that is the first fill, until which the dashboard counts in llx_propal.
      await scanPendingProposals(db, entity);
      const cursor = readNewsCursor(cursorSchema, cursorText);
      // The first read tells of nothing past: it only notes where Dolibarr is.
      if (!cursor) {
        const start = await newsStart(db, entity);
        if (options.tickets) {
          const tickets = await ticketNewsStart(db, entity);
          return { items: [], cursor: JSON.stringify({ ...start, tickets, start: { ...start.start, tickets } }) };
        }
        return { items: [], cursor: JSON.stringify(start) };
      }
      // The tickets' position, or where they start now (nothing of theirs told this time).
      const ticketsFrom =
        options.tickets && (cursor.tickets === undefined || cursor.start.tickets === undefined) ? await ticketNewsStart(db, entity) : null;
      const ticketsAt = ticketsFrom ?? cursor.tickets;
      const ticketsStart = ticketsFrom ?? cursor.start.tickets;
      const readTickets = (part: Part) =>
        options.tickets && ticketsFrom === null && ticketsAt !== undefined && ticketsStart !== undefined
          ? ticketAnswersSince(db, entity, ticketsAt, ticketsStart, part, options.portalUserId ?? null)
          : Promise.resolve([]);
      const read = (part: Part) =>
        Promise.all([
          invoicesValidatedSince(db, entity, cursor.invoices, cursor.start.invoices, part),
          proposalsValidatedSince(db, entity, cursor.proposals, cursor.start.proposals, part),
          tasksAssignedSince(db, entity, cursor.tasks, cursor.start.tasks, part),
          readTickets(part),
        ]);
      const [[recentInvoices, recentProposals, recentTasks, recentTickets], [invoices, proposals, tasks, tickets]] = await Promise.all([
        read('recent'),
        read('new'),
      ]);
      const items: HostNewsItem[] = [
        ...[...recentInvoices, ...invoices].map((row) => ({
          kind: 'invoice' as const,
          happened: 'issued' as const,
          id: toHostId(row.rowid),
          clientId: toHostId(row.fk_soc),
          number: row.ref,
          title: row.ref_client?.trim() ?? '',
        })),
        ...[...recentProposals, ...proposals].map((row) => ({
          kind: 'proposal' as const,
          happened: 'sent' as const,
          id: toHostId(row.rowid),
          clientId: toHostId(row.fk_soc),
          number: row.ref,
          title: row.ref_client?.trim() || row.ref,
        })),
        ...[...recentTasks, ...tasks].map((row) => ({
          kind: 'task' as const,
          happened: 'assigned' as const,
          id: toHostId(row.rowid),
          clientId: toHostId(row.fk_soc),
          number: row.ref ?? '',
          title: row.label,
          contactId: toHostId(row.fk_socpeople),
        })),
        ...[...recentTickets, ...tickets].map((row) => ({
          kind: 'ticket' as const,
          happened: 'answered' as const,
          id: toHostId(row.rowid),
          clientId: toHostId(row.fk_soc),
          number: row.ref,
          title: row.subject?.trim() ?? '',
        })),
      ];
      const next: NewsCursor = {
        invoices: positionAfter(cursor.invoices, invoices),
        proposals: positionAfter(cursor.proposals, proposals),
        tasks: positionAfter(cursor.tasks, tasks),
        ...(ticketsAt !== undefined ? { tickets: positionAfter(ticketsAt, tickets) } : {}),
        start: { ...cursor.start, ...(ticketsStart !== undefined ? { tickets: ticketsStart } : {}) },
      };
      return { items, cursor: JSON.stringify(next) };
    },
  };
}
