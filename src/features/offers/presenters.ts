// Offers (proposals and quotations) as the client reads them: status badges, money in the offer's
// own currency, valid-until in the reader's calendar (expiring soon, or past), the status history,
// and the same figures for the page and the PDF, which carries the invoice's letterhead.
import {
  deadlineState,
  type HistoryEntry,
  type Letterhead,
  lineTable,
  type LineView,
  type PdfDocumentModel,
  presentLetterhead,
  presentLines,
  presentTaxByRate,
  recordTotals,
  type RequestI18n,
  withLetterhead,
} from '../../core/index.ts';
import type { OfferDetail, OfferKind, OfferStatus, OfferSummary } from './port.ts';

export type OfferSection = 'proposals' | 'quotations';

export const SECTION_KIND: Record<OfferSection, OfferKind> = { proposals: 'proposal', quotations: 'quotation' };

export const OFFER_STATUS_FILTERS = ['open', 'accepted', 'declined', 'expired'] as const satisfies readonly OfferStatus[];

export interface OfferRowView {
  id: string;
  href: string;
  number: string;
  title: string;
  status: OfferStatus;
  statusLabel: string;
  amount: string;
  validUntil: string | null;
  /** 'past': open but its valid-until has gone by; 'soon': it ends within a week. */
  deadline: 'past' | 'soon' | null;
  deadlineLabel: string | null;
}

export interface OfferDetailView extends OfferRowView {
  kindLabel: string;
  heading: string;
  body: string;
  terms: string | null;
  lines: LineView[];
  subtotal: string;
  tax: string;
  total: string;
  hasLineTax: boolean;
  /** Net and tax per rate, for the PDF; empty when no line has a rate. */
  taxByRate: Array<{ label: string; value: string }>;
  history: HistoryEntry[];
  pdfHref: string;
  /** The seller's and the client's details for the PDF, as an invoice's. */
  letterhead: Letterhead;
}

export function presentOfferRow(i18n: RequestI18n, offer: OfferSummary, href: string, today: string): OfferRowView {
  const { t, fmt } = i18n;
  const deadline = offer.status === 'open' ? deadlineState(offer.validUntil, today) : null;
  return {
    id: offer.id,
    href,
    number: offer.number,
    title: offer.title,
    status: offer.status,
    statusLabel: t(`offers:status.${offer.status}`),
    amount: fmt.money(offer.totalCents, offer.currency),
    validUntil: offer.validUntil ? fmt.day(offer.validUntil) : null,
    deadline,
    deadlineLabel: deadline ? t(`offers:deadline.${deadline}`) : null,
  };
}

export function presentOfferDetail(i18n: RequestI18n, offer: OfferDetail, href: string, today: string): OfferDetailView {
  const { t, fmt } = i18n;
  const row = presentOfferRow(i18n, offer, href, today);
  const history: HistoryEntry[] = [];
  if (offer.sentAt) history.push({ label: t('offers:history.sent'), when: fmt.dateTime(offer.sentAt) });
  if (offer.decidedAt && (offer.status === 'accepted' || offer.status === 'declined')) {
    history.push({ label: t(`offers:history.${offer.status}`), when: fmt.dateTime(offer.decidedAt) });
  }
  if (offer.status === 'expired' || row.deadline === 'past') {
    history.push({ label: t('offers:history.expired'), when: offer.validUntil ? fmt.day(offer.validUntil) : '' });
  }
  const kindLabel = t(`offers:kind.${offer.kind}`);
  return {
    ...row,
    kindLabel,
    heading: t('offers:detail.heading', { kind: kindLabel, number: offer.number }),
    body: offer.body,
    terms: offer.terms,
    lines: presentLines(i18n, offer.lines, offer.currency),
    subtotal: fmt.money(offer.subtotalCents, offer.currency),
    tax: fmt.money(offer.taxCents, offer.currency),
    total: fmt.money(offer.totalCents, offer.currency),
    hasLineTax: offer.lines.some((line) => line.taxRatePercent !== null),
    taxByRate: presentTaxByRate(i18n, offer.lines, offer.currency),
    history,
    pdfHref: `${href}.pdf`,
    letterhead: presentLetterhead(i18n, offer, 'offer'),
  };
}

/** The PDF of an offer: the page's own figures and words, nothing computed twice, under the invoice's letterhead. */
export function offerPdfModel(
  i18n: RequestI18n,
  view: OfferDetailView,
  brand: PdfDocumentModel['brand'],
  client: string,
): PdfDocumentModel {
  const { t } = i18n;
  // The client's block names the client where the host has its address; otherwise a meta row does.
  const named = view.letterhead.buyerLines.length > 0;
  const model: PdfDocumentModel = {
    locale: i18n.locale,
    brand,
    heading: view.heading,
    title: view.title,
    meta: [
      ...(named ? [] : [{ label: t('pdf:client'), value: client }]),
      { label: t('pdf:status'), value: view.statusLabel },
      ...(view.validUntil ? [{ label: t('offers:validUntil'), value: view.validUntil }] : []),
      ...view.history.map((entry) => ({ label: entry.label, value: entry.when })),
    ],
    body: view.body,
    ...lineTable(t, view.lines, view.hasLineTax),
    totals: recordTotals(t, view),
    notes: view.terms ? { label: t('offers:terms'), text: view.terms } : null,
    payments: null,
    evidence: null,
    footer: t('pdf:footer', { workspace: brand.name }),
    taxBreakdown: view.taxByRate.length ? { heading: t('pdf:legal.taxByRate'), rows: view.taxByRate } : null,
  };
  return withLetterhead(i18n, model, view.letterhead, { heading: t('pdf:client'), name: client });
}
