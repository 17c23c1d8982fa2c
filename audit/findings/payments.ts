// How clients could pay: a list of payment methods (a dictionary table or a method column on
// payments/invoices), and any online payment integration (gateway, provider, checkout, Stripe-like
// ids). The portal only needs a placeholder, but the report says what the host already has.
import { bestWordMatch, tokenize } from '../recognition/names.ts';
import { TABLE_WORDS } from '../recognition/vocabulary.ts';
import type { Evidence } from '../report-schema.ts';
import { absence, chosenProfile, columnEvidence, type DraftFinding, type FindingsContext } from './context.ts';

export function paymentMethodsFinding(context: FindingsContext): DraftFinding {
  const evidence: Evidence[] = [];
  for (const profile of context.model.profiles) {
    if (!profile.lookupShaped) continue;
    const match = bestWordMatch(profile.tokens, TABLE_WORDS.payment);
    if (match && match.weight >= 0.7) evidence.push({ kind: 'table', ref: profile.qualified, detail: `dictionary of payment methods ("${match.word}")` });
  }
  for (const id of ['payment', 'invoice'] as const) {
    const profile = chosenProfile(context, id);
    for (const column of profile?.roles.get('paymentMethod') ?? []) {
      if (profile) evidence.push(columnEvidence(profile.qualified, column, `payment method on ${id === 'payment' ? 'payments' : 'invoices'}`));
    }
  }
  const lookedAt = 'dictionary tables named after payments (payment/paiement/zahlung types or modes) and method/mode columns on the payment and invoice tables';
  const base = { id: 'paymentMethods' as const, label: 'Payment options', candidates: [], notes: [], lookedAt };
  if (evidence.length > 0) {
    // The dictionary when there is one, else the table whose column names the method.
    const dictionary = evidence.find((e) => e.kind === 'table')?.ref;
    const holder = chosenProfile(context, 'payment') ?? chosenProfile(context, 'invoice');
    return { ...base, status: 'exists', chosenTable: dictionary ?? holder?.qualified ?? null, confidence: 0.7, lowConfidence: false, evidence };
  }
  return { ...base, status: 'missing', chosenTable: null, confidence: 0, lowConfidence: false, evidence: [absence('payment and invoice tables', 'no payment method list or column')] };
}

const GATEWAY_TABLE_WORDS = new Set(['stripe', 'paypal', 'gateway', 'psp', 'checkout', 'mollie', 'adyen', 'braintree', 'gocardless', 'razorpay']);

export function paymentGatewayFinding(context: FindingsContext): DraftFinding {
  const evidence: Evidence[] = [];
  for (const profile of context.model.profiles) {
    const named = profile.tokens.find((t) => GATEWAY_TABLE_WORDS.has(t));
    if (named) evidence.push({ kind: 'table', ref: profile.qualified, detail: `payment integration table ("${named}")` });
    const paymentish = bestWordMatch(profile.tokens, TABLE_WORDS.payment) || bestWordMatch(profile.tokens, TABLE_WORDS.invoice);
    for (const column of profile.roles.get('paymentGateway') ?? []) {
      const words = tokenize(column.name);
      // A bare transaction_id only counts on payment or invoice tables.
      if (!paymentish && words.includes('transaction')) continue;
      evidence.push(columnEvidence(profile.qualified, column, 'payment provider reference'));
    }
  }
  const lookedAt = 'tables and columns named after payment providers or gateways (stripe, paypal, gateway, provider, checkout, payment intent, transaction ids)';
  const base = { id: 'paymentGateway' as const, label: 'Online payment integration', candidates: [], notes: [], lookedAt };
  if (evidence.length > 0) {
    const first = evidence[0];
    return { ...base, status: 'exists', chosenTable: first?.kind === 'table' ? first.ref : first?.ref.split('.').slice(0, -1).join('.') ?? null, confidence: 0.7, lowConfidence: false, evidence: evidence.slice(0, 8), notes: evidence.length > 8 ? [`${evidence.length - 8} more`] : [] };
  }
  return { ...base, status: 'missing', chosenTable: null, confidence: 0, lowConfidence: false, evidence: [absence(`${context.model.profiles.length} host tables`, 'no payment provider tables or columns')] };
}
