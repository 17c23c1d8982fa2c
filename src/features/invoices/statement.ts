// A statement of account: every invoice of the client and every payment against them, by date,
// with the running balance and the balance due per currency. Void invoices are listed without an
// amount (they are owed no more). The host reads invoices and payments together where its
// InvoicesPort has statement(); otherwise the portal pages through list() and reads each invoice.
// It is headed as an invoice is (core/pdf/letterhead.ts): the agency's block and the client's
// address, the agency's legal details at every page's foot, from the host's ClientsPort.letterhead.
import {
  type LetterheadParties,
  type PdfDocumentModel,
  type PdfLine,
  presentLetterhead,
  type RequestI18n,
  withLetterhead,
} from '../../core/index.ts';
import type { InvoicesPort, InvoiceStatementData, InvoiceSummary } from './port.ts';
import { paymentMethodLabel, paymentReference } from './payment-labels.ts';
import { receiptNumber } from './receipts.ts';

const PAGE = 100;

export async function loadStatement(invoices: InvoicesPort, workspaceId: string, clientId: string): Promise<InvoiceStatementData> {
  if (invoices.statement) return invoices.statement(workspaceId, clientId);
  const all: InvoiceSummary[] = [];
  let after: string | null = null;
  do {
    const page = await invoices.list(workspaceId, clientId, {}, { limit: PAGE, after });
    all.push(...page.items);
    after = page.next;
  } while (after);
  all.sort((a, b) => a.issueDate.localeCompare(b.issueDate) || a.number.localeCompare(b.number));
  const payments: InvoiceStatementData['payments'] = [];
  for (const summary of all) {
    const detail = await invoices.find(workspaceId, clientId, summary.id);
    for (const payment of detail?.payments ?? []) payments.push({ ...payment, invoiceId: summary.id });
  }
  payments.sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime());
  return { invoices: all, payments };
}

interface Entry {
  day: string;
  order: number;
  currency: string;
  text: string;
  charge: number;
  credit: number;
}

export function statementPdfModel(
  i18n: RequestI18n,
  data: InvoiceStatementData,
  brand: PdfDocumentModel['brand'],
  client: string,
  today: string,
  parties: LetterheadParties | null,
): PdfDocumentModel {
  const { t, fmt } = i18n;
  const byId = new Map(data.invoices.map((invoice) => [invoice.id, invoice]));
  const entries: Entry[] = [];
  for (const invoice of data.invoices) {
    const text =
      invoice.status === 'void'
        ? t('statement:voidInvoice', { number: invoice.number })
        : invoice.dueDate
          ? t('statement:invoiceDue', { number: invoice.number, due: fmt.day(invoice.dueDate) })
          : t('statement:invoice', { number: invoice.number });
    entries.push({
      day: invoice.issueDate,
      order: 0,
      currency: invoice.currency,
      text,
      charge: invoice.status === 'void' ? 0 : invoice.totalCents,
      credit: 0,
    });
  }
  // Each payment's place among its invoice's payments (oldest first, as the host lists them) names
  // its receipt, the reference quoted where the host has none of its own.
  const seen = new Map<string, number>();
  for (const payment of data.payments) {
    const invoice = byId.get(payment.invoiceId);
    const position = (seen.get(payment.invoiceId) ?? 0) + 1;
    seen.set(payment.invoiceId, position);
    if (!invoice || invoice.status === 'void') continue;
    const reference = paymentReference(payment) ?? receiptNumber(invoice.number, position);
    entries.push({
      day: fmt.isoDay(payment.paidAt),
      order: 1,
      currency: invoice.currency,
      text: `${t('statement:payment', { number: invoice.number, method: paymentMethodLabel(i18n, payment) })} · ${reference}`,
      charge: 0,
      credit: payment.amountCents,
    });
  }
  const currencies = [...new Set(entries.map((entry) => entry.currency))].sort();
  const lines: PdfLine[] = [];
  const totals: PdfDocumentModel['totals'] = [];
  for (const currency of currencies) {
    const money = (cents: number) => fmt.money(cents, currency);
    let balance = 0;
    let charged = 0;
    let paid = 0;
    const rows = entries.filter((entry) => entry.currency === currency).sort((a, b) => a.day.localeCompare(b.day) || a.order - b.order);
    for (const entry of rows) {
      balance += entry.charge - entry.credit;
      charged += entry.charge;
      paid += entry.credit;
      lines.push({
        description: `${fmt.day(entry.day)} · ${entry.text}`,
        quantity: '',
        unitPrice: entry.charge ? money(entry.charge) : '',
        taxRate: entry.credit ? money(entry.credit) : '',
        total: money(balance),
      });
    }
    const suffix = currencies.length > 1 ? ` (${currency})` : '';
    totals.push(
      { label: `${t('statement:invoiced')}${suffix}`, value: money(charged) },
      { label: `${t('statement:paid')}${suffix}`, value: money(paid) },
      { label: `${t('statement:balance')}${suffix}`, value: money(balance), strong: true },
    );
  }
  const letterhead = presentLetterhead(i18n, parties ?? {});
  // The client's block names the client where the host has its address; otherwise a meta row does.
  const named = letterhead.buyerLines.length > 0;
  const model: PdfDocumentModel = {
    locale: i18n.locale,
    brand,
    heading: t('statement:heading'),
    title: client,
    meta: [{ label: t('statement:date'), value: fmt.day(today) }, ...(named ? [] : [{ label: t('statement:client'), value: client }])],
    body: lines.length ? '' : t('statement:empty'),
    columns: {
      description: t('statement:columns.entry'),
      quantity: '',
      unitPrice: t('statement:columns.charge'),
      tax: t('statement:columns.credit'),
      total: t('statement:columns.balance'),
    },
    lines,
    showLineTax: true,
    totals,
    notes: null,
    payments: null,
    evidence: null,
    footer: t('pdf:footer', { workspace: brand.name }),
  };
  return withLetterhead(i18n, model, letterhead, { heading: t('statement:client'), name: client });
}
