// A payment from the portal, written as Alga's own payment landing writes one
// (packages/billing/src/services/accountingSync/recordExternalPayment.ts):
//   1. the invoice row locked (SELECT … FOR UPDATE), so two payments on one invoice queue;
//   2. invoice_payments: tenant, invoice_id, amount (cents), payment_method, payment_date,
//      reference_number, notes; status 'completed' and metadata '{}' by their defaults (metadata
//      payment_provider for a provider Alga has no method name for);
//   3. the invoice's status from the balance (computeBalanceDue: total_amount - credit_applied -
//      payments): 'paid' when nothing remains, else 'partially_applied'; updated_at now;
//   4. a transactions row: type 'payment', status 'completed', amount, client_id, invoice_id, a
//      description "Payment received via <method> - <reference>" and metadata naming the
//      provider, reference and currency; currency_code the invoice's (Alga leaves the column to
//      its 'USD' default, which is wrong for any other currency).
// A payment Stripe took is written as Alga's own webhook landing writes one
// (ee/server/src/lib/payments/PaymentService.ts recordPaymentFromWebhook → recordExternalPayment):
// payment_method 'stripe', the transaction's description "Payment received via Stripe - <payment
// intent>" and metadata stripe_payment_intent_id. A provider Alga has no name for (the portal's
// demo provider) is written as Alga's own method name for how it was paid ('credit_card'), the
// provider kept in the transaction's metadata (payment_provider).
// All in the caller's transaction. Unlike Alga's landing, an amount over the balance is refused:
// the portal never overpays.
import { activeClientIds, type Db } from './db.ts';
import { PAYABLE_STATUSES } from './invoices.ts';
import { cents } from '../money.ts';

export interface RecordedPaymentRow {
  payment_id: string;
  amount: string;
  payment_method: string | null;
  reference_number: string | null;
  payment_date: Date;
  provider: string | null;
}

interface PayableInvoice {
  invoice_id: string;
  client_id: string;
  status: string;
  total_amount: string;
  credit_applied: number | null;
  currency_code: string;
}

export async function recordInvoicePayment(
  trx: Db,
  args: {
    tenant: string;
    clientId: string;
    invoiceId: string;
    amountCents: number;
    method: string;
    reference: string | null;
    paidAt: Date;
    notes: string;
    /** The online provider that took it ('stripe'), if one did. */
    provider: string | null;
  },
): Promise<RecordedPaymentRow | null> {
  const invoice = await trx('invoices')
    .where({ tenant: args.tenant, invoice_id: args.invoiceId, client_id: args.clientId })
    .whereIn('client_id', activeClientIds(trx, args.tenant))
    .andWhereRaw('coalesce(is_prepayment, false) = false')
    .forUpdate()
    .first<PayableInvoice | undefined>([
      'invoice_id',
      'client_id',
      'status',
      trx.raw('total_amount::text as total_amount'),
      'credit_applied',
      'currency_code',
    ]);
  if (!invoice || !(PAYABLE_STATUSES as readonly string[]).includes(invoice.status)) return null;
  const paidRow = await trx('invoice_payments')
    .where({ tenant: args.tenant, invoice_id: invoice.invoice_id })
    .first<{ total: string }>(trx.raw('coalesce(sum(amount), 0)::text as total'));
  const balance = cents(invoice.total_amount) - (invoice.credit_applied ?? 0) - cents(paidRow?.total);
  if (args.amountCents <= 0 || args.amountCents > balance) return null;

  const reference = args.reference?.slice(0, 255) ?? null;
  // The payment_method Alga knows: 'stripe' where Stripe took it (as its webhook landing writes),
  // else Alga's own name for how it was paid ('credit_card'), never a provider Alga has no name
  // for (the portal's demo provider): Alga's payment lists and reports group by these names.
  const algaMethod = (args.provider === STRIPE ? STRIPE : args.method).slice(0, 100);
  const [payment] = await trx('invoice_payments')
    .insert({
      tenant: args.tenant,
      invoice_id: invoice.invoice_id,
      amount: args.amountCents,
      // recordExternalPayment: "Payment provider identifier, stored as invoice_payments.payment_method".
      payment_method: algaMethod,
      payment_date: args.paidAt,
      reference_number: reference,
      notes: args.notes,
      // A provider written under Alga's method name is noted here, so its id reads back as the
      // provider's, never as a reference the client may quote (Alga leaves metadata '{}').
      ...(args.provider && args.provider !== algaMethod ? { metadata: { payment_provider: args.provider } } : {}),
    })
    .returning<RecordedPaymentRow[]>([
      'payment_id',
      trx.raw('amount::text as amount') as unknown as string,
      'payment_method',
      'reference_number',
      'payment_date',
      trx.raw("metadata->>'payment_provider' as provider") as unknown as string,
    ]);
  if (!payment) throw new Error('alga-psa: insert into invoice_payments returned no row');
  const status = args.amountCents === balance ? 'paid' : 'partially_applied';
  if (status !== invoice.status) {
    await trx('invoices').where({ tenant: args.tenant, invoice_id: invoice.invoice_id }).update({ status, updated_at: trx.fn.now() });
  }
  await trx('transactions').insert({
    tenant: args.tenant,
    client_id: invoice.client_id,
    invoice_id: invoice.invoice_id,
    amount: args.amountCents,
    type: 'payment',
    status: 'completed',
    description: transactionDescription(algaMethod, reference).slice(0, 255),
    created_at: trx.fn.now(),
    metadata: {
      payment_provider: args.provider ?? args.method,
      reference_number: reference,
      currency: invoice.currency_code,
      ...(args.provider === STRIPE ? { stripe_payment_intent_id: reference } : {}),
    },
    currency_code: invoice.currency_code,
  });
  return payment;
}

const STRIPE = 'stripe';

/** recordExternalPayment's default description; PaymentService's own for Stripe. */
function transactionDescription(provider: string, reference: string | null): string {
  return provider === STRIPE ? `Payment received via Stripe - ${reference ?? ''}` : `Payment received via ${provider} - ${reference ?? ''}`;
}
