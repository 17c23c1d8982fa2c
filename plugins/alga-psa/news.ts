// The news port on Alga PSA: invoices finalized, quotes sent and the agency's answers and status
// changes on tickets since the portal's cursor, for clients' notifications when the portal runs
// beside Alga (which cannot call the portal). The cursor is the JSON of queries/news.ts's
// NewsCursor; one this binding did not write starts anew, from the moment the portal began to
// follow the workspace. Each answer and each status change is told once (by its comment_id or
// audit_id), a second answer on a ticket as well as the first; a closing the timeline holds no
// row of (Alga's updateTicket writes none) is read from the ticket itself, by the scan of the
// ticket list's order (queries/ticket-order.ts), once.
// A cursor without the tickets' or the appointments' position (written before they were read)
// keeps its other positions and starts the missing one where Alga is. Appointment decisions
// (approved, moved on the calendar, declined, called off by staff in Alga's schedule) are told once
// each (status and the entry's start).
// Allowances nearly or all used this period (bucket_usage) are read as they stand each pass (Alga
// keeps no moment a period's usage moved: contracts.ts's allowancesNearlyUsed), each line, period
// and threshold told once; a first read tells what stands then, not only what moved since.
//
// The portal reads this port in a background pass every few minutes, one instance at a time per
// workspace, never in a client's request: the one moment the binding scans the tenant's invoices
// and quotes into its listed records (queries/listed.ts) and its tickets into their list's order
// (queries/ticket-order.ts). It scans first, so that a client told of a new invoice finds it in
// the list.
import type { Knex } from 'knex';
import { z } from 'zod';
import type { HostNewsItem, HostNewsPort } from '../../src/index.ts';
import { newsPosition, positionAfter, readNewsCursor } from '../shared/news-cursor.ts';
import { allowancesNearlyUsed } from './contracts.ts';
import { scanListedInvoices } from './queries/invoices.ts';
import {
  appointmentDecisionsSince,
  appointmentNewsStart,
  invoicesIssuedSince,
  newsStartAt,
  quotesSentSince,
  ticketAnswersSince,
  ticketNewsStart,
  type NewsCursor,
  type Part,
} from './queries/news.ts';
import { scanListedQuotes } from './queries/quotes.ts';
import { scanTicketOrder } from './queries/ticket-order.ts';

const cursorSchema = z.object({
  invoices: newsPosition,
  quotes: newsPosition,
  tickets: newsPosition.optional(),
  appointments: newsPosition.optional(),
  start: z.object({
    invoices: newsPosition,
    quotes: newsPosition,
    tickets: newsPosition.optional(),
    appointments: newsPosition.optional(),
  }),
});

/** A ticket's news item, an answer or a closing, told once per occurrence. */
function ticketNews(
  row: { ticket_id: string; client_id: string; ticket_number: string | null; title: string },
  occurrence: string,
): HostNewsItem {
  return {
    kind: 'ticket',
    happened: 'answered',
    id: row.ticket_id,
    clientId: row.client_id,
    number: row.ticket_number?.trim() ?? '',
    title: row.title,
    occurrence,
  };
}

export function algaNews(db: Knex, tenantOf: (workspaceId: string) => string | null): HostNewsPort {
  return {
    async since(workspaceId, cursorText, startedAt) {
      const tenant = tenantOf(workspaceId);
      if (tenant === null) return { items: [], cursor: cursorText ?? '' };
      // On the first read too: that is the first fill, until which the lists read Alga's tables.
      await scanListedInvoices(db, tenant);
      await scanListedQuotes(db, tenant);
      // The ticket list's order (queries/ticket-order.ts): the pass that tells of the agency's
      // answers is the one that moves their tickets up the client's list.
      const { closings } = await scanTicketOrder(db, tenant);
      const scannedAt = new Date().toISOString();
      // The first read starts where the portal began to follow the workspace.
      const cursor = readNewsCursor(cursorSchema, cursorText) ?? (await newsStartAt(db, startedAt));
      // The tickets' position, or where they start now (nothing of theirs told this time).
      const known =
        cursor.tickets !== undefined && cursor.start.tickets !== undefined ? { at: cursor.tickets, start: cursor.start.tickets } : null;
      const fresh = known ? null : await ticketNewsStart(db, tenant);
      const ticketsAt = known?.at ?? fresh ?? '-infinity';
      const ticketsStart = known?.start ?? fresh ?? '-infinity';
      // The appointments' position likewise.
      const knownAppointments =
        cursor.appointments !== undefined && cursor.start.appointments !== undefined
          ? { at: cursor.appointments, start: cursor.start.appointments }
          : null;
      const freshAppointments = knownAppointments ? null : await appointmentNewsStart(db, tenant);
      const appointmentsAt = knownAppointments?.at ?? freshAppointments ?? '-infinity';
      const appointmentsStart = knownAppointments?.start ?? freshAppointments ?? '-infinity';
      const read = (part: Part) =>
        Promise.all([
          invoicesIssuedSince(db, tenant, cursor.invoices, cursor.start.invoices, part),
          quotesSentSince(db, tenant, cursor.quotes, cursor.start.quotes, part),
          known ? ticketAnswersSince(db, tenant, ticketsAt, ticketsStart, part) : Promise.resolve([]),
          knownAppointments ? appointmentDecisionsSince(db, tenant, appointmentsAt, appointmentsStart, part) : Promise.resolve([]),
        ]);
      const [[recentInvoices, recentQuotes, recentAnswers, recentDecisions], [invoices, quotes, answers, decisions], allowances] =
        await Promise.all([read('recent'), read('new'), allowancesNearlyUsed(db, tenant)]);
      const items: HostNewsItem[] = [
        ...[...recentInvoices, ...invoices].map((row) => ({
          kind: 'invoice' as const,
          happened: 'issued' as const,
          id: row.invoice_id,
          clientId: row.client_id,
          number: row.invoice_number,
          title: '',
        })),
        ...[...recentQuotes, ...quotes].map((row) => ({
          kind: 'quotation' as const,
          happened: 'sent' as const,
          id: row.quote_id,
          clientId: row.client_id,
          number: row.quote_number?.trim() || row.title,
          title: row.title,
        })),
        ...[...recentAnswers, ...answers].map((row) => ticketNews(row, row.occurrence)),
        // Closings Alga's activity timeline does not tell of (updateTicket writes no row): the
        // scan saw each ticket open last time and closed now, so each is told once.
        ...closings.map((row) => ticketNews(row, `closed:${row.ticket_id}:${scannedAt}`)),
        ...[...recentDecisions, ...decisions].map((row) => ({
          kind: 'appointment' as const,
          happened: 'answered' as const,
          id: row.appointment_request_id,
          clientId: row.client_id,
          number: '',
          title: row.service_name ?? '',
          ...(row.contact_id ? { contactId: row.contact_id } : {}),
          occurrence: row.occurrence,
        })),
        ...allowances,
      ];
      const next: NewsCursor = {
        invoices: positionAfter(cursor.invoices, invoices),
        quotes: positionAfter(cursor.quotes, quotes),
        tickets: positionAfter(ticketsAt, answers),
        appointments: positionAfter(appointmentsAt, decisions),
        start: { ...cursor.start, tickets: ticketsStart, appointments: appointmentsStart },
      };
      return { items, cursor: JSON.stringify(next) };
    },
  };
}
