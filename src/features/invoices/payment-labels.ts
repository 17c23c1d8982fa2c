// How a client's page or document names a payment: its method in the reader's language, and a
// reference the client can quote to the agency: the host's own number for the payment (Dolibarr's
// PAY2611-0001), else what the payer or the agency wrote for it (a transfer's reference), else the
// payment's receipt number. Never the online provider's id (InvoicePayment.providerReference):
// that one is for staff reconciling with the provider.
import type { RequestI18n } from '../../core/index.ts';
import type { InvoicePayment } from './port.ts';

/**
 * Card, bank transfer, SEPA direct debit, ACH bank debit… in the reader's language; a method the
 * portal has no word for by the host's own name for it (as the host's staff entered it in the
 * host's dictionary, so in the host's language), and "Other" only where the host names it neither.
 */
export function paymentMethodLabel(i18n: RequestI18n, payment: Pick<InvoicePayment, 'method' | 'methodLabel'>): string {
  const hostLabel = payment.methodLabel?.trim();
  return i18n.t(`invoices:methods.${payment.method}`, { defaultValue: hostLabel || i18n.t('invoices:methods.other') });
}

/** The host's number or the payer's reference, where there is one. */
export function paymentReference(payment: Pick<InvoicePayment, 'number' | 'reference'>): string | null {
  const number = payment.number?.trim();
  if (number) return number;
  const reference = payment.reference?.trim();
  return reference || null;
}
