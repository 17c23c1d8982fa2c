// How clients could pay: a list of payment methods (a dictionary table or a method column on
// payments/invoices), and any online payment integration (gateway, provider, checkout, Stripe-like
// ids). The portal takes card payments itself (Stripe), but the report says what the host already has.
import { learnedApplies } from '../recognition/learned.ts';
import { bestWordMatch, tokenize } from '../recognition/names.ts';
import type { TableProfile } from '../recognition/schema-model.ts';
import { MACHINERY_WORDS, OWN_BILLING_WORDS, TABLE_WORDS } from '../recognition/vocabulary.ts';
import type { Candidate, Evidence } from '../report-schema.ts';
import {
  absence,
  chosenProfile,
  clientSideTables,
  columnEvidence,
  linksTo,
  round,
  type DraftFinding,
  type FindingsContext,
} from './context.ts';

export function paymentMethodsFinding(context: FindingsContext): DraftFinding {
  const evidence: Evidence[] = [];
  for (const profile of context.model.profiles) {
    if (!profile.lookupShaped) continue;
    const match = bestWordMatch(profile.tokens, TABLE_WORDS.payment);
    if (match && match.weight >= 0.7)
      evidence.push({ kind: 'table', ref: profile.qualified, detail: `dictionary of payment methods ("${match.word}")` });
  }
  for (const id of ['payment', 'invoice'] as const) {
    const profile = chosenProfile(context, id);
    for (const column of profile?.roles.get('paymentMethod') ?? []) {
      if (profile)
        evidence.push(columnEvidence(profile.qualified, column, `payment method on ${id === 'payment' ? 'payments' : 'invoices'}`));
    }
  }
  const lookedAt =
    'dictionary tables named after payments (payment/paiement/zahlung types or modes) and method/mode columns on the payment and invoice tables';
  const base = { id: 'paymentMethods' as const, label: 'Payment options', candidates: [], notes: [], lookedAt };
  if (evidence.length > 0) {
    // The dictionary when there is one, else the table whose column names the method.
    const dictionary = evidence.find((e) => e.kind === 'table')?.ref;
    const holder = chosenProfile(context, 'payment') ?? chosenProfile(context, 'invoice');
    return {
      ...base,
      status: 'exists',
      chosenTable: dictionary ?? holder?.qualified ?? null,
      confidence: 0.7,
      lowConfidence: false,
      evidence,
    };
  }
  return {
    ...base,
    status: 'missing',
    chosenTable: null,
    confidence: 0,
    lowConfidence: false,
    evidence: [absence('payment and invoice tables', 'no payment method list or column')],
  };
}

const GATEWAY_TABLE_WORDS = new Set([
  'stripe',
  'paypal',
  'gateway',
  'psp',
  'checkout',
  'mollie',
  'adyen',
  'braintree',
  'gocardless',
  'razorpay',
]);
// payment_provider, payment_transaction, payment_intent: a payment table named after the integration.
const PROVIDER_WORDS = new Set(['provider', 'acquirer', 'transaction', 'intent', 'processor']);

const CONFIG_WORDS = new Set(['config', 'configuration', 'settings', 'credentials', 'parameters', 'params']);
export const SAVED_METHOD_WORDS: ReadonlySet<string> = new Set(['token', 'card', 'vault', 'mandate']);

interface GatewayCandidate {
  profile: TableProfile;
  score: number;
  reasons: string[];
  evidence: Evidence[];
}

/**
 * The online payment integration for the clients' invoices: provider-named tables and provider
 * columns, ranked by what they serve. Linked to invoices or payments (directly, through a link
 * table, or referenced by them) and to the client side counts; the product's own subscription
 * (plans, licences, app-store purchases with a provider column and no tie to clients or invoices)
 * and link tables are set aside.
 */
export function paymentGatewayFinding(context: FindingsContext): DraftFinding {
  const money = (['invoice', 'payment'] as const).map((id) => chosenProfile(context, id)?.qualified).filter((t): t is string => Boolean(t));
  const clients = clientSideTables(context);
  const found: GatewayCandidate[] = [];
  for (const profile of context.model.profiles) {
    const reasons: string[] = [];
    const evidence: Evidence[] = [];
    let score = 0;
    const named =
      profile.tokens.find((t) => GATEWAY_TABLE_WORDS.has(t)) ??
      // payment_transactions, not a ledger called transactions: the provider word next to a payment word.
      (profile.tokens.some((t) => !PROVIDER_WORDS.has(t) && bestWordMatch([t], TABLE_WORDS.payment))
        ? profile.tokens.find((t) => PROVIDER_WORDS.has(t))
        : undefined);
    if (named) {
      score += 0.4;
      reasons.push(`named after a payment integration ("${named}")`);
      evidence.push({ kind: 'table', ref: profile.qualified, detail: `payment integration table ("${named}")` });
    }
    const paymentish = bestWordMatch(profile.tokens, TABLE_WORDS.payment) || bestWordMatch(profile.tokens, TABLE_WORDS.invoice);
    // The table's own key and its links to other rows name rows of this CRM, not a provider's
    // (learned on Alga PSA and Dolibarr, 74e98655).
    const keysAndLinks = new Set(
      learnedApplies(['alga-psa', 'dolibarr']) ? [...profile.table.primaryKey, ...profile.outgoing.flatMap((l) => l.columns)] : [],
    );
    const columns = (profile.roles.get('paymentGateway') ?? []).filter(
      (c) => !keysAndLinks.has(c.name) && (paymentish || !tokenize(c.name).includes('transaction')),
    );
    if (columns.length > 0) {
      score += named ? 0.1 : 0.3;
      reasons.push(
        `payment provider columns: ${columns
          .slice(0, 3)
          .map((c) => c.name)
          .join(', ')}`,
      );
      for (const c of columns.slice(0, 3)) evidence.push(columnEvidence(profile.qualified, c, 'payment provider reference'));
    }
    if (score === 0) continue;
    const toMoney = tiedTo(profile, money, context);
    if (toMoney) {
      score += 0.3;
      reasons.push(`serves invoices or payments (${toMoney})`);
    }
    const toClients = clients.includes(profile.qualified) ? 'the client table itself' : tiedTo(profile, clients, context);
    if (toClients) {
      score += 0.2;
      reasons.push(`tied to clients (${toClients})`);
    }
    // The agency's settings for a provider (its keys and options in a config column), kept apart
    // from any one client: the integration itself.
    // Learned on Invoice Ninja's company_gateways (2d5a7cfb), as is the penalty below.
    const agencyProvider = learnedApplies('invoiceninja');
    const config = profile.table.columns.find((c) => tokenize(c.name).some((w) => CONFIG_WORDS.has(w)));
    const ownedByClient = linksTo(profile, clients);
    if (agencyProvider && config && !ownedByClient) {
      score += 0.2;
      reasons.push(`configures the provider for the agency (${config.name})`);
    }
    // A client's saved card or bank token at the provider: one row per client, a use of the
    // integration rather than the integration.
    const saved = profile.table.columns.find((c) => tokenize(c.name).some((w) => SAVED_METHOD_WORDS.has(w)));
    if (agencyProvider && ownedByClient && saved) {
      score *= 0.6;
      reasons.push(`penalty: a client's saved payment method (${saved.name}, ${ownedByClient.columns.join(', ')} → ${ownedByClient.to})`);
    }
    const own = profile.tokens.find((t) => OWN_BILLING_WORDS.has(t));
    if (own && !toMoney && !toClients) {
      score *= 0.3;
      reasons.push(`penalty: the product's own billing ("${own}"), tied to neither clients nor their invoices`);
    }
    const holds = (['company', 'contact', 'staffUser', 'payment', 'invoice'] as const).find(
      (id) => context.tables.get(id)?.chosen === profile.qualified,
    );
    if (holds) {
      score *= 0.6;
      reasons.push(`penalty: the ${holds} table, carrying a provider reference for its own rows rather than being the integration`);
    }
    if (profile.linkShaped) {
      score *= 0.5;
      reasons.push('penalty: a link table between two others');
    }
    const machinery = profile.tokens.find((t) => MACHINERY_WORDS.has(t));
    if (machinery) {
      score *= 0.5;
      reasons.push(`penalty: part of an integration or pipeline log ("${machinery}")`);
    }
    found.push({ profile, score: round(score), reasons, evidence });
  }
  found.sort((a, b) => b.score - a.score || (a.profile.qualified < b.profile.qualified ? -1 : 1));
  const candidates: Candidate[] = found.slice(0, 5).map((f) => ({ table: f.profile.qualified, confidence: f.score, reasons: f.reasons }));
  const lookedAt =
    "tables and columns named after payment providers or gateways (stripe, paypal, gateway, payment provider/transaction/intent, transaction ids), ranked by their tie to the invoices, payments and clients; the product's own subscription billing set aside";
  const base = { id: 'paymentGateway' as const, label: 'Online payment integration', lookedAt };
  const best = found[0];
  if (best && best.score >= 0.45) {
    const evidence = found
      .filter((f) => f.score >= 0.45)
      .flatMap((f) => f.evidence)
      .slice(0, 8);
    return {
      ...base,
      status: 'exists',
      chosenTable: best.profile.qualified,
      confidence: best.score,
      lowConfidence: best.score < 0.65,
      candidates,
      evidence,
      notes: [],
    };
  }
  return {
    ...base,
    status: 'missing',
    chosenTable: null,
    confidence: best?.score ?? 0,
    lowConfidence: false,
    candidates,
    evidence:
      found.length > 0
        ? found.slice(0, 5).map((f) => absence(f.profile.qualified, `provider columns or name, not counted: ${f.reasons.join('; ')}`))
        : [absence(`${context.model.profiles.length} host tables`, 'no payment provider tables or columns')],
    notes: [],
  };
}

/** How a table is tied to any of the targets: a link out, a link table, or a link from them. */
function tiedTo(profile: TableProfile, targets: readonly string[], context: FindingsContext): string | null {
  // Every table points at the tenant: that says nothing about what the tenant table serves.
  // Learned on Alga PSA and Dolibarr (74e98655).
  const tenant = context.model.tenant;
  if (tenant && profile.qualified === tenant.table && learnedApplies(['alga-psa', 'dolibarr'])) return null;
  const out = linksTo(profile, targets);
  if (out) return `${out.columns.join(', ')} → ${out.to}`;
  const incoming = profile.incoming.find((l) => targets.includes(l.from));
  if (incoming) return `${incoming.from}.${incoming.columns.join(', ')} → here`;
  for (const link of profile.incoming) {
    const bridge = context.model.byName.get(link.from);
    const far = bridge?.linkShaped ? bridge.outgoing.find((l) => targets.includes(l.to)) : undefined;
    if (far) return `through ${link.from}`;
  }
  return null;
}
