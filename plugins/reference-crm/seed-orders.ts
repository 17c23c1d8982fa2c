// The demo's orders: Northwind's brochures, delivered by UPS with a tracking number and billed by
// its paid invoice; Northwind's stationery, on its way (the business cards sent by DHL, the rest
// still to come); and Bluebell's menu cards, confirmed, so each company sees only its own. Dates
// are days from the seed's reference date; a second run adds nothing.
import type { Db } from './queries/db.ts';

interface SeedShipment {
  number: string;
  status: 'sent' | 'delivered';
  carrier: string;
  trackingNumber: string;
  trackingUrl: string;
  sent: number;
  delivered?: number;
  /** [the order line's position, quantity] */
  lines: ReadonlyArray<readonly [number, number]>;
}

interface SeedOrder {
  client: string;
  number: string;
  reference?: string;
  status: 'confirmed' | 'shipping' | 'delivered';
  ordered: number;
  deliveryIn?: number;
  delivered?: number;
  notes?: string;
  /** Link the client's first quotation past draft, and its first paid invoice. */
  linkOffer?: boolean;
  linkPaidInvoice?: boolean;
  /** [description, quantity, unit price in cents, tax rate percent or null] */
  lines: ReadonlyArray<readonly [string, number, number, number | null]>;
  shipments: readonly SeedShipment[];
}

export const SEED_ORDERS: readonly SeedOrder[] = [
  {
    client: 'Northwind Traders',
    number: 'SO-2026-001',
    status: 'delivered',
    ordered: -40,
    delivered: -31,
    notes: 'Printed on recycled paper, as agreed.',
    linkOffer: true,
    linkPaidInvoice: true,
    lines: [
      ['Printed brochures, A5, 16 pages', 500, 180, 0],
      ['Roll-up banner, 85 × 200 cm', 2, 14900, 0],
    ],
    shipments: [
      {
        number: 'SH-2026-001',
        status: 'delivered',
        carrier: 'UPS',
        trackingNumber: '1Z999AA10123456784',
        trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
        sent: -33,
        delivered: -31,
        lines: [
          [1, 500],
          [2, 2],
        ],
      },
    ],
  },
  {
    client: 'Northwind Traders',
    number: 'SO-2026-002',
    reference: 'PO-7781',
    status: 'shipping',
    ordered: -6,
    deliveryIn: 10,
    lines: [
      ['Business cards, 400 g, matt', 1000, 9, 0],
      ['Letterheads, 120 g', 2000, 12, 0],
      ['Presentation folders', 250, 95, 0],
    ],
    shipments: [
      {
        number: 'SH-2026-002',
        status: 'sent',
        carrier: 'DHL Express',
        trackingNumber: '00340434161094042557',
        trackingUrl: 'https://www.dhl.com/en/express/tracking.html?AWB=00340434161094042557',
        sent: -2,
        lines: [[1, 1000]],
      },
    ],
  },
  {
    client: 'Bluebell Bakery',
    number: 'SO-2026-003',
    status: 'confirmed',
    ordered: -3,
    deliveryIn: 7,
    lines: [['Menu cards, laminated', 60, 450, null]],
    shipments: [],
  },
];

export async function seedOrders(
  trx: Db,
  workspaceId: number,
  orders: readonly SeedOrder[],
  dates: { day: (offset: number) => string; time: (offset: number, hour?: number) => Date },
): Promise<void> {
  for (const order of orders) {
    if (await trx('orders').where({ workspace_id: workspaceId, number: order.number }).first('id')) continue;
    const client = await trx('clients').where({ workspace_id: workspaceId, name: order.client }).first('id');
    if (!client) continue;
    const offer = order.linkOffer
      ? await trx('quotations')
          .where({ workspace_id: workspaceId, client_id: client.id })
          .whereNot('status', 'draft')
          .orderBy('id')
          .first('id')
      : undefined;
    const [row] = await trx('orders')
      .insert({
        workspace_id: workspaceId,
        client_id: client.id,
        number: order.number,
        client_reference: order.reference ?? null,
        status: order.status,
        currency: 'USD',
        ordered_on: dates.day(order.ordered),
        delivery_on: order.deliveryIn === undefined ? null : dates.day(order.deliveryIn),
        notes: order.notes ?? '',
        quotation_id: offer?.id ?? null,
        confirmed_at: dates.time(order.ordered, 11),
        delivered_at: order.delivered === undefined ? null : dates.time(order.delivered, 15),
        created_at: dates.time(order.ordered, 9),
      })
      .returning('id');
    const orderId = (row as { id: number }).id;
    const lineIds: number[] = [];
    for (const [index, [description, quantity, unitPriceCents, rate]] of order.lines.entries()) {
      const [line] = await trx('order_lines')
        .insert({
          workspace_id: workspaceId,
          order_id: orderId,
          position: index + 1,
          description,
          quantity,
          unit_price_cents: unitPriceCents,
          tax_rate_percent: rate,
        })
        .returning('id');
      lineIds.push((line as { id: number }).id);
    }
    for (const shipment of order.shipments) {
      const [sent] = await trx('shipments')
        .insert({
          workspace_id: workspaceId,
          order_id: orderId,
          number: shipment.number,
          status: shipment.status,
          carrier: shipment.carrier,
          tracking_number: shipment.trackingNumber,
          tracking_url: shipment.trackingUrl,
          sent_on: dates.day(shipment.sent),
          delivered_on: shipment.delivered === undefined ? null : dates.day(shipment.delivered),
        })
        .returning('id');
      for (const [position, quantity] of shipment.lines) {
        await trx('shipment_lines').insert({
          workspace_id: workspaceId,
          shipment_id: (sent as { id: number }).id,
          order_line_id: lineIds[position - 1],
          quantity,
        });
      }
    }
    if (order.linkPaidInvoice) {
      const invoice = await trx('invoices')
        .where({ workspace_id: workspaceId, client_id: client.id, status: 'paid' })
        .orderBy('id')
        .first('id');
      if (invoice) await trx('invoices').where({ workspace_id: workspaceId, id: invoice.id }).update({ order_id: orderId });
    }
  }
}
