// A payment from the portal, of one invoice or several together, written as Dolibarr's
// Paiement::create writes a customer payment (htdocs/compta/paiement/class/paiement.class.php)
// with closepaidinvoices on, one amount per invoice as its payment screen (compta/paiement.php)
// passes them:
//   1. llx_paiement: entity, ref from the default numbering module (mod_payment_cicada:
//      PAY<yymm of the payment date>-<counter of 4 digits, over the entity's PAY refs>), ref_ext '',
//      datec now, datep the payment date, amount and multicurrency_amount (the lines' totals),
//      fk_paiement (the llx_c_paiement mode), num_paiement, note, fk_user_creat, pos_change 0; statut and fk_export_compta keep their defaults. A payment an online provider
//      took is written as htdocs/public/payment/paymentok.php writes one: num_paiement '', the
//      provider's reference in ext_payment_id and ext_payment_site 'StripeLive' / 'StripeTest'
//      (the $service STRIPE_LIVE decides) or the provider's name.
//   2. per invoice, llx_paiement_facture: fk_facture, fk_paiement, amount, multicurrency_amount
//      (at the invoice's rate), multicurrency_code and multicurrency_tx of the payment (the first
//      invoice's).
//   3. per invoice, right after its line, when nothing remains to pay on it, Facture::setPaid:
//      fk_statut 2, paye 1, fk_user_closing, date_closing now, and its BILL_PAYED trigger's agenda
//      event where the entity's agenda setup asks for one (agenda.ts).
//   4. a Stripe payment, where the bank module is on and STRIPE_BANK_ACCOUNT_FOR_PAYMENTS names an
//      account: Paiement::addPaymentToBank (mode 'payment', label '(CustomerInvoicePayment)'):
//      one llx_bank line for the total (Account::addline → AccountLine::insert), llx_paiement.fk_bank
//      (update_fk_bank), and two llx_bank_url links, 'payment' to the payment and 'company' to
//      the invoices' third party, once (Account::add_url_line). Otherwise fk_bank stays 0.
// All in the caller's transaction. The invoice rows are locked first, in rowid order, so two
// payments on one invoice queue; an advisory lock per entity keeps two payments from taking the
// same PAY ref.
import { recordAgendaEvent } from './agenda.ts';
import type { Db } from './db.ts';
import { INVOICE_CLOSED, INVOICE_VALIDATED } from './invoices.ts';
import { toCents, toDecimal } from '../money.ts';
import type { StripeModuleSettings } from './constants.ts';
import { invoicesSeenBy } from './visibility.ts';
import { dropUnpaidInvoice } from './unpaid-invoices.ts';

/**
 * Invoice types a payment from the portal may settle: standard and replacement. Deposits (3) are
 * left out because Dolibarr turns a settled deposit into a discount (llx_societe_remise_except),
 * which is bookkeeping for staff; situation invoices (5) are progress billing staff reconcile.
 */
const PAYABLE_TYPES = [0, 1] as const;

/** llx_c_paiement codes (Dolibarr's install data) for the portal's payment methods. */
export const MODE_CODES: Record<string, string> = { bank_transfer: 'VIR', card: 'CB', check: 'CHQ', cash: 'LIQ', direct_debit: 'PRE' };
const DEFAULT_MODE_CODE = 'CB';

export interface RecordedPaymentRow {
  rowid: number;
  ref: string;
  amount: string;
  num_paiement: string | null;
  ext_payment_id: string | null;
  datep: Date;
  code: string;
}

interface PayableInvoice {
  rowid: number;
  ref: string;
  fk_projet: number | null;
  fk_statut: number;
  paye: number;
  total_ttc: string;
  multicurrency_code: string | null;
  multicurrency_tx: string | null;
}

/** yymm of a date in the server's time zone, as PHP's dol_print_date(…, '%y%m') gives it. */
const yymm = (date: Date) => `${String(date.getFullYear() % 100).padStart(2, '0')}${String(date.getMonth() + 1).padStart(2, '0')}`;

/** mod_payment_cicada::getNextValue: the entity's highest PAY counter plus one, 4 digits until 9999. */
async function nextPaymentRef(trx: Db, entity: number, paidAt: Date): Promise<string> {
  // Serialises ref numbering per entity inside the transaction (released at commit or rollback).
  await trx.raw('select pg_advisory_xact_lock(?, ?)', [0x646f6c69, entity]);
  const row = await trx('llx_paiement')
    .where('entity', entity)
    .andWhereRaw("ref like 'PAY____-%'")
    .first<{ max: number | null }>(
      trx.raw("max(case when substring(ref from 9) ~ '^[0-9]+$' then substring(ref from 9)::bigint end) as max"),
    );
  const next = Number(row?.max ?? 0) + 1;
  return `PAY${yymm(paidAt)}-${next >= 9999 ? String(next) : String(next).padStart(4, '0')}`;
}

/** The provider id the portal's Stripe payments carry (NewPayment.provider). */
const STRIPE = 'stripe';

/** Label of a customer payment's bank line, as paymentok.php passes it to addPaymentToBank (translated on display). */
const BANK_LINE_LABEL = '(CustomerInvoicePayment)';

/**
 * The llx_bank_url.url prefixes addPaymentToBank writes after DOL_URL_ROOT. The column is
 * deprecated (Dolibarr links by url_id and type); DOL_URL_ROOT is '' where Dolibarr is served
 * from the web root.
 */
const PAYMENT_URL = '/compta/paiement/card.php?id=';
const COMPANY_URL = '/comm/card.php?socid=';

/** What a payment from the portal says, whatever invoices it pays. */
interface PaymentArgs {
  entity: number;
  companyId: number;
  method: string;
  reference: string | null;
  paidAt: Date;
  userId: number | null;
  note: string;
  currency: string;
  /** The online provider that took it, if one did. */
  provider: string | null;
  /** The Stripe module's settings, read for a Stripe payment. */
  stripe: StripeModuleSettings | null;
}

/** One invoice's part of a payment. */
export interface PaymentShare {
  invoiceId: number;
  amountCents: number;
}

/**
 * One payment of one invoice or several, as Paiement::create writes one from Dolibarr's payment
 * screen (htdocs/compta/paiement.php, an amount per invoice): one llx_paiement for their total, a
 * llx_paiement_facture line per invoice, each invoice closed when nothing remains to pay on it,
 * and one bank line for the total. Answers per share, in order: the payment (with the share's
 * amount) or null where the share cannot be applied (an invoice not open, not the company's, paid
 * twice in the list, in another currency than the first share's, or an amount over its balance);
 * the others are still written. Nothing is written when no share applies.
 */
export async function recordInvoicesPayment(
  trx: Db,
  args: PaymentArgs & { shares: readonly PaymentShare[] },
): Promise<Array<RecordedPaymentRow | null>> {
  const applied = await applicableShares(trx, args, args.shares);
  const taken = applied.filter((share): share is AppliedShare => share !== null);
  const first = taken[0];
  if (!first) return applied.map(() => null);

  const stripe = args.provider === STRIPE ? args.stripe : null;
  const mode = await paymentMode(trx, args.entity, stripe?.paymentModeId ?? 0, MODE_CODES[args.method] ?? DEFAULT_MODE_CODE);
  const code = mode.code;
  const online = args.provider ? { id: args.reference?.slice(0, 255) ?? null, site: externalSite(args.provider, stripe) } : null;

  // Each amount at its invoice's rate, rounded as price2num(…, 'MT') (2 decimals); the payment's
  // converted total is their sum, and every line carries the first invoice's rate and currency
  // ($currencytxofpayment, $currencyofpayment in Paiement::create).
  const converted = (share: AppliedShare) => Math.round(share.amountCents * Number(share.invoice.multicurrency_tx ?? '1'));
  const amountCents = taken.reduce((sum, share) => sum + share.amountCents, 0);
  const convertedCents = taken.reduce((sum, share) => sum + converted(share), 0);
  const rate = first.invoice.multicurrency_tx ?? '1';
  // Paiement::create falls back to the main currency when the invoice names none.
  const paymentCurrency = first.invoice.multicurrency_code?.trim() || args.currency;
  const ref = await nextPaymentRef(trx, args.entity, args.paidAt);
  const [payment] = await trx('llx_paiement')
    .insert({
      entity: args.entity,
      ref,
      ref_ext: '',
      datec: trx.fn.now(),
      datep: args.paidAt,
      amount: toDecimal(amountCents),
      multicurrency_amount: toDecimal(convertedCents),
      fk_paiement: mode.id,
      // paymentok.php: num_payment '' and the provider's reference in ext_payment_id.
      num_paiement: online ? '' : (args.reference?.slice(0, 50) ?? ''),
      note: args.note,
      ext_payment_id: online?.id ?? null,
      ext_payment_site: online?.site ?? null,
      fk_user_creat: args.userId,
      pos_change: 0,
    })
    .returning<Array<Omit<RecordedPaymentRow, 'code'>>>([
      'rowid',
      'ref',
      trx.raw('amount::text as amount') as unknown as string,
      'num_paiement',
      'ext_payment_id',
      'datep',
    ]);
  if (!payment) throw new Error('dolibarr: insert into llx_paiement returned no row');
  // Line by line, each invoice closed right after its own line, as Paiement::create goes.
  for (const share of taken) {
    await trx('llx_paiement_facture').insert({
      fk_facture: share.invoice.rowid,
      fk_paiement: payment.rowid,
      amount: toDecimal(share.amountCents),
      multicurrency_amount: toDecimal(converted(share)),
      multicurrency_code: paymentCurrency,
      multicurrency_tx: rate,
    });
    if (share.amountCents === share.remainingCents) await closePaidInvoice(trx, args, share.invoice, payment.ref);
  }
  if (stripe?.bankModule && stripe.bankAccountId > 0) {
    await addPaymentToBank(trx, {
      entity: args.entity,
      accountId: stripe.bankAccountId,
      paymentId: payment.rowid,
      companyId: args.companyId,
      typeCode: code,
      amount: toDecimal(amountCents),
      converted: toDecimal(convertedCents),
      mainCurrency: args.currency,
      multicurrency: stripe.multicurrency,
      paidAt: args.paidAt,
      userId: args.userId,
    });
  }
  return applied.map((share) => (share ? { ...payment, amount: toDecimal(share.amountCents), code } : null));
}

interface AppliedShare extends PaymentShare {
  invoice: PayableInvoice;
  /** What remained to pay on the invoice before this payment. */
  remainingCents: number;
}

/**
 * Each share with its invoice, locked, where it may be paid now; null where it may not. The
 * invoices are locked in rowid order, so two payments of the same invoices queue instead of
 * deadlocking.
 */
async function applicableShares(
  trx: Db,
  scope: { entity: number; companyId: number; currency: string },
  shares: readonly PaymentShare[],
): Promise<Array<AppliedShare | null>> {
  // An invoice the company's contacts see (visibility.ts), of a type a client pays online.
  const invoices = await invoicesSeenBy(trx, scope)
    .whereIn(
      'f.rowid',
      shares.map((share) => share.invoiceId),
    )
    .whereIn('f.type', PAYABLE_TYPES)
    .orderBy('f.rowid')
    .forUpdate()
    .select<PayableInvoice[]>([
      'f.rowid',
      'f.ref',
      'f.fk_projet',
      'f.fk_statut',
      'f.paye',
      trx.raw('coalesce(f.total_ttc, 0)::text as total_ttc'),
      'f.multicurrency_code',
      trx.raw('f.multicurrency_tx::text as multicurrency_tx'),
    ]);
  const byId = new Map(invoices.map((invoice) => [invoice.rowid, invoice]));
  const seen = new Set<number>();
  let currency: string | null = null;
  const applied: Array<AppliedShare | null> = [];
  for (const share of shares) {
    const invoice = byId.get(share.invoiceId);
    // Paiement::create keeps one amount per invoice and refuses invoices of several currencies.
    const repeated = seen.has(share.invoiceId);
    seen.add(share.invoiceId);
    if (!invoice || repeated || invoice.fk_statut !== INVOICE_VALIDATED || invoice.paye !== 0) {
      applied.push(null);
      continue;
    }
    const invoiceCurrency = invoice.multicurrency_code?.trim() || scope.currency;
    const remainingCents = await remainingToPay(trx, invoice);
    if (share.amountCents <= 0 || share.amountCents > remainingCents || (currency !== null && invoiceCurrency !== currency)) {
      applied.push(null);
      continue;
    }
    currency = invoiceCurrency;
    applied.push({ ...share, invoice, remainingCents });
  }
  return applied;
}

/**
 * What remains to pay, as Paiement::create computes it: total minus payments, credit notes and
 * deposits already used on this invoice (llx_societe_remise_except.fk_facture).
 */
async function remainingToPay(trx: Db, invoice: PayableInvoice): Promise<number> {
  const settled = await trx.raw(
    `select (select coalesce(sum(amount), 0) from llx_paiement_facture where fk_facture = ?)::text as paid,
            (select coalesce(sum(amount_ttc), 0) from llx_societe_remise_except where fk_facture = ?)::text as credited`,
    [invoice.rowid, invoice.rowid],
  );
  const { paid, credited } = settled.rows[0] as { paid: string; credited: string };
  return toCents(invoice.total_ttc) - toCents(paid) - toCents(credited);
}

/** Facture::setPaid, once nothing remains to pay, with its BILL_PAYED agenda event. */
async function closePaidInvoice(trx: Db, args: PaymentArgs, invoice: PayableInvoice, paymentRef: string): Promise<void> {
  await trx('llx_facture')
    .where({ rowid: invoice.rowid, entity: args.entity })
    .update({ fk_statut: INVOICE_CLOSED, paye: 1, fk_user_closing: args.userId, date_closing: trx.fn.now() });
  // Out of the portal's index of unpaid invoices at once (the read re-checks it too).
  await dropUnpaidInvoice(trx, { entity: args.entity, companyId: args.companyId, invoiceId: invoice.rowid });
  // setPaid's trigger runs as the user who closes the invoice.
  await recordAgendaEvent(trx, {
    entity: args.entity,
    trigger: 'BILL_PAYED',
    elementId: invoice.rowid,
    ref: invoice.ref,
    companyId: args.companyId,
    projectId: invoice.fk_projet,
    userId: args.userId,
    at: null,
    // Paiement::create's $invoice->context['actionmsgmore'] before setPaid.
    more: `Invoice set to paid by the payment->create() of payment ${paymentRef} because the remain to pay is 0`,
  });
}

/**
 * The payment's mode: for Stripe, STRIPE_PAYMENT_MODE_FOR_PAYMENTS where it names one, else the
 * code's (paymentok.php falls back to 'CB' the same way).
 */
async function paymentMode(trx: Db, entity: number, configuredId: number, code: string): Promise<{ id: number; code: string }> {
  const modes = () => trx('llx_c_paiement').where({ active: 1 }).whereIn('entity', [0, entity]).orderBy('entity', 'desc');
  const configured =
    configuredId > 0
      ? await modes().andWhere({ id: configuredId }).first<{ id: number; code: string } | undefined>('id', 'code')
      : undefined;
  const mode = configured ?? (await modes().andWhere({ code }).first<{ id: number; code: string } | undefined>('id', 'code'));
  if (!mode) throw new Error(`dolibarr: llx_c_paiement has no active payment mode ${code}`);
  return mode;
}

/** paymentok.php's $service for Stripe ('StripeLive' with STRIPE_LIVE on, else 'StripeTest'); other providers by name. */
function externalSite(provider: string, stripe: StripeModuleSettings | null): string {
  if (provider !== STRIPE) return provider.slice(0, 128);
  return stripe?.live ? 'StripeLive' : 'StripeTest';
}

/** Paiement::addPaymentToBank for a customer payment, with Account::addline and add_url_line. */
async function addPaymentToBank(
  trx: Db,
  args: {
    entity: number;
    accountId: number;
    paymentId: number;
    companyId: number;
    typeCode: string;
    amount: string;
    converted: string;
    mainCurrency: string;
    multicurrency: boolean;
    paidAt: Date;
    userId: number | null;
  },
): Promise<void> {
  // Account::fetch reads the account within the entity; addPaymentToBank fails without one and
  // paymentok.php then rolls the whole payment back: a setting naming no account is an error.
  const account = await trx('llx_bank_account')
    .where({ rowid: args.accountId, entity: args.entity })
    .first<{ rowid: number; currency_code: string | null } | undefined>('rowid', 'currency_code');
  if (!account)
    throw new Error(
      `dolibarr: STRIPE_BANK_ACCOUNT_FOR_PAYMENTS names bank account ${args.accountId}, which entity ${args.entity} does not have`,
    );
  // With multicurrency on and an account in another currency than the company's, the line holds
  // the amount in the invoice's currency (addPaymentToBank's $totalamount = multicurrency_amount).
  const foreign = args.multicurrency && (account.currency_code?.trim() || args.mainCurrency) !== args.mainCurrency;
  const company = await trx('llx_societe').where({ rowid: args.companyId, entity: args.entity }).first<{ nom: string | null }>('nom');
  const [line] = await trx('llx_bank')
    .insert({
      datec: trx.fn.now(),
      dateo: args.paidAt,
      datev: args.paidAt,
      label: BANK_LINE_LABEL,
      amount: foreign ? args.converted : args.amount,
      amount_main_currency: foreign ? args.amount : null,
      fk_user_author: args.userId && args.userId > 0 ? args.userId : null,
      num_chq: null,
      fk_account: account.rowid,
      fk_type: args.typeCode,
      emetteur: null,
      banque: null,
      rappro: 0,
      numero_compte: '',
      num_releve: null,
    })
    .returning<Array<{ rowid: number }>>(['rowid']);
  if (!line) throw new Error('dolibarr: insert into llx_bank returned no row');
  await trx('llx_paiement').where({ rowid: args.paymentId }).update({ fk_bank: line.rowid });
  await trx('llx_bank_url').insert([
    { fk_bank: line.rowid, url_id: args.paymentId, url: PAYMENT_URL, label: '(paiement)', type: 'payment' },
    { fk_bank: line.rowid, url_id: args.companyId, url: COMPANY_URL, label: company?.nom ?? '', type: 'company' },
  ]);
}
