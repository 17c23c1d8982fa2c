// What the offers and invoices ports of the bindings share: how a list's filter becomes what the
// host's list query is given (the statuses asked for, the search as a LIKE pattern and the amount
// it may be read as, the overdue day), the days an expiring window names, a payment's amount and
// an invoice's balance. Each host's codes, columns and cursors stay with its binding.
import type { InvoiceListFilter, InvoiceStatus, OfferListFilter, OfferStatus } from '../../src/index.ts';
import { containsPattern, overdueFrom } from '../../src/index.ts';

/** A day as the expiring window names it ('YYYY-MM-DD'), and one the calendar has. */
export const isDay = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));

/**
 * The host's codes of the statuses a list of offers asks for, each once: undefined where it asks
 * for none (every status is listed), empty where the host has no code for any (nothing is).
 */
export function offerCodesOf<Code>(statuses: OfferListFilter['status'], codes: Record<OfferStatus, readonly Code[]>): Code[] | undefined {
  return statuses?.length ? [...new Set(statuses.flatMap((status) => codes[status] ?? []))] : undefined;
}

/**
 * The invoice statuses a list asks for, each once, as offerCodesOf answers: undefined for every
 * status, empty where none asked for is one the portal knows.
 */
export function invoiceStatesOf(statuses: InvoiceListFilter['status']): InvoiceStatus[] | undefined {
  return statuses?.length
    ? [...new Set(statuses.filter((status): status is InvoiceStatus => status === 'open' || status === 'paid' || status === 'void'))]
    : undefined;
}

/**
 * What a list's filter adds to the host's list query, beside the statuses: the day an open invoice
 * due before it is overdue (overdueFrom, as the dashboard counts them), the search as a pattern the
 * rows' text contains, and the amount the search may also be read as (never without its search).
 */
export function listFilterArgs(filter: Pick<InvoiceListFilter & OfferListFilter, 'overdue' | 'search' | 'amount'>) {
  return {
    ...(filter.overdue ? { overdueOn: overdueFrom() } : {}),
    ...(filter.search ? { matching: containsPattern(filter.search) } : {}),
    ...(filter.search && filter.amount ? { amount: filter.amount } : {}),
  };
}

/** A payment the host may record: a whole, positive number of cents. */
export const isPaymentAmount = (amountCents: number): boolean => Number.isSafeInteger(amountCents) && amountCents > 0;

/** What is left to pay: nothing on a paid or void invoice, and never less than nothing on an open one. */
export const balanceCentsOf = (status: InvoiceStatus, totalCents: number, paidCents: number): number =>
  status === 'open' ? Math.max(0, totalCents - paidCents) : 0;
