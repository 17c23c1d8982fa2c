// What the portal reads of invoices: one client's invoices past draft, newest first by issue date,
// a page at a time (keyset on issue_date, id), one invoice with its items and payments. Scoped by
// workspace AND client in every query; drafts never leave this module.
import { PLANNED_FOR_ITS_VALUES } from '../../../../src/index.ts';
import { statusInSql, type Db } from '../../queries/db.ts';
import { readTemplate } from '../../queries/read-together.ts';
import { INVOICE_STATUSES, type InvoiceStatus } from '../../queries/invoices.ts';
import { lineItemColumns, type LineItemRow } from '../../queries/line-items.ts';
import type { PaymentRow } from '../../queries/payments.ts';
import { joinParties, PARTY_COLUMNS, type PartiesRow } from './parties.ts';

const VISIBLE_INVOICE_STATUSES: readonly InvoiceStatus[] = ['sent', 'overdue', 'paid', 'void'];

export interface PortalInvoiceRow {
  id: number;
  client_id: number;
  number: string;
  status: Exclude<InvoiceStatus, 'draft'>;
  currency: string;
  issue_date: string;
  due_date: string;
  notes: string;
  total_cents: number;
  paid_cents: number;
}

export interface InvoiceKey {
  issueDate: string;
  id: number;
}

// Totals and payments as the invoice stores them (kept in step by the CRM's triggers).
const COLUMNS = [
  'i.id',
  'i.client_id',
  'i.number',
  'i.status',
  'i.currency',
  'i.issue_date',
  'i.due_date',
  'i.notes',
  'i.total_cents',
  'i.paid_cents',
];

function scoped(db: Db, args: { workspaceId: number; clientId: number }) {
  return db('invoices as i')
    .where('i.workspace_id', args.workspaceId)
    .andWhere('i.client_id', args.clientId)
    .whereRaw(statusInSql('i.status', VISIBLE_INVOICE_STATUSES, INVOICE_STATUSES));
}

type ListArgs = {
  workspaceId: number;
  clientId: number;
  statuses?: readonly InvoiceStatus[];
  /** Only open invoices overdue on this day: as the client summary counts them (queries/client-summary.ts). */
  overdueOn?: string;
  /** An ILIKE pattern (the portal's containsPattern) the number matches. */
  matching?: string;
  /** With matching: an invoice whose stored total (tax included) is within these cents matches too. */
  amount?: { fromCents: number; toCents: number };
  after?: InvoiceKey | null;
  limit: number;
};

/** One page plus one row more, which tells the caller whether another page follows. */
export const listClientInvoices = invoiceLister();

/**
 * The invoice list page's read, its statement built once per shape (readTemplate): its filters,
 * cursor and page size come and go, so a handful of shapes. Each lister keeps its own templates.
 */
export function invoiceLister(): (db: Db, args: ListArgs) => Promise<PortalInvoiceRow[]> {
  const read = readTemplate<ListShape, Record<string, number | string>, PortalInvoiceRow>(
    (shape) => JSON.stringify(shape),
    (db, shape, values) => clientInvoicesQuery(db, listArgsOf(shape, values)),
  );
  return (db, args) => {
    const { shape, values } = listValues({ ...args, limit: args.limit + 1 });
    return read(db, shape, values);
  };
}

/**
 * What changes the list's text: the statuses asked for, which of its conditions it has, and its
 * limit (written into the text where the reads are named: prepared-statements.ts, inlineLimits).
 */
interface ListShape {
  limit: number;
  statuses: readonly InvoiceStatus[] | null;
  overdue: boolean;
  matching: boolean;
  amount: boolean;
  after: boolean;
}

/** The list's arguments as its shape and the values that land only in its statement's values. */
function listValues(args: ListArgs): { shape: ListShape; values: Record<string, number | string> } {
  return {
    shape: {
      limit: args.limit,
      statuses: args.statuses ?? null,
      overdue: args.overdueOn !== undefined,
      matching: args.matching !== undefined,
      amount: args.matching !== undefined && args.amount !== undefined,
      after: Boolean(args.after),
    },
    values: {
      workspaceId: args.workspaceId,
      clientId: args.clientId,
      ...(args.overdueOn !== undefined ? { overdueOn: args.overdueOn } : {}),
      ...(args.matching !== undefined ? { matching: args.matching } : {}),
      ...(args.matching !== undefined && args.amount ? { fromCents: args.amount.fromCents, toCents: args.amount.toCents } : {}),
      ...(args.after ? { afterDate: args.after.issueDate, afterId: args.after.id } : {}),
    },
  };
}

/** listValues read back: the arguments of a shape from its values. */
function listArgsOf(shape: ListShape, values: Record<string, number | string>): ListArgs {
  return {
    workspaceId: values.workspaceId as number,
    clientId: values.clientId as number,
    limit: shape.limit,
    ...(shape.statuses ? { statuses: shape.statuses } : {}),
    ...(shape.overdue ? { overdueOn: values.overdueOn as string } : {}),
    ...(shape.matching ? { matching: values.matching as string } : {}),
    ...(shape.amount ? { amount: { fromCents: values.fromCents as number, toCents: values.toCents as number } } : {}),
    ...(shape.after ? { after: { issueDate: values.afterDate as string, id: values.afterId as number } } : {}),
  };
}

/** At most `limit` invoices of the list, as a query: run it, or read it with others (the dashboard). */
export function clientInvoicesQuery(db: Db, args: ListArgs) {
  const query = scoped(db, args);
  if (args.statuses) query.whereRaw(statusInSql('i.status', args.statuses, INVOICE_STATUSES));
  if (args.overdueOn) {
    const day = args.overdueOn;
    query
      .whereRaw(statusInSql('i.status', ['sent', 'overdue'], INVOICE_STATUSES))
      .andWhere((q) => q.where('i.status', 'overdue').orWhereRaw('i.due_date < ?::date', [day]));
  }
  if (args.matching) {
    const { matching, amount } = args;
    query.andWhere((q) => {
      q.whereILike('i.number', matching);
      if (amount) q.orWhereBetween('i.total_cents', [amount.fromCents, amount.toCents]);
    });
  }
  if (args.after) query.andWhereRaw('(i.issue_date, i.id) < (?::date, ?)', [args.after.issueDate, args.after.id]);
  return query.orderBy('i.issue_date', 'desc').orderBy('i.id', 'desc').limit(args.limit).select<PortalInvoiceRow[]>(COLUMNS);
}

type InvoiceArgs = { workspaceId: number; clientId: number; invoiceId: number };

/** A payment as the portal reads it: with the online provider that took it, whose id its reference then is. */
export interface PortalPaymentRow extends PaymentRow {
  provider: string | null;
}

const PAYMENT_COLUMNS = ['pm.id', 'pm.invoice_id', 'pm.amount_cents', 'pm.method', 'pm.reference', 'pm.provider', 'pm.paid_at'];

/** What an invoice a business can file names besides its lines: the agency's and the client's details, supply and terms. */
export interface PortalInvoiceLegalRow extends PartiesRow {
  supply_date: string | null;
  supply_end_date: string | null;
  /** The invoice's own terms, or else the workspace's. */
  payment_terms: string | null;
  bank_name: string | null;
  iban: string | null;
  bic: string | null;
  /** Why the invoice charges no VAT: the client's reason and note, or else the workspace's pair. */
  vat_exemption_reason: string | null;
  vat_exemption_note: string | null;
}

/** One invoice of the client (undefined when there is none), as a query: run it, or read it with its lines and payments. */
export function clientInvoiceQuery(db: Db, args: InvoiceArgs) {
  return joinParties(scoped(db, args).where('i.id', args.invoiceId), 'i').first<(PortalInvoiceRow & PortalInvoiceLegalRow) | undefined>([
    ...COLUMNS,
    db.raw("to_char(i.supply_date, 'YYYY-MM-DD') as supply_date"),
    db.raw("to_char(i.supply_end_date, 'YYYY-MM-DD') as supply_end_date"),
    db.raw('coalesce(i.payment_terms, w.payment_terms) as payment_terms'),
    ...PARTY_COLUMNS,
    'w.bank_name',
    'w.iban',
    'w.bic',
    // The client's reason and note go together, so a client's reason never meets the workspace's note.
    db.raw(
      'case when c.vat_exemption_reason is not null or c.vat_exemption_note is not null then c.vat_exemption_reason else w.vat_exemption_reason end as vat_exemption_reason',
    ),
    db.raw(
      'case when c.vat_exemption_reason is not null or c.vat_exemption_note is not null then c.vat_exemption_note else w.vat_exemption_note end as vat_exemption_note',
    ),
  ]);
}

/** The lines of an invoice of this workspace and client, as a query. */
export function clientInvoiceItemsQuery(db: Db, args: InvoiceArgs) {
  return db('invoice_items as li')
    .join('invoices as p', (on) => on.on('p.workspace_id', 'li.workspace_id').andOn('p.id', 'li.invoice_id'))
    .where({
      'li.workspace_id': args.workspaceId,
      'p.workspace_id': args.workspaceId,
      'p.client_id': args.clientId,
      'p.id': args.invoiceId,
    })
    .orderBy('li.position')
    .orderBy('li.id')
    .select<LineItemRow[]>(lineItemColumns(db));
}

/** The payments of an invoice of this workspace and client, as a query. */
export function clientInvoicePaymentsQuery(db: Db, args: InvoiceArgs) {
  return db('payments as pm')
    .join('invoices as i', (on) => on.on('i.workspace_id', 'pm.workspace_id').andOn('i.id', 'pm.invoice_id'))
    .where({
      'pm.workspace_id': args.workspaceId,
      'i.workspace_id': args.workspaceId,
      'i.client_id': args.clientId,
      'i.id': args.invoiceId,
    })
    .orderBy('pm.paid_at')
    .orderBy('pm.id')
    .select<PortalPaymentRow[]>(PAYMENT_COLUMNS);
}

// A statement of account (src/features/invoices/statement-period.ts): days in the workspace's time
// zone, a payment on the day its instant falls on there. The period's bounds are days; an open end
// is the sentinel day beyond any record, so every statement has one text (togetherTemplate).
export const NO_START = '0001-01-01';
export const NO_END = '9999-12-31';

/** Invoices that weigh on the balance: visible and not void. */
const OWED_INVOICE_STATUSES: readonly InvoiceStatus[] = ['sent', 'overdue', 'paid'];

interface StatementArgs {
  workspaceId: number;
  clientId: number;
  timeZone: string;
}

export interface DailyMoveRow {
  currency: string;
  day: string;
  charged: string | number;
  paid: string | number;
}

/** The instant a day of the workspace's time zone starts, in SQL: a range of days as a range of instants. */
const DAY_START = '(?::date::timestamp at time zone ?)';

/**
 * What the client owes now per currency: the invoices (not void) that are not settled, each its
 * total less what its payments paid (paid_cents, which the CRM's triggers keep). A settled invoice
 * adds nothing, so this reads the client's unsettled invoices alone, by their own partial index
 * (migrations/20270712000001_statement_walk_indexes.ts), whatever its history. Planned for its
 * values: a plan made for any client reads the open-invoice index, settled invoices and all.
 */
export function clientBalances(db: Db, args: StatementArgs): Promise<Array<{ currency: string; cents: string | number }>> {
  const owed = statusInSql('i.status', OWED_INVOICE_STATUSES, INVOICE_STATUSES);
  return db
    .raw(
      `${PLANNED_FOR_ITS_VALUES}select i.currency, sum(i.total_cents - i.paid_cents) as cents
         from invoices i
        where i.workspace_id = ? and i.client_id = ? and ${owed} and i.total_cents <> i.paid_cents
        group by i.currency`,
      [args.workspaceId, args.clientId],
    )
    .then((result: { rows: Array<{ currency: string; cents: string }> }) => result.rows);
}

/**
 * What moved the client's balance, per currency and day, on the days in [from, before) (NO_START
 * and NO_END: open ends): the invoices issued (not void) and their payments, summed by the
 * database, so the rows sent are at most one per currency and day. The invoices are read by the
 * client's issue-date index, the payments by the instants the days span, so a range costs what
 * it holds, not the client's history. Planned for its values: a plan made for any range joins
 * the client's every invoice to the range's payments.
 */
export function clientDailyMoves(db: Db, args: StatementArgs & { from: string; before: string }): Promise<DailyMoveRow[]> {
  const owed = statusInSql('i.status', OWED_INVOICE_STATUSES, INVOICE_STATUSES);
  return db
    .raw(
      `${PLANNED_FOR_ITS_VALUES}select currency, to_char(day, 'YYYY-MM-DD') as day, sum(charged) as charged, sum(paid) as paid
         from (select i.currency, i.issue_date as day, i.total_cents as charged, 0 as paid
                 from invoices i
                where i.workspace_id = ? and i.client_id = ? and ${owed} and i.issue_date >= ?::date and i.issue_date < ?::date
               union all
               select i.currency, (pm.paid_at at time zone ?)::date, 0, pm.amount_cents
                 from payments pm
                 join invoices i on i.workspace_id = pm.workspace_id and i.id = pm.invoice_id
                where pm.workspace_id = ? and i.client_id = ? and ${owed}
                  and pm.paid_at >= ${DAY_START} and pm.paid_at < ${DAY_START}) m
        group by currency, day`,
      [
        args.workspaceId,
        args.clientId,
        args.from,
        args.before,
        args.timeZone,
        args.workspaceId,
        args.clientId,
        args.from,
        args.timeZone,
        args.before,
        args.timeZone,
      ],
    )
    .then((result: { rows: DailyMoveRow[] }) => result.rows);
}

/** The client's visible invoices issued in [from, before), oldest issued first, as a query. */
export function clientStatementInvoicesQuery(db: Db, args: StatementArgs & { from: string; before: string }) {
  return scoped(db, args)
    .where('i.issue_date', '>=', args.from)
    .andWhere('i.issue_date', '<', args.before)
    .orderBy('i.issue_date')
    .orderBy('i.id')
    .select<PortalInvoiceRow[]>(COLUMNS);
}

export interface StatementPaymentRow extends PortalPaymentRow {
  invoice_number: string;
  currency: string;
  position: number;
}

/**
 * The payments of the client's invoices that are not void, paid in [from, before), oldest first,
 * each with its invoice's number and currency and its place among that invoice's payments (counted
 * over all of them, before the period too, by that invoice's own payments), as a query.
 */
export function clientStatementPaymentsQuery(db: Db, args: StatementArgs & { from: string; before: string }) {
  return db('payments as pm')
    .join('invoices as i', (on) => on.on('i.workspace_id', 'pm.workspace_id').andOn('i.id', 'pm.invoice_id'))
    .where({ 'pm.workspace_id': args.workspaceId, 'i.workspace_id': args.workspaceId, 'i.client_id': args.clientId })
    .whereRaw(statusInSql('i.status', OWED_INVOICE_STATUSES, INVOICE_STATUSES))
    .whereRaw(`pm.paid_at >= ${DAY_START}`, [args.from, args.timeZone])
    .whereRaw(`pm.paid_at < ${DAY_START}`, [args.before, args.timeZone])
    .orderBy('pm.paid_at')
    .orderBy('pm.id')
    .select<StatementPaymentRow[]>(PAYMENT_COLUMNS)
    .select('i.number as invoice_number', 'i.currency')
    .select(
      db.raw(
        `(select count(*) from payments earlier
           where earlier.workspace_id = ? and earlier.invoice_id = pm.invoice_id
             and (earlier.paid_at, earlier.id) <= (pm.paid_at, pm.id)) as position`,
        [args.workspaceId],
      ),
    );
}
