// The news port on Dolibarr: invoices and proposals validated, tasks assigned to a client's
// contact, shipments of a client's order validated (sent), contract lines whose hours reached 80 %
// or all of their allowance with an intervention validated since (../shared/allowance-news.ts,
// through the contracts port, so the figures are the contracts page's), and (with the tickets option) the agency's answers on tickets and every status change
// of a ticket (queries/news.ts and queries/ticket-statuses.ts say which), since the portal's
// cursor, for clients' notifications when the portal runs beside Dolibarr (which cannot call the
// portal). The cursor is the JSON of queries/news.ts's NewsCursor; one this binding did not write
// starts anew, from the moment the portal began to follow the workspace. A cursor without the
// tickets' positions (written before the tickets option was on, or before statuses were read)
// keeps its other positions and starts the tickets' where Dolibarr is.
//
// The portal reads this port in a background pass every few minutes, one instance at a time per
// workspace, never in a client's request: the one moment the binding has to scan llx_propal for its
// pending proposals (queries/proposals.ts) and llx_ticket for its statuses and its list's order
// (queries/ticket-statuses.ts, queries/ticket-order.ts). It scans first, so that a client told of
// a new proposal finds it counted on the dashboard.
import type { Knex } from 'knex';
import { z } from 'zod';
import type { HostNewsItem, HostNewsPort } from '../../src/index.ts';
import { allowancesReached } from '../shared/allowance-news.ts';
import { newsPosition, positionAfter, readNewsCursor } from '../shared/news-cursor.ts';
import { dolibarrContracts } from './contracts.ts';
import { toHostId } from './ids.ts';
import { scanPendingProposals } from './queries/proposals.ts';
import { scanUnpaidInvoices } from './queries/unpaid-invoices.ts';
import {
  INVOICES_BEFORE_LIMIT,
  invoicesValidatedBefore,
  invoicesValidatedSince,
  interventionsValidatedSince,
  newsPositionNow,
  newsStartAt,
  proposalsValidatedSince,
  readsTheDayOf,
  shipmentsValidatedSince,
  tasksAssignedSince,
  ticketAnswersSince,
  ticketNewsStart,
  ticketNewsStartAt,
  type NewsCursor,
  type Part,
} from './queries/news.ts';
import { scanTicketOrder } from './queries/ticket-order.ts';
import { scanTicketStatuses, ticketStatusChangesSince, ticketStatusStart } from './queries/ticket-statuses.ts';
import { bookingChanges } from './appointments.ts';

const cursorSchema = z.object({
  invoices: newsPosition,
  invoicesBefore: z.array(z.number().int()).max(INVOICES_BEFORE_LIMIT).optional(),
  proposals: newsPosition,
  tasks: newsPosition,
  tickets: newsPosition.optional(),
  statuses: newsPosition.optional(),
  shipments: newsPosition.optional(),
  interventions: newsPosition.optional(),
  start: z.object({
    invoices: newsPosition,
    proposals: newsPosition,
    tasks: newsPosition,
    tickets: newsPosition.optional(),
    shipments: newsPosition.optional(),
    interventions: newsPosition.optional(),
  }),
});

export function dolibarrNews(
  db: Knex,
  entityOf: (workspaceId: string) => number | null,
  options: {
    tickets?: boolean;
    /** With the appointments port: what the agency did to the clients' bookings on the event card. */
    appointments?: boolean;
  } = {},
): HostNewsPort {
  const contracts = dolibarrContracts(db, entityOf);
  return {
    async since(workspaceId, cursorText, startedAt) {
      const entity = entityOf(workspaceId);
      if (entity === null) return { items: [], cursor: cursorText ?? '' };
      // On the first read too: that is the first fill, until which the dashboard counts in llx_propal
      // and llx_facture.
      await scanPendingProposals(db, entity);
      await scanUnpaidInvoices(db, entity);
      // Before the positions are taken: a first read notes the statuses as they are (a ticket's
      // status before the portal saw it is no change), a later one numbers what changed since.
      if (options.tickets) {
        await scanTicketStatuses(db, entity);
        // The ticket list's order, out of any client's request (queries/ticket-order.ts).
        await scanTicketOrder(db, entity);
      }
      const saved = readNewsCursor(cursorSchema, cursorText);
      // The first read starts where the portal began to follow the workspace, and notes the invoices
      // already validated that day: touched again later that day, they are not new.
      const cursor = saved ?? (await newsStartAt(db, startedAt));
      const invoicesBefore = saved ? (saved.invoicesBefore ?? []) : await invoicesValidatedBefore(db, entity, cursor.start.invoices);
      let { tickets: ticketsAt, statuses: statusesAt } = cursor;
      let ticketsStart = cursor.start.tickets;
      // A position this cursor lacks (written before the tickets option was on, or before statuses
      // were read) starts where Dolibarr is now, and has nothing of its own to tell this time.
      let quiet = false;
      if (options.tickets && (ticketsAt === undefined || ticketsStart === undefined)) {
        ticketsAt = ticketsStart = saved ? await ticketNewsStart(db, entity) : await ticketNewsStartAt(db, entity, startedAt);
        quiet = saved !== null;
      }
      if (options.tickets && statusesAt === undefined) statusesAt = await ticketStatusStart(db, entity);
      // A cursor written before shipments were read starts them where Dolibarr is now.
      let shipmentsAt = cursor.shipments;
      let shipmentsStart = cursor.start.shipments;
      if (shipmentsAt === undefined || shipmentsStart === undefined) shipmentsAt = shipmentsStart = await newsPositionNow(db);
      const shipmentsFrom = { at: shipmentsAt, start: shipmentsStart };
      // Interventions likewise.
      let interventionsAt = cursor.interventions;
      let interventionsStart = cursor.start.interventions;
      if (interventionsAt === undefined || interventionsStart === undefined)
        interventionsAt = interventionsStart = await newsPositionNow(db);
      const interventionsFrom = { at: interventionsAt, start: interventionsStart };
      const readTickets = (part: Part) =>
        options.tickets && !quiet && ticketsAt !== undefined && ticketsStart !== undefined
          ? ticketAnswersSince(db, entity, ticketsAt, ticketsStart, part)
          : Promise.resolve([]);
      const read = (part: Part) =>
        Promise.all([
          invoicesValidatedSince(db, entity, cursor.invoices, cursor.start.invoices, part, invoicesBefore),
          proposalsValidatedSince(db, entity, cursor.proposals, cursor.start.proposals, part),
          tasksAssignedSince(db, entity, cursor.tasks, cursor.start.tasks, part),
          readTickets(part),
          shipmentsValidatedSince(db, entity, shipmentsFrom.at, shipmentsFrom.start, part),
          interventionsValidatedSince(db, entity, interventionsFrom.at, interventionsFrom.start, part),
        ]);
      const [
        [recentInvoices, recentProposals, recentTasks, recentTickets, recentShipments, recentInterventions],
        [invoices, proposals, tasks, tickets, shipments, interventions],
        statuses,
      ] = await Promise.all([
        read('recent'),
        read('new'),
        // Numbered by the scan above, one instance at a time: nothing commits late, no look back.
        options.tickets && statusesAt !== undefined ? ticketStatusChangesSince(db, entity, statusesAt) : Promise.resolve([]),
      ]);
      const ticketItem = (row: { rowid: number; fk_soc: number; ref: string; subject: string | null }, occurrence: string) => ({
        kind: 'ticket' as const,
        happened: 'answered' as const,
        id: toHostId(row.rowid),
        clientId: toHostId(row.fk_soc),
        number: row.ref,
        title: row.subject?.trim() ?? '',
        occurrence,
      });
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
        // Each answer and each status change is told once: by its event's id, or its change's number.
        ...[...recentTickets, ...tickets].map((row) => ticketItem(row, `event:${row.at}`)),
        ...statuses.map((row) => ticketItem(row, `status:${row.at}`)),
        // Each shipment once: told of the order it carries, by the shipment's id.
        ...[...recentShipments, ...shipments].map((row) => ({
          kind: 'order' as const,
          happened: 'shipped' as const,
          id: toHostId(row.order_id),
          clientId: toHostId(row.fk_soc),
          number: row.order_ref,
          title: row.ref_client?.trim() ?? '',
          occurrence: `shipment:${row.rowid}`,
        })),
        // Each booking's change once: by its status and revision (noted as told by bookingChanges).
        ...(options.appointments ? await bookingChanges(db, entity) : []),
        // The contracts whose hours moved: each line's threshold once (by line, term and threshold).
        ...(await allowancesReached(
          contracts,
          workspaceId,
          [...recentInterventions, ...interventions].map((row) => ({
            clientId: toHostId(row.fk_soc),
            contractId: toHostId(row.fk_contrat),
          })),
          new Date().toISOString().slice(0, 10),
        )),
      ];
      const invoicesAt = positionAfter(cursor.invoices, invoices);
      const next: NewsCursor = {
        invoices: invoicesAt,
        ...(invoicesBefore.length > 0 && readsTheDayOf(invoicesAt, cursor.start.invoices) ? { invoicesBefore } : {}),
        proposals: positionAfter(cursor.proposals, proposals),
        tasks: positionAfter(cursor.tasks, tasks),
        ...(ticketsAt !== undefined ? { tickets: positionAfter(ticketsAt, tickets) } : {}),
        ...(statusesAt !== undefined ? { statuses: positionAfter(statusesAt, statuses) } : {}),
        shipments: positionAfter(shipmentsFrom.at, shipments),
        interventions: positionAfter(interventionsFrom.at, interventions),
        start: {
          ...cursor.start,
          ...(ticketsStart !== undefined ? { tickets: ticketsStart } : {}),
          shipments: shipmentsFrom.start,
          interventions: interventionsFrom.start,
        },
      };
      return { items, cursor: JSON.stringify(next) };
    },
  };
}
