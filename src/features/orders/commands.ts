// What the orders routes accept: the list's status, search and cursor, the order id in the path,
// and "order again" (nothing but the CSRF token). Messages are keys of orders.json.
import { z } from 'zod';
import { amountSearchOf, cursorField, type Locale, searchField } from '../../core/index.ts';
import type { OrderListFilter, OrderState } from './port.ts';

/** The list's views: open (confirmed or on its way), delivered, cancelled, or all. */
export const ORDER_STATUS_FILTERS = ['open', 'delivered', 'cancelled'] as const;

const STATES_OF: Record<(typeof ORDER_STATUS_FILTERS)[number], OrderState[]> = {
  open: ['confirmed', 'shipping'],
  delivered: ['delivered'],
  cancelled: ['cancelled'],
};

export const OrderListQuery = z.object({
  status: z.enum(['all', ...ORDER_STATUS_FILTERS], { error: 'orders:errors.status' }).default('all'),
  q: searchField,
  after: cursorField.optional(),
});
export type OrderListInput = z.infer<typeof OrderListQuery>;

/** What the host's list is asked for: the status chosen, and the search as text and as an amount. */
export function orderListFilter({ status, q }: Pick<OrderListInput, 'status' | 'q'>, locale: Locale): OrderListFilter {
  const amount = amountSearchOf(q, locale);
  const search = q ? { search: q, ...(amount ? { amount } : {}) } : {};
  return status === 'all' ? search : { states: STATES_OF[status], ...search };
}

/** "Order again" carries nothing but the CSRF token. */
export const OrderAgainCommand = z.object({});

/** An order's page: `asked` once "order again" was sent (the page says so). */
export const OrderShowQuery = z.object({
  asked: z.enum(['1'], { error: 'orders:errors.page' }).optional(),
});
export type OrderShowInput = z.infer<typeof OrderShowQuery>;
