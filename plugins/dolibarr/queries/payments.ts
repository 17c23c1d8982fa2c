// A payment from the portal, written as Dolibarr's Paiement::create writes a customer payment
// (htdocs/compta/paiement/class/paiement.class.php) with closepaidinvoices on:
//   1. llx_paiement: entity, ref from the default numbering module (mod_payment_cicada:
//      PAY<yymm of the payment date>-<counter of 4 digits, over the entity's PAY refs>), ref_ext '',
//      datec now, datep the payment date, amount and multicurrency_amount (the amount at the
//      invoice's rate), fk_paiement (the llx_c_paiement mode), num_paiement, note, fk_user_creat,
//      pos_change 0; statut, fk_bank and fk_export_compta keep their defaults (no bank line: see
//      CONTEXT.md).
//   2. llx_paiement_facture: fk_facture, fk_paiement, amount, multicurrency_amount,
//      multicurrency_code and multicurrency_tx of the invoice.
//   3. when nothing remains to pay, Facture::setPaid: fk_statut 2, paye 1, fk_user_closing,
//      date_closing now.
// All in the caller's transaction. The invoice row is locked first, so two payments on one invoice
// queue; an advisory lock per entity keeps two payments from taking the same PAY ref.
import type { Db } from './db.ts';
import { clientCompanyIds } from './db.ts';
import { INVOICE_CLOSED, INVOICE_VALIDATED } from './invoices.ts';
import { toCents, toDecimal } from '../money.ts';

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
  datep: Date;
  code: string;
}

interface PayableInvoice {
  rowid: number;
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
  },
): Promise<RecordedPaymentRow | null> {
  const invoice = await trx('llx_facture')
    .where({ rowid: args.invoiceId, entity: args.entity, fk_soc: args.companyId })
    .whereIn('type', PAYABLE_TYPES)
    .whereIn('fk_soc', clientCompanyIds(trx, args.entity))
    .forUpdate()
    .first<PayableInvoice | undefined>([
      'rowid',
      'fk_statut',
      'paye',
      trx.raw('coalesce(total_ttc, 0)::text as total_ttc'),
      'multicurrency_code',
      trx.raw('multicurrency_tx::text as multicurrency_tx'),
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

  const code = MODE_CODES[args.method] ?? DEFAULT_MODE_CODE;
  const mode = await trx('llx_c_paiement')
    .where({ code, active: 1 })
    .whereIn('entity', [0, args.entity])
    .orderBy('entity', 'desc')
    .first<{ id: number } | undefined>('id');
  if (!mode) throw new Error(`dolibarr: llx_c_paiement has no active payment mode ${code}`);

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
      num_paiement: args.reference?.slice(0, 50) ?? '',
      note: args.note,
      ext_payment_id: null,
      ext_payment_site: null,
      fk_user_creat: args.userId,
      pos_change: 0,
    })
    .returning<Array<{ rowid: number; ref: string; amount: string; num_paiement: string | null; datep: Date }>>([
      'rowid',
      'ref',
      trx.raw('amount::text as amount') as unknown as string,
      'num_paiement',
      'datep',
    ]);
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
  }
  return { ...payment, code };
}
