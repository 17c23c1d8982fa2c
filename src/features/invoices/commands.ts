// The invoices page's query string: a status filter and the cursor of the page to show.
import { z } from 'zod';
import { cursorField } from '../../core/commercial/commands.ts';

export const INVOICE_STATUS_FILTERS = ['open', 'paid', 'void'] as const;

export const InvoiceListQuery = z.object({
  status: z.enum(['all', ...INVOICE_STATUS_FILTERS], { error: 'Choose a status from the list.' }).default('all'),
  after: cursorField.optional(),
});

export type InvoiceListInput = z.infer<typeof InvoiceListQuery>;
