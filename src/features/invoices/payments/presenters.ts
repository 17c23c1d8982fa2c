// View models for the pay page and the demo checkout: figures already formatted in the reader's
// locale, links already built. Templates see these, never rows or port records.
import { type PortalContext, type RequestI18n, UNAPPLIED_PAYMENTS_PATH } from '../../../core/index.ts';
import type { ClientPaymentRow, UnappliedPaymentRow } from './queries.ts';
import type { BankTransferView } from './bank-transfer-view.ts';
import type { PaymentOptions } from './service.ts';

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

export function presentCheckout(i18n: RequestI18n, context: PortalContext, payment: ClientPaymentRow) {
  const invoicePath = `${context.base}/invoices/${encodeURIComponent(payment.invoice_id)}`;
  return {
    id: payment.id,
    action: `${context.base}/payments/demo/${payment.id}`,
    amount: i18n.fmt.money(Number(payment.amount_cents), payment.currency),
    payee: context.branding.workspaceName,
    status: payment.status,
    completedAt: payment.completed_at ? i18n.fmt.dateTime(payment.completed_at) : null,
    invoiceUrl: invoicePath,
    payUrl: `${invoicePath}/pay`,
  };
}

/**
 * How a checkout the client just came back from went: paid (the provider's event arrived and the
 * payment is recorded), pending (not confirmed yet: the event is on its way, or a bank debit takes
 * days), cancelled (given up on the provider's page, or expired), refused, unapplied (received
 * but not applied: the agency applies or refunds it) or refunded.
 */
export function presentPayOutcome(i18n: RequestI18n, payment: ClientPaymentRow, givenUp: boolean) {
  const amount = i18n.fmt.money(Number(payment.amount_cents), payment.currency);
  // Money taken that could not be applied (the invoice was paid meanwhile, a second checkout):
  // the client is told it arrived and what happens to it, never that nothing was recorded.
  const state =
    payment.status === 'recorded'
      ? 'paid'
      : payment.status === 'unapplied' || payment.status === 'refunded'
        ? payment.status
        : payment.status === 'cancelled' || (payment.status === 'pending' && givenUp)
          ? 'cancelled'
          : payment.status === 'pending'
            ? 'pending'
            : 'refused';
  return { state, message: i18n.t(`payments:outcome.${state}`, { amount }), isError: state === 'refused' || state === 'cancelled' };
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
