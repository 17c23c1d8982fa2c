// What an invoice a business can file shows besides its lines (EU VAT directive art. 226, and what
// German, French and UK rules add): the seller's registered name, address, VAT id and registration
// and the buyer's address and tax id (the letterhead every commercial PDF shares,
// core/pdf/letterhead.ts); the invoice number and the date or period of supply; each line's tax
// rate and amount and the totals per rate; why no VAT is charged, on an invoice without it; the
// payment terms; the bank account for a transfer; and page numbers. Each comes from the host's InvoiceDetail, where it is optional: a value the
// host does not have is left out, line and label together, never printed as an empty label.
import {
  type Letterhead,
  lineTaxCents,
  type PdfDocumentModel,
  type PdfSection,
  presentLetterhead,
  presentTaxByRate,
  type RequestI18n,
  withLetterhead,
} from '../../core/index.ts';
import type { InvoiceDetail } from './port.ts';
import { bankTransferCode, bankTransferDetails } from './bank-transfer.ts';

export interface InvoiceLegalView {
  /** Rows added under the invoice's own meta rows: its number, the date or period of supply. */
  meta: Array<{ label: string; value: string }>;
  /** The seller's block, the lines under the buyer's name and the seller's legal details. */
  letterhead: Letterhead;
  /** Each line's tax amount, in the order of the lines; null for a line without a rate. */
  lineTax: Array<string | null>;
  /** True when any line has a tax rate: the tax rate and amount columns are shown. */
  hasLineTax: boolean;
  /** Net and tax per rate; empty when no line has a rate. */
  taxByRate: Array<{ label: string; value: string }>;
  /** Payment terms and bank details, each only when the host has them. */
  sections: PdfSection[];
  /** Why no VAT is charged: set on an invoice whose VAT total is 0, where the host says why. */
  vatNote: string | null;
}

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * The note an invoice without VAT carries: the host's own words where it keeps them, else the
 * portal's for the reason it records, then the exemption certificate. Null on an invoice that
 * charges VAT (a note there would contradict its figures) and where the host says nothing.
 */
function presentVatNote(i18n: RequestI18n, invoice: InvoiceDetail): string | null {
  const exemption = invoice.vatExemption;
  if (invoice.taxCents !== 0 || !exemption) return null;
  const reason = present(exemption.note)
    ? exemption.note.trim()
    : exemption.reason
      ? i18n.t(`pdf:legal.vatExemption.${exemption.reason}`)
      : null;
  const certificate = present(exemption.certificate)
    ? i18n.t('pdf:legal.vatExemption.certificate', { number: exemption.certificate.trim() })
    : null;
  const parts = [reason, certificate].filter((part): part is string => part !== null);
  return parts.length ? parts.join(' ') : null;
}

/** The payment terms in the reader's language where the host translates them, else as the host words them. */
function presentPaymentTerms(i18n: RequestI18n, invoice: InvoiceDetail): string | null {
  const translated = invoice.paymentTermsByLocale?.[i18n.locale];
  if (present(translated)) return translated.trim();
  return present(invoice.paymentTerms) ? invoice.paymentTerms : null;
}

export function presentInvoiceLegal(i18n: RequestI18n, invoice: InvoiceDetail): InvoiceLegalView {
  const { t, fmt } = i18n;
  const money = (cents: number) => fmt.money(cents, invoice.currency);

  const meta: InvoiceLegalView['meta'] = [{ label: t('pdf:legal.invoiceNumber'), value: invoice.number }];
  if (present(invoice.supplyDate)) {
    meta.push(
      present(invoice.supplyEndDate) && invoice.supplyEndDate !== invoice.supplyDate
        ? {
            label: t('pdf:legal.supplyPeriod'),
            value: t('pdf:legal.period', { from: fmt.day(invoice.supplyDate), to: fmt.day(invoice.supplyEndDate) }),
          }
        : { label: t('pdf:legal.supplyDate'), value: fmt.day(invoice.supplyDate) },
    );
  }

  const lineTax = invoice.lines.map((line) => {
    const cents = lineTaxCents(line);
    return cents === null ? null : money(cents);
  });
  const taxByRate = presentTaxByRate(i18n, invoice.lines, invoice.currency);

  const sections: PdfSection[] = [];
  const terms = presentPaymentTerms(i18n, invoice);
  if (terms) sections.push({ heading: t('pdf:legal.paymentTerms'), rows: [{ label: null, value: terms }] });
  const bank = bankTransferDetails(invoice);
  if (bank) {
    const rows: PdfSection['rows'] = [
      ...(bank.holder ? [{ label: t('pdf:legal.accountHolder'), value: bank.holder }] : []),
      ...(bank.bankName ? [{ label: t('pdf:legal.bank'), value: bank.bankName }] : []),
      { label: 'IBAN', value: bank.iban },
      ...(bank.bic ? [{ label: 'BIC', value: bank.bic }] : []),
      { label: t('pdf:legal.paymentReference'), value: bank.reference },
    ];
    // The code banking apps scan, for what is due now (see bank-transfer.ts for when there is none).
    const code = bankTransferCode(invoice, bank);
    sections.push({ heading: t('pdf:legal.bankDetails'), rows, qr: code ? { text: code, caption: t('pdf:legal.scanToPay') } : null });
  }

  return {
    meta,
    letterhead: presentLetterhead(i18n, invoice),
    vatNote: presentVatNote(i18n, invoice),
    lineTax,
    hasLineTax: invoice.lines.some((line) => line.taxRatePercent !== null),
    taxByRate,
    sections,
  };
}

/**
 * The invoice PDF with its legal details: the letterhead (the parties under the meta rows, the
 * seller's legal details and "Page N of M" on every page), the tax columns and totals per rate,
 * why no VAT is charged, payment terms and bank details after the notes.
 */
export function withInvoiceLegalDetails(
  i18n: RequestI18n,
  model: PdfDocumentModel,
  legal: InvoiceLegalView,
  client: string,
): PdfDocumentModel {
  const { t } = i18n;
  return withLetterhead(
    i18n,
    {
      ...model,
      meta: [...model.meta, ...legal.meta],
      columns: legal.hasLineTax ? { ...model.columns, tax: t('pdf:legal.taxRate'), taxAmount: t('pdf:legal.taxAmount') } : model.columns,
      lines: model.lines.map((line, index) => ({ ...line, taxAmount: legal.lineTax[index] ?? null })),
      showLineTax: model.showLineTax || legal.hasLineTax,
      taxBreakdown: legal.taxByRate.length ? { heading: t('pdf:legal.taxByRate'), rows: legal.taxByRate } : null,
      taxNote: legal.vatNote,
      sections: legal.sections,
    },
    legal.letterhead,
    { heading: t('pdf:legal.buyer'), name: client },
  );
}
