// Alga PSA's invoices a client sees: of an active client, past draft (and not prepayment credit
// invoices, which are credit the client bought, not a bill), newest first by invoice_date
// (invoice_id breaks ties), with their invoice_charges and invoice_payments. Money is cents.
//   status (InvoiceStatus in packages/types): draft, sent, pending, overdue, partially_applied,
//   paid, cancelled, prepayment; 'void' is written by Alga's voidInvoiceActions.
// What is settled: net payments plus credit applied (invoices.credit_applied), as Alga's
// computeBalanceDue counts it (total_amount - credit_applied - payments).
// Alga indexes invoices by tenant and id only: a client's list and unpaid invoices are found
// through the portal's listed records (listed.ts) once the tenant has been scanned.
import type { Knex } from 'knex';
import { countLimitOf } from '../../shared/count-up-to.ts';
import { activeClientIds, type Db } from './db.ts';
import { LISTED_KEY, listedRows, pageBefore, scanListed, scanned, type ListedSource, unionOf } from './listed.ts';

/** Alga's NON_PAYABLE_INVOICE_STATUSES plus paid: what a payment from the portal may not touch. */
export const PAYABLE_STATUSES = ['sent', 'pending', 'overdue', 'partially_applied'] as const;
const STATE_STATUSES = {
  open: PAYABLE_STATUSES,
  paid: ['paid'],
  void: ['cancelled', 'void'],
} as const;
export type InvoiceState = keyof typeof STATE_STATUSES;
const inList = (codes: readonly string[]) => codes.map((code) => `'${code}'`).join(', ');
const INVOICE_STATE_SQL: Record<InvoiceState, string> = {
  open: `i.status in (${inList(STATE_STATUSES.open)})`,
  paid: `i.status in (${inList(STATE_STATUSES.paid)})`,
  void: `i.status in (${inList(STATE_STATUSES.void)})`,
};
const LISTED_STATUSES = [...STATE_STATUSES.open, ...STATE_STATUSES.paid, ...STATE_STATUSES.void];

/** What the portal's listed records copy of invoices (listed.ts). */
const INVOICE_SOURCE: ListedSource = {
  kind: 'invoice',
  table: 'invoices',
  id: 'invoice_id',
  sortAt: 'invoice_date',
  visible: `s.status in (${inList(LISTED_STATUSES)}) and coalesce(s.is_prepayment, false) = false`,
  open: `s.status in (${inList(STATE_STATUSES.open)})`,
};

/** The background pass's scan of a tenant's invoices into the listed records. */
export const scanListedInvoices = (db: Db, tenant: string) => scanListed(db, tenant, INVOICE_SOURCE);

const PAYMENTS_SQL =
  '(select coalesce(sum(p.amount), 0) from invoice_payments p where p.tenant = i.tenant and p.invoice_id = i.invoice_id)';

export interface InvoiceRow {
  invoice_id: string;
  client_id: string;
  invoice_number: string;
  status: string;
  currency_code: string;
  subtotal: number;
  tax: number;
  total_amount: string;
  credit_applied: number | null;
  payments: string;
  invoice_date: string;
  due_date: string | null;
  sort_key: string;
}

export interface InvoiceLineRow {
  description: string;
  quantity: string;
  unit_price: string;
  total_price: string;
  net_amount: string | null;
  tax_rate: string | null;
}

export interface InvoicePaymentRow {
  payment_id: string;
  amount: string;
  payment_method: string | null;
  reference_number: string | null;
  payment_date: Date | null;
  /** The online provider the portal noted in the payment's metadata, where Alga has no method name for it. */
  provider: string | null;
}

const SORT_KEY = `to_char(i.invoice_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;

const columns = (db: Db) => [
  'i.invoice_id',
  'i.client_id',
  'i.invoice_number',
  'i.status',
  'i.currency_code',
  'i.subtotal',
  'i.tax',
  db.raw('i.total_amount::text as total_amount'),
  'i.credit_applied',
  db.raw(`${PAYMENTS_SQL}::text as payments`),
  db.raw(`to_char(i.invoice_date at time zone 'UTC', 'YYYY-MM-DD') as invoice_date`),
  db.raw(`to_char(i.due_date at time zone 'UTC', 'YYYY-MM-DD') as due_date`),
  db.raw(`${SORT_KEY} as sort_key`),
];

/** What a client sees of an invoice, on rows aliased i (from invoices, or found through the listed records). */
const visibleTo = (query: Knex.QueryBuilder, db: Db, args: { tenant: string; clientId: string }): Knex.QueryBuilder =>
  query
    .where({ 'i.tenant': args.tenant, 'i.client_id': args.clientId })
    .whereIn('i.client_id', activeClientIds(db, args.tenant))
    .whereIn('i.status', LISTED_STATUSES)
    .andWhereRaw('coalesce(i.is_prepayment, false) = false');

const scopedInvoices = (db: Db, args: { tenant: string; clientId: string }) => visibleTo(db('invoices as i'), db, args);

/**
 * The client's invoices aliased i, in two parts of which one is empty: through the listed records
 * once the tenant has been scanned (in their order, k.*), else read in invoices (i.*).
 */
function invoiceParts(db: Db, args: { tenant: string; clientId: string; candidates?: 'open' | readonly string[] }) {
  return {
    listed: visibleTo(listedRows(db, INVOICE_SOURCE, { ...args, alias: 'i' }), db, args),
    unscanned: scopedInvoices(db, args).whereNotExists(scanned(db, args.tenant, 'invoice')),
  };
}

export async function listInvoices(
  db: Db,
  args: {
    tenant: string;
    clientId: string;
    states?: InvoiceState[];
    /** Only open invoices past their due date (a UTC day) on this day, as invoiceCounts counts them. */
    overdueOn?: string;
    /** An ILIKE pattern (the portal's containsPattern) the invoice number matches. */
    matching?: string;
    /** With matching: an invoice whose total_amount (cents) is within these matches too. */
    amount?: { fromCents: number; toCents: number };
    before?: { at: string; id: string } | null;
    limit: number;
  },
): Promise<InvoiceRow[]> {
  const wanted = args.states?.flatMap((state) => STATE_STATUSES[state]);
  const openOnly = args.overdueOn !== undefined || (wanted !== undefined && args.states!.every((state) => state === 'open'));
  const parts = invoiceParts(db, { ...args, ...(openOnly ? { candidates: 'open' } : wanted ? { candidates: wanted } : {}) });
  // Each part filtered before its page's limit: a page of matches, not matches of a page.
  const page = (query: Knex.QueryBuilder, key: { at: string; id: string }) => {
    if (args.states) query.andWhereRaw(`(${args.states.map((state) => INVOICE_STATE_SQL[state]).join(' or ')})`);
    if (args.matching) {
      const { matching, amount } = args;
      query.andWhere((q) => {
        q.whereILike('i.invoice_number', matching);
        if (amount) q.orWhereBetween('i.total_amount', [amount.fromCents, amount.toCents]);
      });
    }
    if (args.overdueOn)
      query.andWhereRaw(INVOICE_STATE_SQL.open).andWhereRaw("(i.due_date at time zone 'UTC')::date < ?::date", [args.overdueOn]);
    return pageBefore(query, key, args).select(columns(db));
  };
  return unionOf(db, [page(parts.listed, LISTED_KEY), page(parts.unscanned, { at: 'i.invoice_date', id: 'i.invoice_id' })])
    .orderBy([
      { column: 'u.sort_key', order: 'desc' },
      { column: 'u.invoice_id', order: 'desc' },
    ])
    .limit(args.limit + 1)
    .select<InvoiceRow[]>('u.*');
}

export async function findInvoice(db: Db, args: { tenant: string; clientId: string; invoiceId: string }): Promise<InvoiceRow | null> {
  return (await scopedInvoices(db, args).where('i.invoice_id', args.invoiceId).first<InvoiceRow | undefined>(columns(db))) ?? null;
}

export async function listInvoiceLines(db: Db, args: { tenant: string; clientId: string; invoiceId: string }): Promise<InvoiceLineRow[]> {
  return db('invoice_charges as c')
    .where('c.tenant', args.tenant)
    .whereIn('c.invoice_id', scopedInvoices(db, args).where('i.invoice_id', args.invoiceId).select('i.invoice_id'))
    .orderBy('c.created_at')
    .orderBy('c.item_id')
    .select<InvoiceLineRow[]>([
      'c.description',
      db.raw('c.quantity::text as quantity'),
      db.raw('c.unit_price::text as unit_price'),
      db.raw('c.total_price::text as total_price'),
      db.raw('c.net_amount::text as net_amount'),
      db.raw('c.tax_rate::text as tax_rate'),
    ]);
}

/** The columns of an invoice's payment (the alias p), as InvoicePaymentRow reads them. */
const paymentColumns = (db: Knex) => [
  'p.payment_id',
  db.raw('p.amount::text as amount'),
  'p.payment_method',
  'p.reference_number',
  'p.payment_date',
  db.raw("p.metadata->>'payment_provider' as provider"),
];

export async function listInvoicePayments(
  db: Db,
  args: { tenant: string; clientId: string; invoiceId: string },
): Promise<InvoicePaymentRow[]> {
  return db('invoice_payments as p')
    .where('p.tenant', args.tenant)
    .whereIn('p.invoice_id', scopedInvoices(db, args).where('i.invoice_id', args.invoiceId).select('i.invoice_id'))
    .orderByRaw('p.payment_date asc nulls first, p.created_at, p.payment_id')
    .select<InvoicePaymentRow[]>(paymentColumns(db));
}

export interface InvoiceTaxStatusRow {
  reverse_charge: boolean | null;
  tax_exempt: boolean | null;
  exemption_certificate: string | null;
}

/**
 * Why an invoice may charge no tax, as Alga records it for its client: reverse charge in the
 * client's tax settings (client_tax_settings, per billing profile), tax exemption and its
 * certificate on the billing profile where the profile says so, else on the client. The profile is
 * the invoice's own, or else the client's default one. Null for an invoice the client does not see.
 */
export async function findInvoiceTaxStatus(
  db: Db,
  args: { tenant: string; clientId: string; invoiceId: string },
): Promise<InvoiceTaxStatusRow | null> {
  const profile = db.raw(
    `coalesce(i.billing_profile_id, (select d.billing_profile_id from client_billing_profiles d
      where d.tenant = i.tenant and d.client_id = i.client_id and d.is_default limit 1))`,
  );
  const row = await scopedInvoices(db, args)
    .where('i.invoice_id', args.invoiceId)
    .join('clients as c', (on) => on.on('c.tenant', 'i.tenant').andOn('c.client_id', 'i.client_id'))
    .leftJoin('client_billing_profiles as bp', (on) =>
      on.on('bp.tenant', 'i.tenant').andOn('bp.client_id', 'i.client_id').andOn('bp.billing_profile_id', '=', profile),
    )
    .leftJoin('client_tax_settings as ts', (on) =>
      on.on('ts.tenant', 'i.tenant').andOn('ts.client_id', 'i.client_id').andOn('ts.billing_profile_id', 'bp.billing_profile_id'),
    )
    .first<InvoiceTaxStatusRow | undefined>([
      'ts.is_reverse_charge_applicable as reverse_charge',
      db.raw('coalesce(bp.is_tax_exempt, c.is_tax_exempt) as tax_exempt'),
      db.raw('coalesce(bp.tax_exemption_certificate, c.tax_exemption_certificate) as exemption_certificate'),
    ]);
  return row ?? null;
}

/**
 * Unpaid invoices, those past due, and what remains on them, per currency: of at most countLimit
 * unpaid invoices, so that a client with tens of thousands of them (an import gone wrong) costs the
 * dashboard what one with a few does. What remains is summed (a payments sum per invoice) only
 * while all were counted: past the limit the dashboard shows no sum (ClientSummary), and the
 * aggregate's filter skips that work; the overdue count then covers only the invoices read. One of
 * the two parts is always empty.
 */
export async function invoiceCounts(
  db: Db,
  args: { tenant: string; clientId: string; today: string; countLimit: number },
): Promise<Array<{ currency_code: string; unpaid: number; overdue: number; outstanding: string }>> {
  const countLimit = countLimitOf(args.countLimit);
  const parts = invoiceParts(db, { ...args, candidates: 'open' });
  const counted = (query: Knex.QueryBuilder) =>
    query
      .andWhereRaw(INVOICE_STATE_SQL.open)
      .select([
        'i.tenant',
        'i.invoice_id',
        'i.currency_code',
        'i.total_amount',
        'i.credit_applied',
        db.raw("(i.due_date at time zone 'UTC')::date < ?::date as overdue", [args.today]),
      ])
      .limit(countLimit);
  const unpaid = unionOf(db, [counted(parts.listed), counted(parts.unscanned)]).select('u.*');
  const result = await db.raw(
    `with unpaid as (?)
     select i.currency_code,
            count(*)::int as unpaid,
            count(*) filter (where i.overdue)::int as overdue,
            coalesce(sum(greatest(i.total_amount - coalesce(i.credit_applied, 0) - ${PAYMENTS_SQL}, 0)) filter (where counted.complete), 0)::text
              as outstanding
       from unpaid i cross join (select count(*) < ${countLimit} as complete from unpaid) counted
      group by i.currency_code`,
    [unpaid],
  );
  return result.rows as Array<{ currency_code: string; unpaid: number; overdue: number; outstanding: string }>;
}

/** The statuses whose invoices weigh on a client's balance: listed and not void or cancelled. */
const OWED_STATUSES = [...STATE_STATUSES.open, ...STATE_STATUSES.paid];

/** What a statement of account weighs of an invoice: its day, currency, total and credit applied. */
export interface StatementInvoiceRow {
  invoice_id: string;
  invoice_number: string;
  currency_code: string;
  total_amount: string;
  credit_applied: number | null;
  invoice_date: string;
}

/**
 * A statement of account's reads (src/features/invoices/statement-period.ts), in a fixed number of
 * statements whatever the history, every one scoped by tenant and client: the client's invoices
 * that weigh on its balance, by their cheap columns only, and their payments, oldest first; the
 * balance by day and the period's bounds are worked out from these, then the period's invoices
 * are read. A payment's day is taken from payment_date as find() gives it.
 */
export function statementInvoices(db: Db, args: { tenant: string; clientId: string }): Promise<StatementInvoiceRow[]> {
  return scopedInvoices(db, args)
    .whereIn('i.status', OWED_STATUSES)
    .orderBy('i.invoice_date')
    .orderBy('i.invoice_id')
    .select<StatementInvoiceRow[]>([
      'i.invoice_id',
      'i.invoice_number',
      'i.currency_code',
      db.raw('i.total_amount::text as total_amount'),
      'i.credit_applied',
      db.raw(`to_char(i.invoice_date at time zone 'UTC', 'YYYY-MM-DD') as invoice_date`),
    ]);
}

export function statementPayments(
  db: Db,
  args: { tenant: string; clientId: string },
): Promise<Array<InvoicePaymentRow & { invoice_id: string }>> {
  return db('invoice_payments as p')
    .where('p.tenant', args.tenant)
    .whereIn('p.invoice_id', scopedInvoices(db, args).whereIn('i.status', OWED_STATUSES).select('i.invoice_id'))
    .orderByRaw('p.invoice_id, p.payment_date asc nulls first, p.created_at, p.payment_id')
    .select<Array<InvoicePaymentRow & { invoice_id: string }>>(['p.invoice_id', ...paymentColumns(db)]);
}

/** The client's listed invoices (void ones too) issued in [from, before) as UTC days, oldest first. */
export function statementPeriodInvoices(
  db: Db,
  args: { tenant: string; clientId: string; from: string | null; before: string | null },
): Promise<InvoiceRow[]> {
  const query = scopedInvoices(db, args);
  if (args.from !== null) query.andWhereRaw("(i.invoice_date at time zone 'UTC')::date >= ?::date", [args.from]);
  if (args.before !== null) query.andWhereRaw("(i.invoice_date at time zone 'UTC')::date < ?::date", [args.before]);
  return query.orderBy('i.invoice_date').orderBy('i.invoice_id').select<InvoiceRow[]>(columns(db));
}
