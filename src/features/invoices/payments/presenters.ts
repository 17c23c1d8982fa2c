// View models for the pay page and the demo checkout: figures already formatted in the reader's
// locale, links already built. Templates see these, never rows or port records.
import { type PortalContext, type RequestI18n, UNAPPLIED_PAYMENTS_PATH } from '../../../core/index.ts';
import type { UnappliedPaymentRow } from './queries.ts';
import type { BankTransferView } from './bank-transfer-view.ts';
import type { ClientCheckout, PaymentOptions } from './service.ts';

export function presentPayPage(
  i18n: RequestI18n,
  base: string,
  options: PaymentOptions,
  payable: boolean,
  ways: { online: boolean; bankTransfer: BankTransferView | null },
) {
  const { invoice, provider, onlineUnavailable } = options;
  const online = Boolean(provider && ways.online);
  const invoicePath = `${base}/invoices/${encodeURIComponent(invoice.id)}`;
  return {
    invoiceId: invoice.id,
    number: invoice.number,
    invoiceUrl: invoicePath,
    payUrl: `${invoicePath}/pay`,
    transferUrl: `${invoicePath}/pay/transfer`,
    total: i18n.fmt.money(invoice.totalCents, invoice.currency),
    paid: i18n.fmt.money(invoice.paidCents, invoice.currency),
    balance: i18n.fmt.money(invoice.balanceCents, invoice.currency),
    currency: invoice.currency,
    dueDate: invoice.dueDate ? i18n.fmt.day(invoice.dueDate) : null,
    payable,
    online:
      provider && online && !onlineUnavailable
        ? { id: provider.id, allowsPartial: provider.allowsPartial, isDemo: provider.id === 'demo' }
        : null,
    /** Paying online is on but its provider cannot take this workspace's payments now: the page says so. */
    onlineUnavailable: online && onlineUnavailable,
    bankTransfer: ways.bankTransfer,
  };
}

export function presentCheckout(i18n: RequestI18n, context: PortalContext, checkout: ClientCheckout) {
  const several = checkout.shares.length > 1;
  const invoicePath = `${context.base}/invoices/${encodeURIComponent(checkout.shares[0]!.invoice_id)}`;
  return {
    id: checkout.id,
    action: `${context.base}/payments/demo/${checkout.id}`,
    amount: i18n.fmt.money(checkout.amountCents, checkout.currency),
    payee: context.branding.workspaceName,
    status: checkout.status,
    completedAt: checkout.completedAt ? i18n.fmt.dateTime(checkout.completedAt) : null,
    /** What it pays, each invoice with its share, where it pays several. */
    shares: several
      ? checkout.shares.map((share) => ({
          number: share.invoice_number,
          amount: i18n.fmt.money(Number(share.amount_cents), share.currency),
        }))
      : [],
    // Back to the list with the checkout's id, which the list reads to say how the payment went.
    invoiceUrl: several ? `${context.base}/invoices?payment=${encodeURIComponent(checkout.id)}` : invoicePath,
    backLabel: i18n.t(several ? 'payments:demo.backToInvoices' : 'payments:demo.backToInvoice'),
    payUrl: several ? `${context.base}/invoices` : `${invoicePath}/pay`,
  };
}

/** What a checkout's status says to its client; `givenUp` when the client came back from the provider's page without paying. */
function outcomeState(checkout: ClientCheckout, givenUp: boolean) {
  // Money taken that could not be applied (the invoice was paid meanwhile, a second checkout):
  // the client is told it arrived and what happens to it, never that nothing was recorded.
  const { status } = checkout;
  if (status === 'recorded') return 'paid';
  if (status === 'unapplied' || status === 'refunded') return status;
  if (status === 'cancelled' || (status === 'pending' && givenUp)) return 'cancelled';
  return status === 'pending' ? 'pending' : 'refused';
}

/**
 * How a checkout the client just came back from went: paid (the provider's event arrived and the
 * payment is recorded), pending (not confirmed yet: the event is on its way, or a bank debit takes
 * days), cancelled (given up on the provider's page, or expired), refused, unapplied (received
 * but not applied: the agency applies or refunds it) or refunded.
 */
export function presentPayOutcome(i18n: RequestI18n, checkout: ClientCheckout, givenUp: boolean) {
  const amount = i18n.fmt.money(checkout.amountCents, checkout.currency);
  const state = outcomeState(checkout, givenUp);
  return { state, message: i18n.t(`payments:outcome.${state}`, { amount }), isError: state === 'refused' || state === 'cancelled' };
}

/**
 * The same, on the invoice list, for a checkout of several invoices: the sum, how many invoices,
 * and, where some share could not be applied (that invoice paid meanwhile), which were paid.
 */
export function presentSeveralOutcome(i18n: RequestI18n, checkout: ClientCheckout, givenUp: boolean) {
  const amount = i18n.fmt.money(checkout.amountCents, checkout.currency);
  const state = outcomeState(checkout, givenUp);
  const paid = checkout.shares.filter((share) => share.status === 'recorded').map((share) => share.invoice_number);
  const message =
    state === 'unapplied' && paid.length > 0
      ? i18n.t('payments:several.outcome.partlyApplied', { amount, paid: paid.join(', ') })
      : i18n.t(`payments:several.outcome.${state}`, { amount, count: checkout.shares.length });
  return { state, message, isError: state === 'refused' || state === 'cancelled' };
}

/** Money taken that could not be applied, for staff: what, why, and its refund (or the button). */
export function presentUnappliedPayments(i18n: RequestI18n, adminBase: string, rows: UnappliedPaymentRow[]) {
  const { t, fmt } = i18n;
  return rows.map((row) => ({
    id: row.id,
    receivedAt: fmt.dateTime(row.received_at),
    invoiceNumber: row.invoice_number,
    invoiceUrl: `${adminBase}/records/invoice/${encodeURIComponent(row.client_id)}/${encodeURIComponent(row.invoice_id)}`,
    amount: fmt.money(Number(row.amount_cents), row.currency),
    provider: row.provider,
    reference: row.reference,
    reason: t(`payments:staff.unapplied.reason.${row.reason}`),
    refund: row.refund_id
      ? { id: row.refund_id, at: row.refunded_at ? fmt.dateTime(row.refunded_at) : '', by: row.refunded_by_staff_id ?? '' }
      : null,
    refundAction: `${adminBase}${UNAPPLIED_PAYMENTS_PATH}/${encodeURIComponent(row.id)}/refund`,
  }));
}
