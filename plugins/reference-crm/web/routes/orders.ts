// Orders, the agency's side: the workspace's orders newest first, and one order with its lines.
// A draft a client asked for with "order again" in the portal says so on its page: which order it
// copies, who asked and when, so staff check it and confirm it as they would any draft.
import { Router } from 'express';
import { staffOrderLines, staffOrders, type StaffOrderRow } from '../../queries/orders.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { formatMoney, statusLabel } from '../presenters.ts';
import { render } from '../render.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';

const dateTime = (value: Date) => value.toISOString().slice(0, 16).replace('T', ' ');

function presentRow(row: StaffOrderRow) {
  return {
    href: `/orders/${row.id}`,
    number: row.number,
    clientName: row.client_name,
    clientHref: `/clients/${row.client_id}`,
    status: row.status,
    statusLabel: statusLabel(row.status),
    ordered: row.ordered_on ?? '—',
    total: formatMoney(Number(row.total_cents), row.currency),
    // Where a draft came from: the order a client asked for again, who asked, when.
    reorder:
      row.reorder_of_id !== null
        ? {
            fromHref: `/orders/${row.reorder_of_id}`,
            fromNumber: row.reorder_of_number ?? '',
            by: row.requested_by ?? 'A client',
            at: row.requested_at ? dateTime(row.requested_at) : '',
          }
        : null,
  };
}

export function orderRoutes({ db }: RouteDeps): Router {
  const router = Router();

  router.get('/orders', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const rows = await staffOrders(db, { workspaceId, limit: 200 });
    await render(res, 'orders/index', { title: 'Orders', section: 'orders', orders: rows.map(presentRow) });
  });

  router.get('/orders/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const orderId = routeId(req.params.id);
    const [row] = await staffOrders(db, { workspaceId, orderId, limit: 1 });
    const order = found(row ?? null);
    const lines = await staffOrderLines(db, { workspaceId, orderId });
    await render(res, 'orders/show', {
      title: `Order ${order.number}`,
      section: 'orders',
      order: presentRow(order),
      lines: lines.map((line) => ({
        description: line.description,
        quantity: String(Number(line.quantity)),
        unitPrice: formatMoney(Number(line.unit_price_cents), order.currency),
        tax: line.tax_rate_percent === null ? '—' : `${Number(line.tax_rate_percent)} %`,
      })),
    });
  });

  return router;
}
