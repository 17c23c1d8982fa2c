// View models for the orders pages: the state as a chip, money in the order's currency, dates in
// the reader's language, each delivery with its carrier and a tracking link (only an http(s)
// address is ever a link), and the order as its PDF shows it when the host makes none.
import {
  canSeeSection,
  lineTable,
  type PdfDocumentModel,
  type PortalSettings,
  presentLines,
  recordTotals,
  type RequestI18n,
} from '../../core/index.ts';
import type { OrderDetail, OrderShipment, OrderState, OrderSummary } from './port.ts';

/** The status chip's look for each state (views/partials/status-chip.ejs). */
const CHIP: Record<OrderState, string> = { confirmed: 'open', shipping: 'awaiting', delivered: 'done', cancelled: 'void' };

export const orderUrl = (base: string, id: string) => `${base}/orders/${encodeURIComponent(id)}`;

/** A carrier's tracking page, when the host's address is a web address; anything else is shown as text only. */
function trackingHref(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** The day after a calendar day (YYYY-MM-DD). */
function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/**
 * "Late since 21 Nov": an order still confirmed or on its way whose planned delivery day has
 * passed in the reader's time zone (`today`); "On its way" alone would say all is well.
 */
function lateSince(i18n: RequestI18n, order: OrderSummary, today: string): string | null {
  const open = order.state === 'confirmed' || order.state === 'shipping';
  if (!open || !order.deliveryOn || order.deliveryOn >= today) return null;
  return i18n.t('orders:lateSince', { date: i18n.fmt.day(dayAfter(order.deliveryOn)) });
}

export function presentOrderRow(i18n: RequestI18n, base: string, order: OrderSummary, today: string) {
  const { t, fmt } = i18n;
  return {
    href: orderUrl(base, order.id),
    number: order.number,
    reference: order.reference,
    chip: CHIP[order.state],
    statusLabel: t(`orders:state.${order.state}`),
    total: fmt.money(order.totalCents, order.currency),
    ordered: order.orderedOn ? fmt.day(order.orderedOn) : null,
    delivery: order.deliveryOn ? fmt.day(order.deliveryOn) : null,
    late: lateSince(i18n, order, today),
  };
}

function presentShipment(i18n: RequestI18n, shipment: OrderShipment) {
  const { t, fmt } = i18n;
  return {
    number: shipment.number,
    chip: shipment.state === 'delivered' ? 'done' : 'awaiting',
    statusLabel: t(`orders:shipments.state.${shipment.state}`),
    sent: shipment.sentOn ? fmt.day(shipment.sentOn) : null,
    delivered: shipment.deliveredOn ? fmt.day(shipment.deliveredOn) : null,
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber,
    trackingHref: trackingHref(shipment.trackingUrl),
    lines: shipment.lines.map((line) => ({ description: line.description, quantity: fmt.number(line.quantity) })),
  };
}

export function presentOrder(i18n: RequestI18n, base: string, settings: PortalSettings, order: OrderDetail, today: string) {
  const { t, fmt } = i18n;
  const money = (cents: number) => fmt.money(cents, order.currency);
  const offerSection = order.offer?.kind === 'quotation' ? 'quotations' : 'proposals';
  return {
    ...presentOrderRow(i18n, base, order, today),
    id: order.id,
    heading: t('orders:heading', { number: order.number }),
    lines: presentLines(i18n, order.lines, order.currency),
    hasLineTax: order.lines.some((line) => line.taxRatePercent !== null),
    subtotal: money(order.subtotalCents),
    tax: money(order.taxCents),
    totalAmount: money(order.totalCents),
    notes: order.notes,
    history: order.history.map((entry) => ({ label: t(`orders:state.${entry.state}`), when: fmt.day(entry.at) })),
    // The linked records, each only to whom may open its own section.
    offer:
      order.offer && canSeeSection(settings, offerSection)
        ? { href: `${base}/${offerSection}/${encodeURIComponent(order.offer.id)}`, number: order.offer.number, kind: order.offer.kind }
        : null,
    invoices: canSeeSection(settings, 'invoices')
      ? order.invoices.map((invoice) => ({ href: `${base}/invoices/${encodeURIComponent(invoice.id)}`, number: invoice.number }))
      : [],
    shipments: order.shipments.map((shipment) => presentShipment(i18n, shipment)),
    reorders: order.reorders.map((draft) => ({
      number: draft.number,
      when: fmt.day(draft.at),
      // Confirmed by the agency: the order it became, with its state, linked.
      order: draft.order ? { href: orderUrl(base, draft.order.id), state: t(`orders:state.${draft.order.state}`) } : null,
    })),
    pdfHref: `${orderUrl(base, order.id)}/pdf`,
    againAction: `${orderUrl(base, order.id)}/again`,
  };
}

export type OrderView = ReturnType<typeof presentOrder>;

/** The order as the portal's PDF sets it out, where the host makes no document of its own. */
export function orderPdfModel(i18n: RequestI18n, view: OrderView, brand: PdfDocumentModel['brand'], client: string): PdfDocumentModel {
  const { t } = i18n;
  return {
    locale: i18n.locale,
    brand,
    heading: view.heading,
    title: client,
    meta: [
      { label: t('pdf:status'), value: view.statusLabel },
      ...(view.ordered ? [{ label: t('orders:ordered'), value: view.ordered }] : []),
      ...(view.reference ? [{ label: t('orders:reference'), value: view.reference }] : []),
      ...(view.delivery ? [{ label: t('orders:delivery'), value: view.delivery }] : []),
    ],
    body: '',
    ...lineTable(
      t,
      view.lines.map((line) => ({ ...line })),
      view.hasLineTax,
    ),
    totals: recordTotals(t, { subtotal: view.subtotal, tax: view.tax, total: view.totalAmount }),
    notes: view.notes ? { label: t('orders:notes'), text: view.notes } : null,
    payments: null,
    evidence: null,
    footer: t('pdf:footer', { workspace: brand.name }),
  };
}
