// The reference CRM's orders as the portal's OrdersPort sees them: a client's orders past draft,
// each with its lines, deliveries, invoices and the offer it came from (queries/orders.ts). Every
// call is scoped by workspace and client: another company's order, or a draft, is "not found".
// "Order again" writes a draft order with the same lines, naming the order and the contact, which
// the staff's order page shows (web/routes/orders.ts); the CRM makes no PDF of an order, so the
// portal draws its own.
import {
  type AmountRange,
  containsPattern,
  type OrderDetail,
  type OrderState,
  type OrdersPort,
  type OrderSummary,
} from '../../../src/index.ts';
import { parseId, toHostId } from '../ids.ts';
import { inTransaction } from '../queries/db.ts';
import {
  findClientOrder,
  insertReorder,
  listClientOrders,
  type OrderDetailRow,
  type OrderRow,
  type OrderRowStatus,
} from '../queries/orders.ts';
import type { Db } from '../queries/db.ts';
import { clientPageOf, encodeCursor } from './cursor.ts';

const STATE_OF: Record<Exclude<OrderRowStatus, 'draft'>, OrderState> = {
  confirmed: 'confirmed',
  shipping: 'shipping',
  delivered: 'delivered',
  cancelled: 'cancelled',
};

function presentSummary(row: OrderRow): OrderSummary {
  return {
    id: toHostId(row.id),
    number: row.number,
    reference: row.client_reference?.trim() || null,
    state: STATE_OF[row.status as Exclude<OrderRowStatus, 'draft'>],
    currency: row.currency,
    totalCents: Number(row.total_cents),
    orderedOn: row.ordered_on,
    deliveryOn: row.delivery_on,
  };
}

const dayStart = (day: string) => new Date(`${day}T00:00:00Z`);

function presentDetail(row: OrderDetailRow): OrderDetail {
  const lines = row.lines.map((line) => {
    const quantity = Number(line.quantity);
    const net = Math.round(quantity * Number(line.unit_price_cents));
    const rate = line.tax_rate_percent === null ? null : Number(line.tax_rate_percent);
    return {
      description: line.description,
      quantity,
      unitPriceCents: Number(line.unit_price_cents),
      totalCents: net,
      taxRatePercent: rate,
      taxCents: rate === null ? null : Math.round((net * rate) / 100),
    };
  });
  const subtotalCents = lines.reduce((sum, line) => sum + line.totalCents, 0);
  const taxCents = lines.reduce((sum, line) => sum + (line.taxCents ?? 0), 0);
  const firstSent = row.shipments.map((s) => s.sent_on).find((day): day is string => day !== null);
  const history: OrderDetail['history'] = [
    ...(row.confirmed_at ? [{ state: 'confirmed' as const, at: new Date(row.confirmed_at) }] : []),
    ...(firstSent ? [{ state: 'shipping' as const, at: dayStart(firstSent) }] : []),
    ...(row.delivered_at ? [{ state: 'delivered' as const, at: new Date(row.delivered_at) }] : []),
    ...(row.cancelled_at ? [{ state: 'cancelled' as const, at: new Date(row.cancelled_at) }] : []),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  const offer: OrderDetail['offer'] =
    row.proposal_id !== null && row.proposal_number
      ? { kind: 'proposal', id: toHostId(row.proposal_id), number: row.proposal_number }
      : row.quotation_id !== null && row.quotation_number
        ? { kind: 'quotation', id: toHostId(row.quotation_id), number: row.quotation_number }
        : null;
  return {
    ...presentSummary(row),
    lines,
    subtotalCents,
    taxCents,
    notes: row.notes.trim() || null,
    history,
    offer,
    invoices: row.invoices.map((invoice) => ({ id: toHostId(invoice.id), number: invoice.number })),
    shipments: row.shipments.map((s) => ({
      id: toHostId(s.id),
      number: s.number,
      state: s.status === 'delivered' ? 'delivered' : 'sent',
      sentOn: s.sent_on,
      deliveredOn: s.delivered_on,
      carrier: s.carrier?.trim() || null,
      trackingNumber: s.tracking_number?.trim() || null,
      trackingUrl: s.tracking_url?.trim() || null,
      lines: s.lines.map((line) => ({ description: line.description, quantity: Number(line.quantity) })),
    })),
    reorders: row.reorders.map((draft) => ({
      number: draft.number,
      at: new Date(draft.requested_at),
      // Confirmed by the agency: an order of the client's now, with a page of its own.
      ...(draft.status !== 'draft' ? { order: { id: toHostId(draft.id), state: STATE_OF[draft.status] } } : {}),
    })),
  };
}

/** The CRM's statuses of the portal's states: the same words, draft never among them. */
const STATUSES_OF = (states: readonly OrderState[] | undefined): OrderRowStatus[] => [...(states ?? Object.values(STATE_OF))];

export function referenceOrders(db: Db): OrdersPort {
  return {
    // The CRM's own page of it, on the origin that serves the portal's staff pages too.
    staffPageOf(id) {
      const rowid = parseId(id);
      return rowid === null ? null : `/orders/${rowid}`;
    },

    async list(workspaceId, clientId, filter, page) {
      const asked = clientPageOf(workspaceId, clientId, page);
      if (!asked) return { items: [], next: null };
      const { limit, after } = asked;
      const amount: AmountRange | undefined = filter.search ? filter.amount : undefined;
      const rows = await listClientOrders(db, {
        workspaceId: asked.ws,
        clientId: asked.client,
        statuses: STATUSES_OF(filter.states),
        ...(filter.search ? { matching: containsPattern(filter.search) } : {}),
        ...(amount ? { amount } : {}),
        ...(after ? { after: { dateKey: after.date, id: after.id } } : {}),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return {
        items: items.map(presentSummary),
        next: rows.length > limit && last ? encodeCursor([last.date_key, last.id]) : null,
      };
    },

    async find(workspaceId, clientId, id) {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const order = parseId(id);
      if (ws === null || client === null || order === null) return null;
      const row = await findClientOrder(db, { workspaceId: ws, clientId: client, orderId: order });
      return row ? presentDetail(row) : null;
    },

    async orderAgain(workspaceId, clientId, contactId, id, write) {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const contact = parseId(contactId);
      const order = parseId(id);
      if (ws === null || client === null || contact === null || order === null) return null;
      const work = (trx: Parameters<Parameters<typeof inTransaction>[1]>[0]) =>
        insertReorder(trx, { workspaceId: ws, clientId: client, contactId: contact, orderId: order, at: new Date() });
      const draft = write?.trx ? await work(write.trx) : await inTransaction(db, work);
      return draft ? { id: toHostId(draft.id), number: draft.number } : null;
    },
  };
}
