// OrdersPort on Dolibarr: the company's customer orders past draft (queries/orders.ts, from
// ordersSeenBy in visibility.ts), with their lines, shipments (carrier and tracking address as
// Expedition::getUrlTrackingStatus builds it: llx_c_shipment_mode.tracking with {TRACKID}
// replaced by the tracking number), the proposal they came from and their invoices; the PDF
// Dolibarr generated for the order (last_main_doc under the data root); and "order again", a
// draft order written as Commande::createFromClone writes one (its lines, contacts and delivery
// date, no linked object), which the portal remembers beside it to list on the order's page.
import { basename, dirname } from 'node:path';
import { createReadStream } from 'node:fs';
import type { Knex } from 'knex';
import type { LineItem, OrderDetail, OrderState, OrdersPort, OrderSummary } from '../../src/index.ts';
import { clampLimit } from '../../src/index.ts';
import { listFilterArgs } from '../shared/commercial.ts';
import { dateCursor, datePageOf } from './cursors.ts';
import { parseId, toHostId } from './ids.ts';
import { currencyOrDefault, toCents } from './money.ts';
import { fullName } from './names.ts';
import { entityCurrency } from './queries/constants.ts';
import { findContact } from './queries/contacts.ts';
import {
  findOrder,
  firstShipmentDay,
  insertOrderDraftCopy,
  listOrderLines,
  listOrderLinks,
  listOrders,
  listOrderShipments,
  ORDER_STATUS,
  type OrderLineRow,
  type OrderRow,
  type ShipmentRow,
} from './queries/orders.ts';
import { fileFound } from './shared-files.ts';

const STATE_OF_STATUS = new Map<number, OrderState>([
  [ORDER_STATUS.validated, 'confirmed'],
  [ORDER_STATUS.shipping, 'shipping'],
  [ORDER_STATUS.closed, 'delivered'],
  [ORDER_STATUS.cancelled, 'cancelled'],
]);
const STATUSES_OF_STATE: Record<OrderState, number> = { confirmed: 1, shipping: 2, delivered: 3, cancelled: -1 };
const SHIPMENT_CLOSED = 2;

function presentSummary(row: OrderRow, currency: string): OrderSummary {
  return {
    id: toHostId(row.rowid),
    number: row.ref,
    reference: row.ref_client?.trim() || null,
    // A status Dolibarr may add later reads as confirmed: past draft, not closed.
    state: STATE_OF_STATUS.get(row.fk_statut) ?? 'confirmed',
    currency,
    totalCents: toCents(row.total_ttc),
    orderedOn: row.date_commande,
    deliveryOn: row.date_livraison,
  };
}

function presentLine(row: OrderLineRow): LineItem {
  const rate = row.tva_tx === null ? null : Number(row.tva_tx);
  return {
    description: row.label?.trim() || row.product_label?.trim() || row.description?.trim() || '—',
    quantity: Number(row.qty ?? 1),
    unitPriceCents: toCents(row.subprice),
    totalCents: toCents(row.total_ht),
    taxRatePercent: rate !== null && Number.isFinite(rate) ? rate : null,
    taxCents: toCents(row.total_tva),
    // The order card's "Disc." column: total_ht is already net of it.
    discountPercent: Number(row.remise_percent) || null,
  };
}

/** The carrier's page for the parcel, as Dolibarr builds it; null without a template or a number. */
function trackingUrlOf(template: string | null, trackingNumber: string | null): string | null {
  const number = trackingNumber?.trim();
  if (!template?.trim() || !number) return null;
  return template.trim().replaceAll('{TRACKID}', encodeURIComponent(number));
}

function presentShipment(row: ShipmentRow): OrderDetail['shipments'][number] {
  const trackingNumber = row.tracking_number?.trim() || null;
  return {
    id: toHostId(row.rowid),
    number: row.ref,
    state: row.fk_statut === SHIPMENT_CLOSED ? 'delivered' : 'sent',
    sentOn: row.date_expedition,
    deliveredOn: row.fk_statut === SHIPMENT_CLOSED ? row.date_delivery : null,
    carrier: row.carrier?.trim() || null,
    trackingNumber,
    trackingUrl: trackingUrlOf(row.tracking_template, trackingNumber),
    lines: row.lines.map((line) => ({
      description: line.label?.trim() || line.product_label?.trim() || line.description?.trim() || '—',
      quantity: Number(line.qty ?? 0),
    })),
  };
}

export interface DolibarrOrdersOptions {
  /** The Dolibarr user a draft is written as (fk_user_author); null writes none, as an import does. */
  userId: number | null;
  /** DOL_DATA_ROOT, where Dolibarr keeps the PDFs it generated; without it the portal makes its own. */
  dataRoot?: string;
  /** Dolibarr's own address (DOLIBARR_URL): staff notifications of an order again link to the draft's card there. */
  crmUrl?: string;
}

export function dolibarrOrders(db: Knex, entityOf: (workspaceId: string) => number | null, options: DolibarrOrdersOptions): OrdersPort {
  const currencyOf = async (entity: number) => currencyOrDefault(await entityCurrency(db, { entity }));
  const scopeOf = (workspaceId: string, clientId: string, id: string) => {
    const entity = entityOf(workspaceId);
    const companyId = parseId(clientId);
    const orderId = parseId(id);
    return entity === null || companyId === null || orderId === null ? null : { entity, companyId, orderId };
  };
  const port: OrdersPort = {
    // Dolibarr's card of the order (htdocs/commande/card.php?id=<rowid>).
    staffPageOf(id) {
      const rowid = parseId(id);
      return options.crmUrl && rowid !== null ? `${options.crmUrl.replace(/\/+$/, '')}/commande/card.php?id=${rowid}` : null;
    },

    async list(workspaceId, clientId, filter, page) {
      const entity = entityOf(workspaceId);
      const companyId = parseId(clientId);
      const before = dateCursor(page.after);
      const empty = { items: [], next: null };
      if (entity === null || companyId === null || before === 'invalid' || filter.states?.length === 0) return empty;
      const limit = clampLimit(page.limit);
      const [rows, currency] = await Promise.all([
        listOrders(db, {
          entity,
          companyId,
          before,
          limit,
          ...(filter.states ? { statuses: filter.states.map((state) => STATUSES_OF_STATE[state]) } : {}),
          // An order is never overdue: the search and its amount only.
          ...listFilterArgs({ search: filter.search, amount: filter.amount }),
        }),
        currencyOf(entity),
      ]);
      return datePageOf(rows, limit, (row) => presentSummary(row, currency));
    },

    async find(workspaceId, clientId, id) {
      const scope = scopeOf(workspaceId, clientId, id);
      if (!scope) return null;
      const [row, lines, shipments, links, currency] = await Promise.all([
        findOrder(db, scope),
        listOrderLines(db, scope),
        listOrderShipments(db, scope),
        listOrderLinks(db, scope),
        currencyOf(scope.entity),
      ]);
      if (!row) return null;
      const summary = presentSummary(row, currency);
      const sent = firstShipmentDay(shipments);
      const history: OrderDetail['history'] = [
        ...(row.date_valid ? [{ state: 'confirmed' as const, at: new Date(row.date_valid) }] : []),
        ...(sent ? [{ state: 'shipping' as const, at: new Date(`${sent}T00:00:00Z`) }] : []),
        ...(row.fk_statut === ORDER_STATUS.closed && row.date_cloture
          ? [{ state: 'delivered' as const, at: new Date(row.date_cloture) }]
          : []),
        // Commande::cancel dates nothing of its own: the row's last change is when it was cancelled.
        ...(row.fk_statut === ORDER_STATUS.cancelled && row.tms ? [{ state: 'cancelled' as const, at: new Date(row.tms) }] : []),
      ].sort((a, b) => a.at.getTime() - b.at.getTime());
      return {
        ...summary,
        lines: lines.map(presentLine),
        subtotalCents: toCents(row.total_ht),
        taxCents: toCents(row.total_tva),
        notes: row.note_public?.trim() || null,
        history,
        offer: links.proposal ? { kind: 'proposal', id: toHostId(links.proposal.rowid), number: links.proposal.ref } : null,
        invoices: links.invoices.map((invoice) => ({ id: toHostId(invoice.rowid), number: invoice.ref })),
        shipments: shipments.map(presentShipment),
        reorders: links.reorders.map((draft) => ({ number: draft.ref, at: draft.date_creation ?? new Date(0) })),
      };
    },

    async orderAgain(workspaceId, clientId, contactId, id, write) {
      const scope = scopeOf(workspaceId, clientId, id);
      const contactRowid = parseId(contactId);
      if (!scope || contactRowid === null) return null;
      const work = async (trx: Knex.Transaction) => {
        const contact = await findContact(trx, { entity: scope.entity, contactId: contactRowid });
        if (!contact || contact.fk_soc !== scope.companyId) return null;
        const who = `${fullName(contact.firstname, contact.lastname) || contact.email.trim()} <${contact.email.trim()}>`;
        const source = await findOrder(trx, scope);
        if (!source) return null;
        return insertOrderDraftCopy(trx, {
          ...scope,
          contactId: contact.rowid,
          userId: options.userId,
          note: `Asked for again from the client portal by ${who}, as a copy of order ${source.ref}.`,
          ip: write?.ip ?? null,
        });
      };
      const draft = write?.trx ? await work(write.trx) : await db.transaction(work);
      return draft ? { id: toHostId(draft.rowid), number: draft.ref } : null;
    },
  };
  const dataRoot = options.dataRoot;
  if (!dataRoot) return port;
  return {
    ...port,
    // The PDF Dolibarr generated for the order (Commande::generateDocument: last_main_doc, under
    // the entity's data root, e.g. commande/CO2611-0003/CO2611-0003.pdf); null before it made one.
    async document(workspaceId, clientId, id) {
      const scope = scopeOf(workspaceId, clientId, id);
      if (!scope) return null;
      const doc = (await findOrder(db, scope))?.last_main_doc?.trim() ?? '';
      if (!doc.toLowerCase().endsWith('.pdf')) return null;
      const found = await fileFound(dataRoot, { filepath: dirname(doc), filename: basename(doc) });
      if (!found) return null;
      return {
        name: basename(doc),
        contentType: 'application/pdf',
        sizeBytes: found.sizeBytes,
        content: createReadStream(found.path),
        record: null,
      };
    },
  };
}
