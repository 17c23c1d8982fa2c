// The invoices page's query string: a status filter, a search and the cursor of the page to show.
import { z } from 'zod';
import { amountSearchOf, cursorField, type Locale, searchField } from '../../core/index.ts';
import type { InvoiceListFilter } from './port.ts';

/** "Overdue" is the open invoices past their due date: the dashboard's overdue count links here. */
export const INVOICE_STATUS_FILTERS = ['open', 'overdue', 'paid', 'void'] as const;

/** What the host's list is asked for, by the filter chosen. */
export function invoiceListFilter({ status, q }: Pick<InvoiceListInput, 'status' | 'q'>, locale: Locale): InvoiceListFilter {
  // The search may be an amount too, written as the reader writes numbers.
  const amount = amountSearchOf(q, locale);
  const search = q ? { search: q, ...(amount ? { amount } : {}) } : {};
  if (status === 'all') return search;
  if (status === 'overdue') return { overdue: true, ...search };
  return { status: [status], ...search };
}

export const InvoiceListQuery = z.object({
  status: z.enum(['all', ...INVOICE_STATUS_FILTERS], { error: 'Choose a status from the list.' }).default('all'),
  q: searchField,
  after: cursorField.optional(),
});

export type InvoiceListInput = z.infer<typeof InvoiceListQuery>;
