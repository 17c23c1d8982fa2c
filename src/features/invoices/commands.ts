// The invoices page's query string: a status filter, a search and the cursor of the page to show.
import { z } from 'zod';
import { flagField, ReportTransferCommand, ReturnFromCheckoutQuery } from './payments/commands.ts';
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
  // Back from a provider's checkout of invoices chosen on this list.
  ...ReturnFromCheckoutQuery,
});

export type InvoiceListInput = z.infer<typeof InvoiceListQuery>;

/** The most invoices one payment takes: more than a page of the list, few enough to read each one at once. */
const MAX_INVOICES_TOGETHER = 25;

/** The invoices chosen on the list to pay at once: one id or several (a checkbox each), none twice. */
export const ChosenInvoices = z
  .union([z.string(), z.array(z.string())], { error: 'payments:several.errors.noneChosen' })
  .transform((value) => [...new Set(Array.isArray(value) ? value : [value])])
  .pipe(
    z
      .array(z.string().min(1).max(64, 'payments:several.errors.notFound'))
      .min(1, 'payments:several.errors.noneChosen')
      .max(MAX_INVOICES_TOGETHER, 'payments:several.errors.tooMany'),
  );

export const PaySeveralCommand = z.object({ invoice: ChosenInvoices });
export type PaySeveralInput = z.infer<typeof PaySeveralCommand>;

/** The page that pays the chosen invoices by one bank transfer: which ones, and a report just made. */
export const SeveralTransferQuery = z.object({ invoice: ChosenInvoices, reported: flagField });
export type SeveralTransferInput = z.infer<typeof SeveralTransferQuery>;

/** "I have paid" for the invoices one transfer paid, with the payer's own reference if they give one. */
export const ReportSeveralTransferCommand = z.object({ invoice: ChosenInvoices, ...ReportTransferCommand.shape });
export type ReportSeveralTransferInput = z.infer<typeof ReportSeveralTransferCommand>;
