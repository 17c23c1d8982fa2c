// What the portal reads of llx_facture: one client company's invoices past draft, newest first by
// invoice date (datef, as Dolibarr's own list sorts them; rowid breaks ties), with their llx_facturedet lines and the payments linked through llx_paiement_facture.
// Money is read as text. Scoped by entity AND company (fk_soc) in every query.
//   fk_statut (Facture::STATUS_*): 0 draft, 1 validated (unpaid), 2 closed (paid, or closed
//   partially paid with a close_code), 3 abandoned; paye = 1 once settled.
//   type: 0 standard, 1 replacement, 2 credit note, 3 deposit, 5 situation. Credit notes are
//   negative money the agency owes, not a bill to pay, so the portal lists the others only.
import type { Knex } from 'knex';
import type { Db } from './db.ts';
import { type LineRow, lineColumns } from './proposals.ts';
import { invoicesSeenBy, LISTED_TYPES } from './visibility.ts';

export { LISTED_TYPES };
export const INVOICE_VALIDATED = 1;
export const INVOICE_CLOSED = 2;
export const INVOICE_ABANDONED = 3;

export interface InvoiceRow {
  rowid: number;
  fk_soc: number;
  ref: string;
  fk_statut: number;
  paye: number;
  datef: string | null;
  date_lim_reglement: string | null;
  total_ht: string;
  total_tva: string;
  total_ttc: string;
  paid: string;
  note_public: string | null;
  date_key: string;
}

export interface InvoicePaymentRow {
  /** The llx_paiement rowid for a payment; 'discount-<rowid>' for a credit note or deposit used. */
  id: string;
  amount: string;
  datep: Date | null;
  num_paiement: string | null;
  /** The payment's own ref (PAY2611-0001); null for a discount used. */
  ref: string | null;
  /** The online provider's id for it (ext_payment_id, as paymentok.php writes it); null otherwise. */
  ext_payment_id: string | null;
  /** The llx_c_paiement code of a payment; CREDIT_NOTE or DEPOSIT for a discount used. */
  mode: string | null;
  /** The mode's label in llx_c_paiement (libelle: "Bill of exchange", "Factor"); null for a discount used. */
  mode_label: string | null;
}

/** 'open' (validated, not settled), 'paid', 'void' as SQL on alias f. */
const INVOICE_STATE_SQL = {
  open: '(f.fk_statut = 1 and f.paye = 0)',
  paid: '(f.fk_statut = 2 or (f.fk_statut = 1 and f.paye = 1))',
  void: '(f.fk_statut = 3)',
} as const;

type InvoiceState = keyof typeof INVOICE_STATE_SQL;

/**
 * What is settled on invoice f, as Dolibarr's invoice card counts it: payments
 * (Facture::getSommePaiement) plus credit notes and deposits used on it (getSumCreditNotesUsed,
 * getSumDepositsUsed: llx_societe_remise_except rows linked by fk_facture).
 */
export const PAID_SQL = `(coalesce((select sum(pf.amount) from llx_paiement_facture pf where pf.fk_facture = f.rowid), 0)
  + coalesce((select sum(rc.amount_ttc) from llx_societe_remise_except rc where rc.fk_facture = f.rowid), 0))`;

/**
 * The list's sort key; datef may be null on imported rows, and the first day stands in for it, so
 * they come last. The list reads dated and undated invoices apart (see listInvoices), so the dated
 * ones are read down Dolibarr's own idx_facture_datef.
 */
export const INVOICE_DATE_KEY = "coalesce(f.datef, date '0001-01-01')";
const NO_DATE = '0001-01-01';

/**
 * What a list and a record page read of invoice f; `dateKey`, the SQL of where it sorts, is its
 * own date unless a caller walks a kept order of it.
 */
export function invoiceColumns(db: Db, dateKey = INVOICE_DATE_KEY) {
  return [
    'f.rowid',
    'f.fk_soc',
    'f.ref',
    'f.fk_statut',
    'f.paye',
    db.raw("to_char(f.datef, 'YYYY-MM-DD') as datef"),
    db.raw("to_char(f.date_lim_reglement, 'YYYY-MM-DD') as date_lim_reglement"),
    db.raw('coalesce(f.total_ht, 0)::text as total_ht'),
    db.raw('coalesce(f.total_tva, 0)::text as total_tva'),
    db.raw('coalesce(f.total_ttc, 0)::text as total_ttc'),
    db.raw(`${PAID_SQL}::text as paid`),
    'f.note_public',
    db.raw(`to_char(${dateKey}, 'YYYY-MM-DD') as date_key`),
  ];
}

/** What the company's contacts see of its invoices (visibility.ts). */
const scopedInvoices = invoicesSeenBy;

export interface InvoiceListArgs {
  entity: number;
  companyId: number;
  states?: InvoiceState[];
  /** Only open invoices past their due date (date_lim_reglement) on this day, as invoiceCounts counts them. */
  overdueOn?: string;
  /** An ILIKE pattern (the portal's containsPattern) the ref matches. */
  matching?: string;
  /** With matching: an invoice whose total_ttc, in cents, is within these matches too. */
  amount?: { fromCents: number; toCents: number };
  before?: { date: string; rowid: number } | null;
  limit: number;
}

export async function listInvoices(db: Db, args: InvoiceListArgs): Promise<InvoiceRow[]> {
  return invoicePage(db, args);
}

/** A page of the list (and one row more, which says another page follows) as a query, newest first. */
export function invoicePage(db: Db, args: InvoiceListArgs): Knex.QueryBuilder {
  const filtered = () => {
    const query = scopedInvoices(db, args);
    // Within each half below, before its page's limit: a page of matches, not matches of a page.
    if (args.matching) {
      const { matching, amount } = args;
      query.andWhere((q) => {
        q.whereILike('f.ref', matching);
        if (amount) q.orWhereRaw('round(coalesce(f.total_ttc, 0) * 100) between ? and ?', [amount.fromCents, amount.toCents]);
      });
    }
    if (args.states) query.andWhereRaw(`(${args.states.map((state) => INVOICE_STATE_SQL[state]).join(' or ')})`);
    if (args.overdueOn) query.andWhereRaw(INVOICE_STATE_SQL.open).andWhereRaw('f.date_lim_reglement < ?::date', [args.overdueOn]);
    return query;
  };
  // Two reads of at most one page each, sorted together: ordered by datef itself (not the
  // coalesced key), the dated half walks idx_facture_datef from the newest down and stops at a
  // page, so a client with years of invoices costs what a new one does; the undated half is
  // imported rows, by rowid.
  const dated = filtered().whereNotNull('f.datef');
  const undated = filtered().whereNull('f.datef');
  if (args.before?.date === NO_DATE) {
    dated.whereRaw('false');
    undated.where('f.rowid', '<', args.before.rowid);
  } else if (args.before) {
    dated.andWhereRaw('(f.datef, f.rowid) < (?::date, ?)', [args.before.date, args.before.rowid]);
  }
  const page = db
    .queryBuilder()
    .unionAll(
      [
        dated
          .orderBy([
            { column: 'f.datef', order: 'desc' },
            { column: 'f.rowid', order: 'desc' },
          ])
          .limit(args.limit + 1)
          .select(invoiceColumns(db)),
        undated
          .orderBy('f.rowid', 'desc')
          .limit(args.limit + 1)
          .select(invoiceColumns(db)),
      ],
      true,
    )
    .as('page');
  return db
    .select('*')
    .from(page)
    .orderBy([
      { column: 'date_key', order: 'desc' },
      { column: 'rowid', order: 'desc' },
    ])
    .limit(args.limit + 1);
}

/** One invoice, with what decides where it is paid by transfer. */
export interface InvoiceDetailRow extends InvoiceRow {
  /** The llx_bank_account rowid the invoice names (Facture::$fk_account); null or 0 for none. */
  fk_account: number | null;
  /** The llx_c_paiement code of its payment mode (Facture::$mode_reglement_code); null when unset. */
  mode_code: string | null;
  /**
   * Its payment terms' wording (llx_c_payment_term of fk_cond_reglement) as the invoice PDF prints
   * it when no translation of the term's code is loaded: the text for documents, else the label.
   */
  payment_terms: string | null;
  /** The term's code (llx_c_payment_term.code: 30D, RECEP), by which Dolibarr's PDF translates it. */
  payment_term_code: string | null;
}

export async function findInvoice(
  db: Db,
  args: { entity: number; companyId: number; invoiceId: number },
): Promise<InvoiceDetailRow | null> {
  const row = await scopedInvoices(db, args)
    .leftJoin('llx_c_paiement as mode', 'mode.id', 'f.fk_mode_reglement')
    .leftJoin('llx_c_payment_term as term', 'term.rowid', 'f.fk_cond_reglement')
    .where('f.rowid', args.invoiceId)
    .first<InvoiceDetailRow | undefined>([
      ...invoiceColumns(db),
      'f.fk_account',
      'mode.code as mode_code',
      db.raw("coalesce(nullif(trim(term.libelle_facture), ''), term.libelle) as payment_terms"),
      'term.code as payment_term_code',
    ]);
  return row ?? null;
}

export async function listInvoiceLines(db: Db, args: { entity: number; companyId: number; invoiceId: number }): Promise<LineRow[]> {
  return db('llx_facturedet as d')
    .whereIn('d.fk_facture', scopedInvoices(db, args).where('f.rowid', args.invoiceId).select('f.rowid'))
    .orderBy('d.rang')
    .orderBy('d.rowid')
    .select<LineRow[]>(lineColumns(db));
}

/**
 * The invoice's payments and, as Dolibarr's invoice card lists them with the payments, the credit
 * notes and deposits used on it (a discount row made from a credit note, type 2, or a deposit
 * invoice, type 3, of the same company, linked to this invoice), oldest first.
 */
export async function listInvoicePayments(
  db: Db,
  args: { entity: number; companyId: number; invoiceId: number },
): Promise<InvoicePaymentRow[]> {
  const invoice = scopedInvoices(db, args).where('f.rowid', args.invoiceId).select('f.rowid');
  const rows = await db
    .select<Array<InvoicePaymentRow & { invoice: number; kind: number; seq: number }>>('*')
    .from(settlementsOf(db, invoice).as('settled'))
    .orderByRaw('datep asc nulls first, kind, seq');
  return rows.map(({ invoice: _invoice, kind: _kind, seq: _seq, ...row }) => row);
}

/**
 * What settled the invoices a subquery names (its column rowid): their payments and the credit
 * notes and deposits used on them, each with its invoice, its kind (0 a payment, 1 a discount used)
 * and its row, by which Dolibarr's card orders those of one day.
 */
function settlementsOf(db: Db, invoices: Knex.QueryBuilder): Knex.QueryBuilder {
  const payments = db('llx_paiement_facture as pf')
    .join('llx_paiement as pa', 'pa.rowid', 'pf.fk_paiement')
    .leftJoin('llx_c_paiement as m', 'm.id', 'pa.fk_paiement')
    .whereIn('pf.fk_facture', invoices)
    .select([
      'pf.fk_facture as invoice',
      db.raw('pa.rowid::text as id'),
      db.raw('coalesce(pf.amount, 0)::text as amount'),
      'pa.datep',
      'pa.num_paiement',
      'pa.ref',
      'pa.ext_payment_id',
      'm.code as mode',
      'm.libelle as mode_label',
      db.raw('0 as kind'),
      'pf.rowid as seq',
    ]);
  const credits = db('llx_societe_remise_except as rc')
    .leftJoin('llx_facture as src', 'src.rowid', 'rc.fk_facture_source')
    .whereIn('rc.fk_facture', invoices)
    .select([
      'rc.fk_facture as invoice',
      db.raw("'discount-' || rc.rowid as id"),
      db.raw('coalesce(rc.amount_ttc, 0)::text as amount'),
      'rc.datec as datep',
      'src.ref as num_paiement',
      db.raw('null::text as ref'),
      db.raw('null::text as ext_payment_id'),
      db.raw("case when src.type = 3 then 'DEPOSIT' else 'CREDIT_NOTE' end as mode"),
      db.raw('null::text as mode_label'),
      db.raw('1 as kind'),
      'rc.rowid as seq',
    ]);
  return payments.unionAll(credits, true);
}

/** What a statement of account weighs of an invoice: its day and total, nothing summed per row. */
export interface StatementInvoiceRow {
  rowid: number;
  ref: string;
  datef: string | null;
  total_ttc: string;
}

/**
 * A statement of account's reads (src/features/invoices/statement-period.ts), in a fixed number of
 * statements whatever the history: every invoice of the company that is listed and not void
 * (abandoned), by its cheap columns only, and what settled each (payments, credit notes and
 * deposits used, as listInvoicePayments reads them for one), oldest first. The balance by day and
 * the period's bounds are worked out from these; a payment's datep is a wall time without a zone,
 * whose day the portal takes as find() gives it.
 */
export function statementInvoices(db: Db, scope: { entity: number; companyId: number }): Promise<StatementInvoiceRow[]> {
  return scopedInvoices(db, scope)
    .whereNot('f.fk_statut', INVOICE_ABANDONED)
    .orderByRaw(`${INVOICE_DATE_KEY}, f.rowid`)
    .select<StatementInvoiceRow[]>([
      'f.rowid',
      'f.ref',
      db.raw("to_char(f.datef, 'YYYY-MM-DD') as datef"),
      db.raw('coalesce(f.total_ttc, 0)::text as total_ttc'),
    ]);
}

export async function statementSettlements(
  db: Db,
  scope: { entity: number; companyId: number },
): Promise<Array<InvoicePaymentRow & { invoice: number }>> {
  const invoices = scopedInvoices(db, scope).whereNot('f.fk_statut', INVOICE_ABANDONED).select('f.rowid');
  const rows = await db
    .select<Array<InvoicePaymentRow & { invoice: number; kind: number; seq: number }>>('*')
    .from(settlementsOf(db, invoices).as('settled'))
    .orderByRaw('invoice, datep asc nulls first, kind, seq');
  return rows.map(({ kind: _kind, seq: _seq, ...row }) => row);
}

/** The company's listed invoices (abandoned ones too) issued in [from, before), oldest first; undated ones only without a first day. */
export function statementPeriodInvoices(
  db: Db,
  args: { entity: number; companyId: number; from: string | null; before: string | null },
): Promise<InvoiceRow[]> {
  const query = scopedInvoices(db, args);
  if (args.from !== null) query.andWhere('f.datef', '>=', args.from);
  if (args.before !== null) query.andWhereRaw(`${INVOICE_DATE_KEY} < ?::date`, [args.before]);
  return query.orderByRaw(`${INVOICE_DATE_KEY}, f.rowid`).select<InvoiceRow[]>(invoiceColumns(db));
}
