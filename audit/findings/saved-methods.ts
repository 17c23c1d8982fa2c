// What the host keeps so a client is charged without paying by hand: saved payment methods and
// mandates (card tokens, vaulted methods, SEPA mandates, a customer's id at a provider), and
// recurring invoices (templates with a frequency and a next date). The portal keeps its own saved
// methods at its provider and shows "coming next" from the host's recurring invoices; a host's
// existing mandates are reported so a person knows they exist, never imported.
import type { CatalogColumn } from '../catalog/types.ts';
import { tokenize } from '../recognition/names.ts';
import type { TableProfile } from '../recognition/schema-model.ts';
import type { Evidence } from '../report-schema.ts';
import { absence, clientSideTables, columnEvidence, linksTo, list, type DraftFinding, type FindingsContext } from './context.ts';
import { SAVED_METHOD_WORDS } from './payments.ts';
import { checkValues } from './samples.ts';

const has = (column: CatalogColumn, words: ReadonlySet<string>) => tokenize(column.name).some((w) => words.has(w));
const find = (profile: TableProfile, test: (c: CatalogColumn) => boolean) => profile.table.columns.filter(test);

/** Tables tied to the client side by a link of their own; the client tables themselves are not. */
function clientTied(context: FindingsContext): { profile: TableProfile; link: string }[] {
  const clients = clientSideTables(context);
  const out: { profile: TableProfile; link: string }[] = [];
  for (const profile of context.model.profiles) {
    if (clients.includes(profile.qualified)) continue;
    const link = linksTo(profile, clients);
    if (link) out.push({ profile, link: `${link.columns.join(', ')} → ${link.to}` });
  }
  return out;
}

// "rum" is the French SEPA mandate reference (référence unique de mandat), as Dolibarr names it.
const MANDATE_WORDS = new Set(['mandate', 'mandat', 'rum', 'sepa']);
const TOKEN_WORDS = new Set(['token', 'vault', 'vaulted']);
const CARD_WORDS = new Set(['card', 'last4', 'four', 'brand', 'exp', 'expiry', 'expiration']);
const PROVIDER_WORDS = new Set(['provider', 'stripe', 'gateway', 'paypal', 'gocardless', 'mollie', 'braintree', 'adyen']);
const CUSTOMER_REF_WORDS = new Set(['customer', 'ref', 'reference', 'account', 'key']);
// A client's bank account, without a mandate to collect from it.
const BANK_WORDS = new Set(['iban', 'bic', 'rib', 'bank']);
const METHOD_TABLE_WORDS = new Set([...SAVED_METHOD_WORDS, 'vault', 'sepa', 'rib', 'gateway', 'stripe']);
const PAYMENT_TABLE_WORDS = new Set(['payment', 'gateway', 'stripe', 'card', 'sepa']);
// Sign-in tokens a client holds (OAuth, API, password reset) are not a way to pay.
const SIGN_IN_WORDS = new Set(['oauth', 'auth', 'login', 'session', 'api', 'password', 'reset', 'access', 'invitation']);

export function savedPaymentMethodsFinding(context: FindingsContext): DraftFinding {
  const full: Evidence[] = [];
  const partial: Evidence[] = [];
  let fullTable: { table: string; weight: number } | null = null;
  let partialTable: string | null = null;
  for (const { profile, link } of clientTied(context)) {
    if (profile.tokens.some((t) => SIGN_IN_WORDS.has(t))) continue;
    const named = profile.tokens.find((t) => METHOD_TABLE_WORDS.has(t));
    const mandates = find(profile, (c) => has(c, MANDATE_WORDS));
    const tokens = named ? find(profile, (c) => has(c, TOKEN_WORDS)) : [];
    const cards = find(profile, (c) => has(c, CARD_WORDS) && !c.name.includes('discard'));
    const providerRefs = find(profile, (c) => has(c, PROVIDER_WORDS) && has(c, CUSTOMER_REF_WORDS));
    // Dolibarr's llx_societe_account: one row per client and site; site = 'stripe' holds the
    // client's Stripe customer id in key_account. Which sites are used is data, not schema.
    const site = profile.table.columns.find((c) => c.name === 'site');
    const siteKey = site ? find(profile, (c) => has(c, new Set(['key'])) && has(c, new Set(['account']))) : [];
    const bank = find(profile, (c) => has(c, BANK_WORDS));
    // A payment table named for what it stores (Odoo's payment_token, client_gateway_tokens).
    const savedWords = profile.tokens.filter((t) => SAVED_METHOD_WORDS.has(t));
    const namedForMethods = profile.tokens.some((t) => PAYMENT_TABLE_WORDS.has(t) && savedWords.some((w) => w !== t));
    const savesMethods = mandates.length > 0 || tokens.length > 0 || (named && cards.length > 0) || namedForMethods;
    if (savesMethods) {
      // Mandates weigh most: a client's consent to be charged, the thing the report is about.
      const weight = mandates.length * 2 + tokens.length + cards.length;
      if (!fullTable || weight > fullTable.weight) fullTable = { table: profile.qualified, weight };
      full.push({
        kind: 'table',
        ref: profile.qualified,
        detail: `saved payment methods of a client (${link})${namedForMethods ? ', named for them' : ''}`,
      });
      for (const c of mandates.slice(0, 3)) full.push(columnEvidence(profile.qualified, c, 'mandate reference or date'));
      for (const c of tokens.slice(0, 2)) full.push(columnEvidence(profile.qualified, c, 'token of a saved method at the provider'));
      for (const c of [...cards, ...providerRefs].slice(0, 3))
        full.push(columnEvidence(profile.qualified, c, 'card or provider reference'));
    } else if (providerRefs.length > 0 || (site && siteKey.length > 0) || (named && bank.length > 0)) {
      partialTable ??= profile.qualified;
      for (const c of providerRefs.slice(0, 2))
        partial.push(columnEvidence(profile.qualified, c, `a client's reference at a payment provider (${link})`));
      if (site && siteKey[0])
        partial.push(
          columnEvidence(
            profile.qualified,
            siteKey[0],
            `a client's id on an outside site named in ${site.name} (a provider's customer id where it names one, e.g. 'stripe'; values not sampled)`,
          ),
        );
      for (const c of bank.slice(0, 2)) partial.push(columnEvidence(profile.qualified, c, `a client's bank account (${link}), no mandate`));
    }
  }
  const lookedAt =
    'tables tied to the client table holding mandates (mandate, SEPA, rum columns), saved tokens (token, vault), card details (card type, last four digits, expiry) or a customer reference at a payment provider';
  const base = { id: 'savedPaymentMethods' as const, label: 'Saved payment methods and mandates', candidates: [], lookedAt };
  const notes = [
    "the portal keeps the saved methods clients add (cards, SEPA mandates) at its own payment provider; the host's existing mandates and tokens are reported here, not imported",
  ];
  if (fullTable)
    return {
      ...base,
      status: 'exists',
      chosenTable: fullTable.table,
      confidence: 0.7,
      lowConfidence: false,
      evidence: [
        ...full.filter((e) => e.ref.startsWith(fullTable.table)),
        ...full.filter((e) => !e.ref.startsWith(fullTable.table)),
        ...partial,
      ].slice(0, 10),
      notes,
    };
  if (partialTable)
    return {
      ...base,
      status: 'partial',
      chosenTable: partialTable,
      confidence: 0.5,
      lowConfidence: true,
      evidence: partial.slice(0, 6),
      notes,
    };
  return {
    ...base,
    status: 'missing',
    chosenTable: null,
    confidence: 0,
    lowConfidence: false,
    evidence: [absence('tables tied to the client table', 'no mandate, token, card or provider customer columns')],
    notes,
  };
}

// llx_facture_rec: facture + rec; recurring_invoices; client_billing_cycles.
const RECURRING_WORDS = new Set(['recurring', 'recurrent', 'rec', 'repeat', 'repeating', 'periodic', 'wiederkehrend', 'abonnement']);
const INVOICE_WORDS = new Set(['invoice', 'invoices', 'facture', 'rechnung', 'bill', 'billing']);
const CYCLE_WORDS = new Set(['cycle', 'cycles', 'schedule', 'schedules']);
const FREQUENCY_WORDS = new Set(['frequency', 'interval', 'every', 'recurrence', 'periodicity']);
// A billing cycle names the period when no frequency column does (Alga's billing_cycle).
const CYCLE_COLUMN_WORDS = new Set(['cycle']);
// Supplier invoices recur too, but the portal shows a client's.
const SUPPLIER_WORDS = new Set(['fourn', 'fournisseur', 'supplier', 'vendor', 'purchase', 'lieferant']);
// Parts of an amount, not the amount of each invoice.
const NOT_THE_AMOUNT = new Set([
  'discount',
  'tax',
  'taxes',
  'tva',
  'vat',
  'rate',
  'partial',
  'paid',
  'balance',
  'surcharge',
  'remise',
  'localtax1',
  'localtax2',
  'multicurrency',
  'is',
]);
const UNIT_WORDS = new Set(['unit']);
const NEXT_WORDS = new Set(['next']);
// Dolibarr's date_when is the day the next invoice is generated; the name alone does not say so.
const WHEN_WORDS = new Set(['when', 'due', 'run', 'send', 'start', 'end', 'effective']);

interface RecurringRead {
  profile: TableProfile;
  link: string;
  frequency: CatalogColumn[];
  unit: CatalogColumn[];
  next: CatalogColumn[];
  guessedNext: CatalogColumn[];
  amount: CatalogColumn[];
}

function readRecurring(profile: TableProfile, link: string): RecurringRead | null {
  const words = profile.tokens;
  const recurring = words.some((w) => RECURRING_WORDS.has(w));
  const invoiceish = words.some((w) => INVOICE_WORDS.has(w));
  const cycle = words.some((w) => CYCLE_WORDS.has(w));
  if (!invoiceish || !(recurring || cycle)) return null;
  // The host's own extra fields and invitations hang off the template; they are not it.
  if (words.some((w) => SUPPLIER_WORDS.has(w))) return null;
  if (words.some((w) => ['extrafields', 'invitation', 'invitations', 'line', 'lines', 'det'].includes(w))) return null;
  const dates = profile.table.columns.filter((c) => c.category === 'D');
  const named = find(profile, (c) => has(c, FREQUENCY_WORDS) && !has(c, UNIT_WORDS));
  const frequency = named.length > 0 ? named : find(profile, (c) => has(c, CYCLE_COLUMN_WORDS) && !has(c, new Set(['remaining'])));
  const unit = find(profile, (c) => has(c, UNIT_WORDS) || c.name === 'unit');
  const next = dates.filter((c) => has(c, NEXT_WORDS));
  const guessedNext = next.length > 0 ? [] : dates.filter((c) => has(c, WHEN_WORDS));
  const amount = (profile.roles.get('amount') ?? [])
    .filter((c) => !has(c, NOT_THE_AMOUNT))
    .sort((a, b) => (a.name === 'amount' ? 0 : 1) - (b.name === 'amount' ? 0 : 1));
  if (frequency.length === 0 && next.length === 0) return null;
  return { profile, link, frequency, unit, next, guessedNext, amount };
}

export function recurringInvoicesFinding(context: FindingsContext): DraftFinding {
  const found = clientTied(context)
    .map(({ profile, link }) => readRecurring(profile, link))
    .filter((r): r is RecurringRead => r !== null);
  const rank = (r: RecurringRead) =>
    (r.frequency.length > 0 ? 1 : 0) + (r.next.length > 0 ? 1 : r.guessedNext.length > 0 ? 0.5 : 0) + (r.amount.length > 0 ? 1 : 0);
  found.sort((a, b) => rank(b) - rank(a) || (a.profile.qualified < b.profile.qualified ? -1 : 1));
  const lookedAt =
    'invoice tables named recurring, rec or billing cycle and tied to the client table, with a frequency (and its unit), the next date and an amount';
  const base = { id: 'recurringInvoices' as const, label: 'Recurring invoices', lookedAt };
  const candidates = found.slice(0, 5).map((r) => ({
    table: r.profile.qualified,
    confidence: Math.round((rank(r) / 3) * 100) / 100,
    reasons: [`tied to clients (${r.link})`],
  }));
  const best = found[0];
  if (!best)
    return {
      ...base,
      status: 'missing',
      chosenTable: null,
      confidence: 0,
      lowConfidence: false,
      candidates,
      evidence: [absence('tables tied to the client table', 'no recurring invoice templates or billing cycles')],
      notes: ['the portal shows no invoices coming next: the host keeps no schedule to read them from'],
    };
  const at = best.profile.qualified;
  const evidence: Evidence[] = [{ kind: 'table', ref: at, detail: `recurring invoices of a client (${best.link})` }];
  for (const c of best.frequency.slice(0, 2)) evidence.push(columnEvidence(at, c, 'frequency'));
  for (const c of best.unit.slice(0, 1)) evidence.push(columnEvidence(at, c, 'frequency unit'));
  for (const c of best.next.slice(0, 2)) evidence.push(columnEvidence(at, c, 'next date'));
  for (const c of best.guessedNext.slice(0, 2)) evidence.push(columnEvidence(at, c, 'may be the next date (named without "next")'));
  for (const c of best.amount.slice(0, 2)) evidence.push(columnEvidence(at, c, 'amount of each invoice'));
  // What a person must settle before "coming next" can be shown: the questions the schema leaves open.
  const questions: string[] = [];
  if (best.next.length === 0)
    questions.push(
      best.guessedNext.length > 0
        ? `question: is ${list(best.guessedNext.map((c) => `${at}.${c.name}`))} the date the next invoice is issued?`
        : `question: which column of ${at} holds the date the next invoice is issued?`,
    );
  const frequency = best.frequency[0];
  // The unit's values, where the schema states them (an enum type or a check constraint).
  const unitValues = best.unit.flatMap((c) => (c.enumLabels.length > 0 ? c.enumLabels : checkValues(best.profile, c.name)));
  if (unitValues.length > 0)
    evidence.push({ kind: 'value', ref: `${at}.${best.unit[0]?.name}`, detail: `frequency units: ${list(unitValues)}` });
  const unitStated = unitValues.length > 0 || best.unit.some((c) => c.comment) || (frequency && frequency.category === 'S');
  if (frequency && !unitStated)
    questions.push(
      best.unit.length > 0
        ? `question: which values of ${at}.${best.unit[0]?.name} mean day, week, month and year (the schema does not list them)?`
        : `question: what unit is ${at}.${frequency.name} in (an id of a frequency list, or a number of days or months)?`,
    );
  const complete = best.frequency.length > 0 && (best.next.length > 0 || best.guessedNext.length > 0) && best.amount.length > 0;
  const notes = [
    complete
      ? "the portal shows each client's invoices coming next from these templates, read through the adapter"
      : 'billing periods without an amount ahead: the portal can say when the next invoice comes, not how much',
    ...questions,
  ];
  return {
    ...base,
    status: complete ? 'exists' : 'partial',
    chosenTable: at,
    confidence: complete ? (questions.length > 0 ? 0.65 : 0.8) : 0.5,
    lowConfidence: !complete,
    candidates,
    evidence,
    notes,
  };
}
