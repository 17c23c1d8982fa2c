// Invoices as the client reads them: status (an open invoice past its due date is overdue, in the
// reader's calendar), amounts and balance in the invoice's currency, payments, and the same figures
// for the page and the PDF.
import {
  type Branding,
  deadlineState,
  documentPreview,
  type HistoryEntry,
  lineTable,
  type LineView,
  type PdfDocumentModel,
  presentLines,
  previewBrand,
  recordTotals,
  type RequestI18n,
} from '../../core/index.ts';
import type { InvoiceDetail, InvoiceSummary, UpcomingInvoice } from './port.ts';
import { presentInvoiceLegal, withInvoiceLegalDetails, type InvoiceLegalView } from './legal-details.ts';
import { paymentMethodLabel, paymentReference } from './payment-labels.ts';
import { receiptHref, receiptNumber } from './receipts.ts';

export interface InvoiceRowView {
  id: string;
  href: string;
  number: string;
  status: InvoiceSummary['status'];
  /** Open with something paid and something still due: labelled "Partly paid", not "Unpaid". */
  partlyPaid: boolean;
  statusLabel: string;
  total: string;
  balance: string;
  issued: string;
  due: string | null;
  /** 'past': open and overdue; 'soon': due within a week. */
  deadline: 'past' | 'soon' | null;
  deadlineLabel: string | null;
}

export interface InvoiceDetailView extends InvoiceRowView {
  heading: string;
  lines: LineView[];
  hasLineTax: boolean;
  subtotal: string;
  tax: string;
  paid: string;
  notes: string;
  /** Each payment's method and a reference the client can quote (payment-labels.ts), never a provider's id. */
  payments: Array<{ when: string; method: string; reference: string; amount: string; receiptHref: string; receiptLabel: string }>;
  history: HistoryEntry[];
  pdfHref: string;
  /** The invoice's legal details, for the PDF (see legal-details.ts). */
  legal: InvoiceLegalView;
}

/**
 * The line under the list's heading: the soonest next invoice of the company's recurring ones; null
 * where none. Without its amount where the host sets it only when it makes the invoice.
 */
export function presentNextInvoice(i18n: RequestI18n, next: UpcomingInvoice | undefined): string | null {
  if (!next) return null;
  const date = i18n.fmt.day(next.nextDate);
  if (next.amountCents === null || next.currency === null) return i18n.t('invoices:upcomingAmountLater', { title: next.title, date });
  return i18n.t('invoices:upcoming', { title: next.title, amount: i18n.fmt.money(next.amountCents, next.currency), date });
}

export function presentInvoiceRow(i18n: RequestI18n, invoice: InvoiceSummary, href: string, today: string): InvoiceRowView {
  const { t, fmt } = i18n;
  const deadline = invoice.status === 'open' ? deadlineState(invoice.dueDate, today) : null;
  const partlyPaid = invoice.status === 'open' && invoice.paidCents > 0 && invoice.balanceCents > 0;
  return {
    id: invoice.id,
    href,
    number: invoice.number,
    status: invoice.status,
    partlyPaid,
    // Overdue outranks the payment state: it is what the client must act on (the balance shows
    // beside it); otherwise a payment received turns "Unpaid" into "Partly paid".
    statusLabel:
      deadline === 'past'
        ? t('invoices:status.overdue')
        : partlyPaid
          ? t('invoices:status.partlyPaid')
          : t(`invoices:status.${invoice.status}`),
    total: fmt.money(invoice.totalCents, invoice.currency),
    balance: fmt.money(invoice.balanceCents, invoice.currency),
    issued: invoice.issueDate ? fmt.day(invoice.issueDate) : '',
    due: invoice.dueDate ? fmt.day(invoice.dueDate) : null,
    deadline,
    deadlineLabel: deadline ? t(`invoices:deadline.${deadline}`) : null,
  };
}

export function presentInvoiceDetail(i18n: RequestI18n, invoice: InvoiceDetail, href: string, today: string): InvoiceDetailView {
  const { t, fmt } = i18n;
  const row = presentInvoiceRow(i18n, invoice, href, today);
  const payments = invoice.payments.map((payment, index) => {
    const receipt = receiptNumber(invoice.number, index + 1);
    return {
      when: fmt.dateTime(payment.paidAt),
      method: paymentMethodLabel(i18n, payment),
      reference: paymentReference(payment) ?? receipt,
      amount: fmt.money(payment.amountCents, invoice.currency),
      receiptHref: receiptHref(href, payment.id),
      receiptLabel: t('receipts:linkLabel', { number: receipt }),
    };
  });
  const history: HistoryEntry[] = [];
  if (invoice.issueDate) history.push({ label: t('invoices:history.issued'), when: fmt.day(invoice.issueDate) });
  for (const payment of payments) history.push({ label: t('invoices:history.payment', { amount: payment.amount }), when: payment.when });
  if (invoice.status === 'paid') history.push({ label: t('invoices:history.paid'), when: payments.at(-1)?.when ?? '' });
  if (invoice.status === 'void') history.push({ label: t('invoices:history.void'), when: '' });
  return {
    ...row,
    heading: t('invoices:detail.heading', { number: invoice.number }),
    lines: presentLines(i18n, invoice.lines, invoice.currency),
    hasLineTax: invoice.lines.some((line) => line.taxRatePercent !== null),
    subtotal: fmt.money(invoice.subtotalCents, invoice.currency),
    tax: fmt.money(invoice.taxCents, invoice.currency),
    paid: fmt.money(invoice.paidCents, invoice.currency),
    notes: invoice.notes,
    payments,
    history,
    pdfHref: `${href}.pdf`,
    legal: presentInvoiceLegal(i18n, invoice),
  };
}

/**
 * The client's invoice page for a reader who is not the client: the staff's "view as this client"
 * on the record page (src/features/offers/staff-record/) draws it read-only, with no thread and no
 * pay button. The template is named here, beside the feature that owns it, with the model it reads.
 */
export function invoiceClientPage(
  i18n: RequestI18n,
  invoice: InvoiceDetail,
  page: { href: string; today: string; branding: Pick<Branding, 'workspaceName' | 'primary' | 'logoUrl'>; clientName: string },
) {
  const view = presentInvoiceDetail(i18n, invoice, page.href, page.today);
  return {
    view: 'invoices/show',
    invoice: view,
    thread: null,
    preview: documentPreview(invoicePdfModel(i18n, view, previewBrand(page.branding), page.clientName), page.href, page.branding.logoUrl),
  };
}

export function invoicePdfModel(
  i18n: RequestI18n,
  view: InvoiceDetailView,
  brand: PdfDocumentModel['brand'],
  client: string,
): PdfDocumentModel {
  const { t } = i18n;
  return withInvoiceLegalDetails(
    i18n,
    {
      locale: i18n.locale,
      brand,
      heading: view.heading,
      title: client,
      amountDue:
        view.status === 'open'
          ? view.due
            ? t('pdf:amountDue', { amount: view.balance, date: view.due })
            : t('pdf:amountDueNoDate', { amount: view.balance })
          : null,
      meta: [
        { label: t('pdf:status'), value: view.statusLabel },
        { label: t('invoices:issued'), value: view.issued },
        ...(view.due ? [{ label: t('invoices:due'), value: view.due }] : []),
      ],
      body: '',
      ...lineTable(t, view.lines, view.hasLineTax),
      totals: [
        ...recordTotals(t, view),
        { label: t('invoices:paid'), value: view.paid },
        { label: t('invoices:balance'), value: view.balance, strong: true },
      ],
      notes: view.notes ? { label: t('invoices:notes'), text: view.notes } : null,
      payments: view.payments.length
        ? {
            label: t('invoices:payments.heading'),
            rows: view.payments.map((p) => ({ when: p.when, method: p.method, reference: p.reference, amount: p.amount })),
          }
        : null,
      evidence: null,
      footer: t('pdf:footer', { workspace: brand.name }),
    },
    view.legal,
    client,
  );
}
