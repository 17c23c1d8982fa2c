// Orders, the agency's side: the workspace's orders newest first, and one order with its lines and
// shipments. A draft a client asked for with "order again" in the portal says so on its page:
// which order it copies, who asked and when, so staff check it and confirm it (post/redirect/get;
// a draft only, 409 otherwise, and of two confirmations at once one goes through), which tells the
// plugins once written (the client portal tells the client's people it is confirmed). Staff send what is left of a confirmed order as a shipment (post/redirect/get), which
// tells the plugins once written (the client portal tells the client's people it is on its way).
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { CrmPlugin } from '../../crm-plugin.ts';
import { inTransaction } from '../../queries/db.ts';
import {
  confirmDraftOrder,
  insertShipmentOfRest,
  staffOrderLines,
  staffOrderShipments,
  staffOrders,
  type StaffOrderRow,
} from '../../queries/orders.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { type FieldError, optionalText, parseForm, websiteField } from '../forms.ts';
import { formatMoney, statusLabel } from '../presenters.ts';
import { tellPlugins } from '../record-changes.ts';
import { formView, render } from '../render.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';

const shipmentSchema = z.object({
  carrier: optionalText('Carrier', 100),
  trackingNumber: optionalText('Tracking number', 100),
  trackingUrl: websiteField('Tracking address'),
});

/** The order's states from which staff may send it. */
const SENDABLE = new Set(['confirmed', 'shipping']);

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

export function orderRoutes({ db, plugins }: RouteDeps & { plugins?: readonly CrmPlugin[] }): Router {
  const router = Router();

  async function showOrder(res: Response, orderId: number, values: unknown, errors: FieldError[], status = 200) {
    const { workspaceId } = staffOf(res);
    const [row] = await staffOrders(db, { workspaceId, orderId, limit: 1 });
    const order = found(row ?? null);
    const [lines, shipments] = await Promise.all([
      staffOrderLines(db, { workspaceId, orderId }),
      staffOrderShipments(db, { workspaceId, orderId }),
    ]);
    await render(
      res,
      'orders/show',
      {
        title: `Order ${order.number}`,
        section: 'orders',
        order: presentRow(order),
        lines: lines.map((line) => ({
          description: line.description,
          quantity: String(Number(line.quantity)),
          unitPrice: formatMoney(Number(line.unit_price_cents), order.currency),
          tax: line.tax_rate_percent === null ? '—' : `${Number(line.tax_rate_percent)} %`,
        })),
        shipments: shipments.map((shipment) => ({
          number: shipment.number,
          status: shipment.status === 'delivered' ? 'accepted' : 'sent',
          statusLabel: statusLabel(shipment.status),
          carrier: shipment.carrier ?? '—',
          trackingNumber: shipment.tracking_number ?? '—',
          // Only an http(s) address is a link (the form and the seed keep no other).
          trackingHref: shipment.tracking_url && /^https?:\/\//i.test(shipment.tracking_url) ? shipment.tracking_url : null,
          sent: shipment.sent_on ?? '—',
        })),
        canSend: SENDABLE.has(order.status),
        canConfirm: order.status === 'draft',
        confirmPath: `/orders/${order.id}/confirm`,
        form: formView(values, errors),
        shipmentPath: `/orders/${order.id}/shipments`,
      },
      status,
    );
  }

  router.get('/orders', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const rows = await staffOrders(db, { workspaceId, limit: 200 });
    await render(res, 'orders/index', { title: 'Orders', section: 'orders', orders: rows.map(presentRow) });
  });

  router.get('/orders/:id', requireStaff, async (req, res) => showOrder(res, routeId(req.params.id), {}, []));

  router.post('/orders/:id/confirm', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const orderId = routeId(req.params.id);
    found((await staffOrders(db, { workspaceId, orderId, limit: 1 }))[0] ?? null);
    const now = new Date();
    const confirmed = await inTransaction(db, (trx) =>
      confirmDraftOrder(trx, { workspaceId, orderId, today: now.toISOString().slice(0, 10), at: now }),
    );
    if (!confirmed)
      return showOrder(res, orderId, {}, [{ field: '', message: 'Only a draft can be confirmed, and this order is no draft.' }], 409);
    await tellPlugins(plugins, {
      workspaceId,
      clientId: confirmed.client_id,
      kind: 'order',
      id: confirmed.id,
      happened: 'confirmed',
      number: confirmed.number,
      ...(confirmed.client_reference ? { title: confirmed.client_reference } : {}),
      occurrence: 'confirmed',
    });
    res.redirect(303, `/orders/${orderId}`);
  });

  router.post('/orders/:id/shipments', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const orderId = routeId(req.params.id);
    const [row] = await staffOrders(db, { workspaceId, orderId, limit: 1 });
    const order = found(row ?? null);
    const parsed = parseForm(shipmentSchema, req.body);
    if (!parsed.ok) return showOrder(res, orderId, req.body, parsed.errors, 400);
    const sent = await inTransaction(db, (trx) =>
      insertShipmentOfRest(trx, {
        workspaceId,
        orderId,
        carrier: parsed.data.carrier,
        trackingNumber: parsed.data.trackingNumber,
        trackingUrl: parsed.data.trackingUrl,
        sentOn: new Date().toISOString().slice(0, 10),
      }),
    );
    if (sent === null)
      return showOrder(res, orderId, req.body, [{ field: '', message: 'Only a confirmed order, or one on its way, can be sent.' }], 409);
    if (sent === 'nothing-left')
      return showOrder(res, orderId, req.body, [{ field: '', message: 'Every line of this order has been sent already.' }], 409);
    await tellPlugins(plugins, {
      workspaceId,
      clientId: order.client_id,
      kind: 'order',
      id: order.id,
      happened: 'shipped',
      number: order.number,
      ...(order.client_reference ? { title: order.client_reference } : {}),
      occurrence: `shipment:${sent.id}`,
    });
    res.redirect(303, `/orders/${orderId}`);
  });

  return router;
}
