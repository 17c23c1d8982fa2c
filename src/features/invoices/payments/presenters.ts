// View models for the pay page and the demo checkout: figures already formatted in the reader's
// locale, links already built. Templates see these, never rows or port records.
import type { PortalContext, RequestI18n } from '../../../core/index.ts';
import type { ClientPaymentRow } from './queries.ts';
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
 * days), cancelled (given up on the provider's page, or expired) or refused.
 */
export function presentPayOutcome(i18n: RequestI18n, payment: ClientPaymentRow, givenUp: boolean) {
  const amount = i18n.fmt.money(Number(payment.amount_cents), payment.currency);
  const state =
    payment.status === 'recorded'
      ? 'paid'
      : payment.status === 'cancelled' || (payment.status === 'pending' && givenUp)
        ? 'cancelled'
        : payment.status === 'pending'
          ? 'pending'
          : 'refused';
  return { state, message: i18n.t(`payments:outcome.${state}`, { amount }), isError: state === 'refused' || state === 'cancelled' };
}
