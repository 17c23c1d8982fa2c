// A statement of account for a period (statement-period.ts): the balance brought forward per
// currency, the period's invoices and payments by date with the running balance, and the closing
// balance. Void invoices are listed without an amount (they are owed no more), and their payments
// not at all. The host reads it in a fixed number of reads where its InvoicesPort has statement();
// otherwise the portal pages through list() and reads each invoice, which grows with the history.
// It is headed as an invoice is (core/pdf/letterhead.ts): the agency's block and the client's
// address, the agency's legal details at every page's foot, from the host's ClientsPort.letterhead.
import {
  addDays,
  dayInZone,
  type LetterheadParties,
  type PdfDocumentModel,
  type PdfLine,
  presentLetterhead,
  type RequestI18n,
  withLetterhead,
} from '../../core/index.ts';
import type { InvoicesPort, InvoiceStatementData, InvoiceSummary, StatementPayment, StatementPeriod } from './port.ts';
import { paymentMethodLabel, paymentReference } from './payment-labels.ts';
import { receiptNumber } from './receipts.ts';
import { inPeriod, movesInMemory, movesOf, statementOf } from './statement-period.ts';

const PAGE = 100;

export async function loadStatement(
  invoices: InvoicesPort,
  workspaceId: string,
  clientId: string,
  period: StatementPeriod,
): Promise<InvoiceStatementData> {
  if (invoices.statement) return invoices.statement(workspaceId, clientId, period);
  const all: InvoiceSummary[] = [];
  let after: string | null = null;
  do {
    const page = await invoices.list(workspaceId, clientId, {}, { limit: PAGE, after });
    all.push(...page.items);
    after = page.next;
  } while (after);
  all.sort((a, b) => a.issueDate.localeCompare(b.issueDate) || a.number.localeCompare(b.number));
  const payments: Array<StatementPayment & { day: string }> = [];
  for (const summary of all) {
    if (summary.status === 'void') continue;
    const detail = await invoices.find(workspaceId, clientId, summary.id);
    for (const [index, payment] of (detail?.payments ?? []).entries())
      payments.push({
        ...payment,
        invoiceId: summary.id,
        invoiceNumber: summary.number,
        currency: summary.currency,
        position: index + 1,
        day: dayInZone(payment.paidAt, period.timeZone),
      });
  }
  payments.sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime());
  const moves = movesOf(
    all
      .filter((invoice) => invoice.status !== 'void')
      .map((invoice) => ({ currency: invoice.currency, day: invoice.issueDate, cents: invoice.totalCents })),
    payments.map((payment) => ({ currency: payment.currency, day: payment.day, cents: payment.amountCents })),
  );
  return statementOf(period, {
    ...movesInMemory(moves),
    rows: async (from, before) => ({
      invoices: all.filter((invoice) => inPeriod(invoice.issueDate, from, before)),
      payments: payments.filter((payment) => inPeriod(payment.day, from, before)).map(({ day: _day, ...payment }) => payment),
    }),
  });
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
  // A payment's place among its invoice's payments (oldest first, as the host counts them) names
  // its receipt, the reference quoted where the host has none of its own.
  for (const payment of data.payments) {
    const reference = paymentReference(payment) ?? receiptNumber(payment.invoiceNumber, payment.position);
    entries.push({
      day: fmt.isoDay(payment.paidAt),
      order: 1,
      currency: payment.currency,
      text: `${t('statement:payment', { number: payment.invoiceNumber, method: paymentMethodLabel(i18n, payment) })} · ${reference}`,
      charge: 0,
      credit: payment.amountCents,
    });
  }
  const opening = new Map(data.broughtForward.map((owed) => [owed.currency, owed.cents]));
  const currencies = [...new Set([...opening.keys(), ...entries.map((entry) => entry.currency)])].sort();
  const lines: PdfLine[] = [];
  const totals: PdfDocumentModel['totals'] = [];
  for (const currency of currencies) {
    const money = (cents: number) => fmt.money(cents, currency);
    let balance = opening.get(currency) ?? 0;
    let charged = 0;
    let paid = 0;
    // Where the period has a first day, each currency opens with what was owed then, zero included.
    if (data.from !== null)
      lines.push({
        description: `${fmt.day(data.from)} · ${t('statement:broughtForward')}`,
        quantity: '',
        unitPrice: '',
        taxRate: '',
        total: money(balance),
      });
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
      ...(data.from !== null ? [{ label: `${t('statement:broughtForward')}${suffix}`, value: money(opening.get(currency) ?? 0) }] : []),
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
    meta: [
      { label: t('statement:date'), value: fmt.day(today) },
      { label: t('statement:period'), value: periodText(i18n, data) },
      ...(named ? [] : [{ label: t('statement:client'), value: client }]),
    ],
    body: lines.length ? '' : t(data.from === null ? 'statement:empty' : 'statement:emptyPeriod'),
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

/** "1 Jan 2026 – 31 Dec 2026", "Since 4 Mar 2026", or "Since the first invoice". */
function periodText({ t, fmt }: RequestI18n, data: InvoiceStatementData): string {
  if (data.from === null) return t('statement:periodAll');
  if (data.before === null) return t('statement:periodSince', { from: fmt.day(data.from) });
  return t('statement:periodRange', { from: fmt.day(data.from), to: fmt.day(addDays(data.before, -1)) });
}
