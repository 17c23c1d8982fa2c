// A receipt for each payment of an invoice: a numbered PDF the client can file with their books.
// The number follows from the payment's place among the invoice's payments (oldest first, as the
// host lists them): the second payment of INV-0002 is always R-INV-0002-2. The receipt names the
// same parties as the invoice, in the same letterhead (core/pdf/letterhead.ts), and what the
// payment left to pay.
import { lineTable, type PdfDocumentModel, presentLetterhead, type RequestI18n, withLetterhead } from '../../core/index.ts';
import type { InvoiceDetail, InvoicePayment } from './port.ts';
import { paymentMethodLabel, paymentReference } from './payment-labels.ts';

/** "R-INV-0002-2" for the second payment of INV-0002. */
export function receiptNumber(invoiceNumber: string, position: number): string {
  return `R-${invoiceNumber}-${position}`;
}

/** The payment and its 1-based place among the invoice's payments, or null when it is not one of them. */
export function findReceiptPayment(invoice: InvoiceDetail, paymentId: string): { payment: InvoicePayment; position: number } | null {
  const index = invoice.payments.findIndex((payment) => payment.id === paymentId);
  return index === -1 ? null : { payment: invoice.payments[index]!, position: index + 1 };
}

/** The URL of a payment's receipt, below the invoice's own URL. */
export const receiptHref = (invoiceHref: string, paymentId: string) => `${invoiceHref}/receipts/${encodeURIComponent(paymentId)}.pdf`;

export function receiptPdfModel(
  i18n: RequestI18n,
  invoice: InvoiceDetail,
  paymentId: string,
  brand: PdfDocumentModel['brand'],
  client: string,
): PdfDocumentModel | null {
  const found = findReceiptPayment(invoice, paymentId);
  if (!found) return null;
  const { t, fmt } = i18n;
  const { payment, position } = found;
  const money = (cents: number) => fmt.money(cents, invoice.currency);
  const number = receiptNumber(invoice.number, position);
  const reference = paymentReference(payment);
  // Paid up to and including this payment, in the host's order; the balance it left.
  const paidToDate = invoice.payments.slice(0, position).reduce((sum, p) => sum + p.amountCents, 0);
  const balanceAfter = Math.max(0, invoice.totalCents - paidToDate);
  const receipt: PdfDocumentModel = {
    locale: i18n.locale,
    brand,
    heading: t('receipts:heading', { number }),
    title: client,
    meta: [
      { label: t('receipts:number'), value: number },
      { label: t('receipts:receivedOn'), value: fmt.dateTime(payment.paidAt) },
      { label: t('receipts:method'), value: paymentMethodLabel(i18n, payment) },
      // The receipt's own number is the portal's reference; the host's number or the payer's besides, never a provider's id.
      ...(reference ? [{ label: t('receipts:reference'), value: reference }] : []),
      { label: t('receipts:invoice'), value: invoice.number },
      ...(invoice.issueDate ? [{ label: t('receipts:invoiceDate'), value: fmt.day(invoice.issueDate) }] : []),
    ],
    body: t('receipts:body', { amount: money(payment.amountCents), invoice: invoice.number }),
    // No lines: the renderer draws no table under the headings, only the totals.
    ...lineTable(t, [], false),
    totals: [
      { label: t('receipts:amount'), value: money(payment.amountCents), strong: true },
      { label: t('receipts:invoiceTotal'), value: money(invoice.totalCents) },
      { label: t('receipts:paidToDate'), value: money(paidToDate) },
      { label: t('receipts:balanceAfter'), value: money(balanceAfter), strong: true },
    ],
    notes: null,
    payments: null,
    evidence: null,
    footer: t('pdf:footer', { workspace: brand.name }),
  };
  return withLetterhead(i18n, receipt, presentLetterhead(i18n, invoice), {
    heading: t('receipts:receivedFrom'),
    name: client,
    always: true,
  });
}
