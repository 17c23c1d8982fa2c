// A payment from the portal, written as Dolibarr's Paiement::create writes a customer payment
// (htdocs/compta/paiement/class/paiement.class.php) with closepaidinvoices on:
//   1. llx_paiement: entity, ref from the default numbering module (mod_payment_cicada:
//      PAY<yymm of the payment date>-<counter of 4 digits, over the entity's PAY refs>), ref_ext '',
//      datec now, datep the payment date, amount and multicurrency_amount (the amount at the
//      invoice's rate), fk_paiement (the llx_c_paiement mode), num_paiement, note, fk_user_creat,
//      pos_change 0; statut and fk_export_compta keep their defaults. A payment an online provider
//      took is written as htdocs/public/payment/paymentok.php writes one: num_paiement '', the
//      provider's reference in ext_payment_id and ext_payment_site 'StripeLive' / 'StripeTest'
//      (the $service STRIPE_LIVE decides) or the provider's name.
//   2. llx_paiement_facture: fk_facture, fk_paiement, amount, multicurrency_amount,
//      multicurrency_code and multicurrency_tx of the invoice.
//   3. when nothing remains to pay, Facture::setPaid: fk_statut 2, paye 1, fk_user_closing,
//      date_closing now, and its BILL_PAYED trigger's agenda event where the entity's agenda
//      setup asks for one (agenda.ts).
//   4. a Stripe payment, where the bank module is on and STRIPE_BANK_ACCOUNT_FOR_PAYMENTS names an
//      account: Paiement::addPaymentToBank (mode 'payment', label '(CustomerInvoicePayment)'):
//      the llx_bank line (Account::addline → AccountLine::insert), llx_paiement.fk_bank
//      (update_fk_bank), and two llx_bank_url links, 'payment' to the payment and 'company' to
//      the invoice's third party (Account::add_url_line). Otherwise fk_bank stays 0.
// All in the caller's transaction. The invoice row is locked first, so two payments on one invoice
// queue; an advisory lock per entity keeps two payments from taking the same PAY ref.
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

export async function recordInvoicePayment(
  trx: Db,
  args: {
    entity: number;
    companyId: number;
    invoiceId: number;
    amountCents: number;
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
  },
): Promise<RecordedPaymentRow | null> {
  // An invoice the company's contacts see (visibility.ts), of a type a client pays online.
  const invoice = await invoicesSeenBy(trx, args)
    .where('f.rowid', args.invoiceId)
    .whereIn('f.type', PAYABLE_TYPES)
    .forUpdate()
    .first<PayableInvoice | undefined>([
      'f.rowid',
      'f.ref',
      'f.fk_projet',
      'f.fk_statut',
      'f.paye',
      trx.raw('coalesce(f.total_ttc, 0)::text as total_ttc'),
      'f.multicurrency_code',
      trx.raw('f.multicurrency_tx::text as multicurrency_tx'),
    ]);
  if (!invoice || invoice.fk_statut !== INVOICE_VALIDATED || invoice.paye !== 0) return null;
  // What remains to pay, as Paiement::create computes it: total minus payments, credit notes and
  // deposits already used on this invoice (llx_societe_remise_except.fk_facture).
  const settled = await trx.raw(
    `select (select coalesce(sum(amount), 0) from llx_paiement_facture where fk_facture = ?)::text as paid,
            (select coalesce(sum(amount_ttc), 0) from llx_societe_remise_except where fk_facture = ?)::text as credited`,
    [invoice.rowid, invoice.rowid],
  );
  const { paid, credited } = settled.rows[0] as { paid: string; credited: string };
  const remaining = toCents(invoice.total_ttc) - toCents(paid) - toCents(credited);
  if (args.amountCents <= 0 || args.amountCents > remaining) return null;

  const stripe = args.provider === STRIPE ? args.stripe : null;
  const mode = await paymentMode(trx, args.entity, stripe?.paymentModeId ?? 0, MODE_CODES[args.method] ?? DEFAULT_MODE_CODE);
  const code = mode.code;
  const online = args.provider ? { id: args.reference?.slice(0, 255) ?? null, site: externalSite(args.provider, stripe) } : null;

  const rate = invoice.multicurrency_tx ?? '1';
  const amount = toDecimal(args.amountCents);
  // The amount at the invoice's rate, rounded as price2num(…, 'MT') (2 decimals).
  const converted = toDecimal(Math.round(args.amountCents * Number(rate)));
  const ref = await nextPaymentRef(trx, args.entity, args.paidAt);
  const [payment] = await trx('llx_paiement')
    .insert({
      entity: args.entity,
      ref,
      ref_ext: '',
      datec: trx.fn.now(),
      datep: args.paidAt,
      amount,
      multicurrency_amount: converted,
      fk_paiement: mode.id,
      // paymentok.php: num_payment '' and the provider's reference in ext_payment_id.
      num_paiement: online ? '' : (args.reference?.slice(0, 50) ?? ''),
      note: args.note,
      ext_payment_id: online?.id ?? null,
      ext_payment_site: online?.site ?? null,
      fk_user_creat: args.userId,
      pos_change: 0,
    })
    .returning<
      Array<{ rowid: number; ref: string; amount: string; num_paiement: string | null; ext_payment_id: string | null; datep: Date }>
    >(['rowid', 'ref', trx.raw('amount::text as amount') as unknown as string, 'num_paiement', 'ext_payment_id', 'datep']);
  if (!payment) throw new Error('dolibarr: insert into llx_paiement returned no row');
  await trx('llx_paiement_facture').insert({
    fk_facture: invoice.rowid,
    fk_paiement: payment.rowid,
    amount,
    multicurrency_amount: converted,
    // Paiement::create falls back to the main currency when the invoice names none.
    multicurrency_code: invoice.multicurrency_code?.trim() || args.currency,
    multicurrency_tx: rate,
  });
  if (args.amountCents === remaining) {
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
    });
  }
  if (stripe?.bankModule && stripe.bankAccountId > 0) {
    await addPaymentToBank(trx, {
      entity: args.entity,
      accountId: stripe.bankAccountId,
      paymentId: payment.rowid,
      companyId: args.companyId,
      typeCode: code,
      amount,
      converted,
      mainCurrency: args.currency,
      multicurrency: stripe.multicurrency,
      paidAt: args.paidAt,
      userId: args.userId,
    });
  }
  return { ...payment, code };
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
