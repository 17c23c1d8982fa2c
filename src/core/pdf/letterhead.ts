// The head and foot of every commercial PDF a client files (invoice, receipt, proposal, quotation):
// under the meta rows the seller's block (registered name and address) beside the client's (name,
// address, tax id); at the foot of every page the seller's legal details (name, address, VAT id,
// registration) and "Page N of M". The brand band with the logo is render-pdf.ts's, for every PDF.
// One module for all of them, so an offer and its invoice cannot come to look different. Each
// detail comes from the host, where it is optional: a value the host does not have is left out,
// line and label together, never printed as an empty label.
import { addressInLocale } from '../i18n/country-names.ts';
import type { RequestI18n } from '../i18n/request-i18n.ts';
import type { BuyerParty, SellerParty } from '../ports/commercial-records.ts';
import type { PdfDocumentModel, PdfParty } from './document-model.ts';

export interface Letterhead {
  /** "From": the registered name and address; null when the host has neither. */
  seller: PdfParty | null;
  /** The lines under the client's name: address, tax id; empty when the host has neither. */
  buyerLines: string[];
  /** The seller's legal details on one line, for every page's foot; null when the host has none. */
  legalFooter: string | null;
}

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * `of`: what the paper is. The seller of an invoice or a receipt is its issuer (German law's
 * "Rechnungssteller"); of a proposal or quotation, the one who offers it ("Anbieter").
 */
export function presentLetterhead(
  i18n: RequestI18n,
  parties: { seller?: SellerParty | null; buyer?: BuyerParty | null },
  of: 'invoice' | 'offer' = 'invoice',
): Letterhead {
  const { t } = i18n;
  const s = parties.seller ?? {};
  const address = addressInLocale((s.addressLines ?? []).filter(present), i18n.locale);
  const sellerLines = [...(present(s.legalName) ? [s.legalName] : []), ...address];
  const legal = [
    ...(present(s.legalName) ? [s.legalName] : []),
    ...(address.length ? [address.join(', ')] : []),
    ...(present(s.vatId) ? [t('pdf:legal.vatId', { value: s.vatId })] : []),
    ...(present(s.registrationNumber) ? [t('pdf:legal.registration', { value: s.registrationNumber })] : []),
  ];
  const b = parties.buyer ?? {};
  return {
    seller: sellerLines.length ? { heading: t(of === 'offer' ? 'pdf:legal.offeredBy' : 'pdf:legal.seller'), lines: sellerLines } : null,
    buyerLines: [
      ...addressInLocale((b.addressLines ?? []).filter(present), i18n.locale),
      ...(present(b.taxId) ? [t('pdf:legal.taxId', { value: b.taxId })] : []),
    ],
    legalFooter: legal.length ? legal.join(' · ') : null,
  };
}

/**
 * The model with its letterhead: the seller's block, then the client's under `buyer.heading` (only
 * where the host has the client's address or tax id, unless `buyer.always`), the legal details and
 * the page number at every page's foot.
 */
export function withLetterhead(
  i18n: RequestI18n,
  model: PdfDocumentModel,
  head: Letterhead,
  buyer: { heading: string; name: string; always?: boolean },
): PdfDocumentModel {
  const parties: PdfParty[] = [];
  if (head.seller) parties.push(head.seller);
  if (head.buyerLines.length || buyer.always) parties.push({ heading: buyer.heading, lines: [buyer.name, ...head.buyerLines] });
  return {
    ...model,
    parties,
    legalFooter: head.legalFooter,
    pageLabel: i18n.t('pdf:pageOf', { page: '{page}', pages: '{pages}' }),
  };
}
