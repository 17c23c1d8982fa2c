// Orders, their lines and deliveries, and the drafts clients ask for again. Every statement is
// scoped by workspace; a client's reads also by client, so another company's order is not found;
// a draft is the agency's and never read for a client. Lines, shipments and invoices are matched
// on the workspace id itself, so on Citus each statement goes to the one node of its workspace.
import type { Knex } from 'knex';
import type { ORDER_STATUSES } from '../migrations/20270501000001_orders.ts';
import { type Db, statusInSql } from './db.ts';

export type OrderRowStatus = (typeof ORDER_STATUSES)[number];
/** What a client sees: every status but draft. */
const CLIENT_ORDER_STATUSES: readonly OrderRowStatus[] = ['confirmed', 'shipping', 'delivered', 'cancelled'];

// A line's net amount is rounded to the cent, and so is its tax (as line-items.ts rounds them).
const LINE_NET = 'round(ol.quantity * ol.unit_price_cents)';
const LINE_TAX = `round(${LINE_NET} * coalesce(ol.tax_rate_percent, 0) / 100)`;
const ORDER_TOTAL = `coalesce((select sum(${LINE_NET} + ${LINE_TAX}) from order_lines ol where ol.workspace_id = ? and ol.order_id = o.id), 0)::bigint`;
const ORDER_DATE_KEY = "coalesce(o.ordered_on, date '0001-01-01')";

export interface OrderRow {
  id: number;
  client_id: number;
  number: string;
  client_reference: string | null;
  status: OrderRowStatus;
  currency: string;
  ordered_on: string | null;
  delivery_on: string | null;
  total_cents: string | number;
  /** The list's sort key, 'YYYY-MM-DD' (0001-01-01 for an undated order). */
  date_key: string;
}

export interface OrderDetailRow extends OrderRow {
  notes: string;
  confirmed_at: Date | null;
  delivered_at: Date | null;
  cancelled_at: Date | null;
  proposal_id: number | null;
  proposal_number: string | null;
  quotation_id: number | null;
  quotation_number: string | null;
  lines: Array<{ id: number; description: string; quantity: string; unit_price_cents: number; tax_rate_percent: string | null }>;
  shipments: Array<StaffShipmentRow & { lines: Array<{ description: string; quantity: string }> }>;
  invoices: Array<{ id: number; number: string }>;
  reorders: Array<{ id: number; number: string; status: OrderRowStatus; requested_at: string }>;
}

const SUMMARY_COLUMNS = (db: Db, workspaceId: number) => [
  'o.id',
  'o.client_id',
  'o.number',
  'o.client_reference',
  'o.status',
  'o.currency',
  db.raw("to_char(o.ordered_on, 'YYYY-MM-DD') as ordered_on"),
  db.raw("to_char(o.delivery_on, 'YYYY-MM-DD') as delivery_on"),
  db.raw(`${ORDER_TOTAL} as total_cents`, [workspaceId]),
  db.raw(`to_char(${ORDER_DATE_KEY}, 'YYYY-MM-DD') as date_key`),
];

export interface OrderListQuery {
  workspaceId: number;
  clientId: number;
  statuses: readonly OrderRowStatus[];
  /** ILIKE pattern (the portal's containsPattern) the number or the client's reference matches. */
  matching?: string;
  /** With matching: a total (tax included) within these cents matches too. */
  amount?: { fromCents: number; toCents: number };
  after?: { dateKey: string; id: number };
  limit: number;
}

/** A client's orders past draft, newest order date first. */
export function listClientOrders(db: Db, q: OrderListQuery): Promise<OrderRow[]> {
  const query = db('orders as o')
    .select(SUMMARY_COLUMNS(db, q.workspaceId))
    .where({ 'o.workspace_id': q.workspaceId, 'o.client_id': q.clientId })
    .whereRaw(statusInSql('o.status', q.statuses, CLIENT_ORDER_STATUSES));
  if (q.matching) {
    const pattern = q.matching;
    const amount = q.amount;
    query.where((w) => {
      w.where('o.number', 'ilike', pattern).orWhere('o.client_reference', 'ilike', pattern);
      if (amount) w.orWhereRaw(`${ORDER_TOTAL} between ? and ?`, [q.workspaceId, amount.fromCents, amount.toCents]);
    });
  }
  if (q.after) query.whereRaw(`(${ORDER_DATE_KEY}, o.id) < (?::date, ?)`, [q.after.dateKey, q.after.id]);
  return query.orderByRaw(`${ORDER_DATE_KEY} desc, o.id desc`).limit(q.limit) as unknown as Promise<OrderRow[]>;
}

/**
 * One order of the client past draft, with its lines, its shipments and their lines, the invoices
 * past draft that bill it, the offer it came from and the drafts asked for again: one statement.
 */
export async function findClientOrder(
  db: Db,
  q: { workspaceId: number; clientId: number; orderId: number },
): Promise<OrderDetailRow | null> {
  const ws = q.workspaceId;
  const row = await db('orders as o')
    .leftJoin('proposals as p', function joinProposal() {
      this.on('p.workspace_id', '=', 'o.workspace_id').andOn('p.id', '=', 'o.proposal_id');
    })
    .leftJoin('quotations as qn', function joinQuotation() {
      this.on('qn.workspace_id', '=', 'o.workspace_id').andOn('qn.id', '=', 'o.quotation_id');
    })
    .select([
      ...SUMMARY_COLUMNS(db, ws),
      'o.notes',
      'o.confirmed_at',
      'o.delivered_at',
      'o.cancelled_at',
      db.raw("case when p.status <> 'draft' then p.id end as proposal_id"),
      db.raw("case when p.status <> 'draft' then p.number end as proposal_number"),
      db.raw("case when qn.status <> 'draft' then qn.id end as quotation_id"),
      db.raw("case when qn.status <> 'draft' then qn.number end as quotation_number"),
      db.raw(
        `coalesce((select json_agg(json_build_object('id', ol.id, 'description', ol.description, 'quantity', ol.quantity,
            'unit_price_cents', ol.unit_price_cents, 'tax_rate_percent', ol.tax_rate_percent) order by ol.position, ol.id)
           from order_lines ol where ol.workspace_id = ? and ol.order_id = o.id), '[]') as lines`,
        [ws],
      ),
      db.raw(
        `coalesce((select json_agg(json_build_object('id', s.id, 'number', s.number, 'status', s.status, 'carrier', s.carrier,
            'tracking_number', s.tracking_number, 'tracking_url', s.tracking_url,
            'sent_on', to_char(s.sent_on, 'YYYY-MM-DD'), 'delivered_on', to_char(s.delivered_on, 'YYYY-MM-DD'),
            'lines', coalesce((select json_agg(json_build_object('description', sol.description, 'quantity', sl.quantity) order by sol.position, sl.id)
                 from shipment_lines sl join order_lines sol on sol.workspace_id = sl.workspace_id and sol.id = sl.order_line_id
                where sl.workspace_id = ? and sl.shipment_id = s.id), '[]')) order by s.sent_on nulls last, s.id)
           from shipments s where s.workspace_id = ? and s.order_id = o.id and s.status <> 'preparing'), '[]') as shipments`,
        [ws, ws],
      ),
      db.raw(
        `coalesce((select json_agg(json_build_object('id', i.id, 'number', i.number) order by i.issue_date, i.id)
           from invoices i where i.workspace_id = ? and i.client_id = o.client_id and i.order_id = o.id and i.status <> 'draft'), '[]') as invoices`,
        [ws],
      ),
      db.raw(
        `coalesce((select json_agg(json_build_object('id', d.id, 'number', d.number, 'status', d.status, 'requested_at', d.requested_at) order by d.requested_at, d.id)
           from orders d where d.workspace_id = ? and d.reorder_of_id = o.id and d.client_id = o.client_id), '[]') as reorders`,
        [ws],
      ),
    ])
    .where({ 'o.workspace_id': ws, 'o.client_id': q.clientId, 'o.id': q.orderId })
    .whereRaw(statusInSql('o.status', CLIENT_ORDER_STATUSES, CLIENT_ORDER_STATUSES))
    .first();
  return (row as OrderDetailRow | undefined) ?? null;
}

/**
 * "Order again": a new draft of the client's order (past draft) with the same lines, naming the
 * order it copies and the contact who asked. Null (nothing written) when the order is not the
 * client's or is a draft. Run in the caller's transaction.
 */
export async function insertReorder(
  trx: Knex.Transaction,
  q: { workspaceId: number; clientId: number; contactId: number; orderId: number; at: Date },
): Promise<{ id: number; number: string } | null> {
  const source = await trx('orders')
    .where({ workspace_id: q.workspaceId, client_id: q.clientId, id: q.orderId })
    .whereRaw(statusInSql('status', CLIENT_ORDER_STATUSES, CLIENT_ORDER_STATUSES))
    .forUpdate()
    .first('id', 'currency', 'client_reference', 'proposal_id', 'quotation_id');
  if (!source) return null;
  const contact = await trx('contacts').where({ workspace_id: q.workspaceId, client_id: q.clientId, id: q.contactId }).first('id');
  // Numbered by its own id, as a draft is: a placeholder first, unique, then DRAFT-<id>.
  const [inserted] = await trx('orders')
    .insert({
      workspace_id: q.workspaceId,
      client_id: q.clientId,
      number: trx.raw("'DRAFT-' || md5(random()::text)"),
      status: 'draft',
      currency: source.currency,
      reorder_of_id: source.id,
      requested_by_contact_id: contact ? contact.id : null,
      requested_at: q.at,
    })
    .returning('id');
  const id = (inserted as { id: number }).id;
  const number = `DRAFT-${id}`;
  await trx('orders').where({ workspace_id: q.workspaceId, id }).update({ number });
  // Read, then written as values, in the source's order: on Citus an `insert … select` from the
  // table into itself went to every shard (its serial id: "Sequences cannot be used in router
  // queries"), where a read and a multi-row insert, each by workspace, go to the workspace's one.
  const lines = await trx('order_lines')
    .where({ workspace_id: q.workspaceId, order_id: source.id })
    .orderBy([{ column: 'position' }, { column: 'id' }])
    .select('position', 'description', 'quantity', 'unit_price_cents', 'tax_rate_percent');
  if (lines.length > 0) await trx('order_lines').insert(lines.map((line) => ({ ...line, workspace_id: q.workspaceId, order_id: id })));
  return { id, number };
}

export interface StaffOrderRow {
  id: number;
  number: string;
  client_reference: string | null;
  status: OrderRowStatus;
  client_id: number;
  client_name: string;
  currency: string;
  ordered_on: string | null;
  total_cents: string | number;
  reorder_of_id: number | null;
  reorder_of_number: string | null;
  requested_by: string | null;
  requested_at: Date | null;
  created_at: Date;
}

/** The staff's list (newest first) or one order, any status, with where an "order again" came from. */
export function staffOrders(db: Db, q: { workspaceId: number; orderId?: number; limit: number }): Promise<StaffOrderRow[]> {
  const query = db('orders as o')
    .join('clients as c', function joinClient() {
      this.on('c.workspace_id', '=', 'o.workspace_id').andOn('c.id', '=', 'o.client_id');
    })
    .leftJoin('orders as src', function joinSource() {
      this.on('src.workspace_id', '=', 'o.workspace_id').andOn('src.id', '=', 'o.reorder_of_id');
    })
    .leftJoin('contacts as k', function joinContact() {
      this.on('k.workspace_id', '=', 'o.workspace_id').andOn('k.id', '=', 'o.requested_by_contact_id');
    })
    .select([
      'o.id',
      'o.number',
      'o.client_reference',
      'o.status',
      'o.client_id',
      'c.name as client_name',
      'o.currency',
      db.raw("to_char(o.ordered_on, 'YYYY-MM-DD') as ordered_on"),
      db.raw(`${ORDER_TOTAL} as total_cents`, [q.workspaceId]),
      'o.reorder_of_id',
      'src.number as reorder_of_number',
      db.raw("nullif(trim(coalesce(k.name, '') || ' <' || coalesce(k.email, '') || '>'), '<>') as requested_by"),
      'o.requested_at',
      'o.created_at',
    ])
    .where('o.workspace_id', q.workspaceId);
  if (q.orderId !== undefined) query.where('o.id', q.orderId);
  return query
    .orderBy([
      { column: 'o.created_at', order: 'desc' },
      { column: 'o.id', order: 'desc' },
    ])
    .limit(q.limit) as unknown as Promise<StaffOrderRow[]>;
}

/** An order's lines for the staff page. */
export function staffOrderLines(db: Db, q: { workspaceId: number; orderId: number }) {
  return db('order_lines as ol')
    .select(['ol.description', 'ol.quantity', 'ol.unit_price_cents', 'ol.tax_rate_percent'])
    .where({ 'ol.workspace_id': q.workspaceId, 'ol.order_id': q.orderId })
    .orderBy([{ column: 'ol.position' }, { column: 'ol.id' }]) as unknown as Promise<
    Array<{ description: string; quantity: string; unit_price_cents: string | number; tax_rate_percent: string | null }>
  >;
}

export interface StaffShipmentRow {
  id: number;
  number: string;
  status: 'preparing' | 'sent' | 'delivered';
  carrier: string | null;
  tracking_number: string | null;
  tracking_url: string | null;
  sent_on: string | null;
  delivered_on: string | null;
}

/** An order's shipments for the staff page, oldest first. */
export function staffOrderShipments(db: Db, q: { workspaceId: number; orderId: number }): Promise<StaffShipmentRow[]> {
  return db('shipments as s')
    .where({ 's.workspace_id': q.workspaceId, 's.order_id': q.orderId })
    .orderBy([{ column: 's.id' }])
    .select<StaffShipmentRow[]>([
      's.id',
      's.number',
      's.status',
      's.carrier',
      's.tracking_number',
      's.tracking_url',
      db.raw("to_char(s.sent_on, 'YYYY-MM-DD') as sent_on"),
      db.raw("to_char(s.delivered_on, 'YYYY-MM-DD') as delivered_on"),
    ]);
}

/**
 * Sends what is left to send of a confirmed order, or one on its way, as one shipment: each line's
 * quantity less what its shipments carried already. The order is locked, so two sends at once
 * count one after the other; a confirmed order is then on its way (shipping). Resolves with the
 * shipment, 'nothing-left' when every line has gone, or null when the order cannot be sent
 * (another workspace's, a draft, delivered or cancelled).
 */
export async function insertShipmentOfRest(
  trx: Knex.Transaction,
  args: {
    workspaceId: number;
    orderId: number;
    carrier: string | null;
    trackingNumber: string | null;
    trackingUrl: string | null;
    sentOn: string;
  },
): Promise<{ id: number; number: string } | 'nothing-left' | null> {
  const order = await trx('orders')
    .where({ workspace_id: args.workspaceId, id: args.orderId })
    .whereIn('status', ['confirmed', 'shipping'])
    .forUpdate()
    .first<{ id: number; number: string; status: OrderRowStatus } | undefined>('id', 'number', 'status');
  if (!order) return null;
  const rest = await trx('order_lines as ol')
    .where({ 'ol.workspace_id': args.workspaceId, 'ol.order_id': order.id })
    .select<Array<{ id: number; rest: string }>>(
      'ol.id',
      trx.raw(
        `ol.quantity - coalesce((select sum(sl.quantity) from shipment_lines sl
           join shipments s on s.workspace_id = sl.workspace_id and s.id = sl.shipment_id
          where sl.workspace_id = ? and s.workspace_id = ? and sl.order_line_id = ol.id and s.order_id = ol.order_id), 0) as rest`,
        [args.workspaceId, args.workspaceId],
      ),
    )
    .orderBy([{ column: 'ol.position' }, { column: 'ol.id' }]);
  const toSend = rest.filter((line) => Number(line.rest) > 0);
  if (toSend.length === 0) return 'nothing-left';
  const sent = await trx('shipments')
    .where({ workspace_id: args.workspaceId, order_id: order.id })
    .count<Array<{ n: string | number }>>('* as n');
  const number = `${order.number}-S${Number(sent[0]!.n) + 1}`;
  const [shipment] = await trx('shipments')
    .insert({
      workspace_id: args.workspaceId,
      order_id: order.id,
      number,
      status: 'sent',
      carrier: args.carrier,
      tracking_number: args.trackingNumber,
      tracking_url: args.trackingUrl,
      sent_on: args.sentOn,
    })
    .returning<Array<{ id: number }>>('id');
  await trx('shipment_lines').insert(
    toSend.map((line) => ({ workspace_id: args.workspaceId, shipment_id: shipment!.id, order_line_id: line.id, quantity: line.rest })),
  );
  if (order.status === 'confirmed')
    await trx('orders').where({ workspace_id: args.workspaceId, id: order.id }).update({ status: 'shipping' });
  return { id: shipment!.id, number };
}

/**
 * Confirms a draft (one a client asked for again, or any other): it becomes `confirmed`, dated
 * today where it had no date, and takes the workspace's next order number of the year
 * (SO-2026-004) in place of DRAFT-<id>. Null when the order is not a draft (any more): the
 * conditional update lets one of two confirmations at once through, the other waits on the row
 * and then finds no draft. Numbers are drawn one at a time per workspace (a transaction lock), so
 * two drafts confirmed at once do not take the same one. Run in the caller's transaction.
 */
export async function confirmDraftOrder(
  trx: Knex.Transaction,
  args: { workspaceId: number; orderId: number; today: string; at: Date },
): Promise<{ id: number; number: string; client_id: number; client_reference: string | null } | null> {
  const [draft] = await trx('orders')
    .where({ workspace_id: args.workspaceId, id: args.orderId, status: 'draft' })
    .update({ status: 'confirmed', confirmed_at: args.at, ordered_on: trx.raw('coalesce(ordered_on, ?::date)', [args.today]) })
    .returning<Array<{ id: number }>>(['id']);
  if (!draft) return null;
  await trx.raw("select pg_advisory_xact_lock(hashtext('reference-crm order numbers'), ?)", [args.workspaceId]);
  const prefix = `SO-${args.today.slice(0, 4)}-`;
  const [last] = await trx('orders')
    .where({ workspace_id: args.workspaceId })
    .where('number', 'like', `${prefix}%`)
    .select<Array<{ n: number | null }>>(trx.raw("max(nullif(substring(number from '\\d+$'), '')::int) as n"));
  const number = `${prefix}${String((last?.n ?? 0) + 1).padStart(3, '0')}`;
  const [confirmed] = await trx('orders')
    .where({ workspace_id: args.workspaceId, id: draft.id })
    .update({ number })
    .returning<Array<{ id: number; number: string; client_id: number; client_reference: string | null }>>([
      'id',
      'number',
      'client_id',
      'client_reference',
    ]);
  return confirmed ?? null;
}
