// What the portal reads of invoices: one client's invoices past draft, newest first by issue date,
// a page at a time (keyset on issue_date, id), one invoice with its items and payments. Scoped by
// workspace AND client in every query; drafts never leave this module.
import type { Db } from './db.ts';
import type { InvoiceStatus } from './invoices.ts';
import type { LineItemRow } from './line-items.ts';
import type { PaymentRow } from './payments.ts';

export const VISIBLE_INVOICE_STATUSES: readonly InvoiceStatus[] = ['sent', 'overdue', 'paid', 'void'];

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
const COLUMNS = ['i.id', 'i.client_id', 'i.number', 'i.status', 'i.currency', 'i.issue_date', 'i.due_date', 'i.notes', 'i.total_cents', 'i.paid_cents'];

function scoped(db: Db, args: { workspaceId: number; clientId: number }) {
  return db('invoices as i')
    .where('i.workspace_id', args.workspaceId)
    .andWhere('i.client_id', args.clientId)
    .whereIn('i.status', VISIBLE_INVOICE_STATUSES);
}

type ListArgs = { workspaceId: number; clientId: number; statuses?: readonly InvoiceStatus[]; after?: InvoiceKey | null; limit: number };

/** One page plus one row more, which tells the caller whether another page follows. */
export async function listClientInvoices(db: Db, args: ListArgs): Promise<PortalInvoiceRow[]> {
  return clientInvoicesQuery(db, { ...args, limit: args.limit + 1 });
}

/** At most `limit` invoices of the list, as a query: run it, or read it with others (the dashboard). */
export function clientInvoicesQuery(db: Db, args: ListArgs) {
  const query = scoped(db, args);
  if (args.statuses) query.whereIn('i.status', args.statuses);
  if (args.after) query.andWhereRaw('(i.issue_date, i.id) < (?::date, ?)', [args.after.issueDate, args.after.id]);
  return query
    .orderBy('i.issue_date', 'desc')
    .orderBy('i.id', 'desc')
    .limit(args.limit)
    .select<PortalInvoiceRow[]>(COLUMNS);
}

type InvoiceArgs = { workspaceId: number; clientId: number; invoiceId: number };

/** One invoice of the client (undefined when there is none), as a query: run it, or read it with its lines and payments. */
export function clientInvoiceQuery(db: Db, args: InvoiceArgs) {
  return scoped(db, args).where('i.id', args.invoiceId).first<PortalInvoiceRow | undefined>(COLUMNS);
}

/** The lines of an invoice of this workspace and client, as a query. */
export function clientInvoiceItemsQuery(db: Db, args: InvoiceArgs) {
  return db('invoice_items as li')
    .join('invoices as p', 'p.id', 'li.invoice_id')
    .where({ 'p.workspace_id': args.workspaceId, 'p.client_id': args.clientId, 'p.id': args.invoiceId })
    .orderBy('li.position')
    .orderBy('li.id')
    .select<LineItemRow[]>([
      'li.id', 'li.position', 'li.description', 'li.quantity', 'li.unit_price_cents',
      db.raw('round(li.quantity * li.unit_price_cents)::bigint as line_total_cents'),
    ]);
}

/** The payments of an invoice of this workspace and client, as a query. */
export function clientInvoicePaymentsQuery(db: Db, args: InvoiceArgs) {
  return db('payments as pm')
    .join('invoices as i', 'i.id', 'pm.invoice_id')
    .where({ 'i.workspace_id': args.workspaceId, 'i.client_id': args.clientId, 'i.id': args.invoiceId })
    .orderBy('pm.paid_at')
    .orderBy('pm.id')
    .select<PaymentRow[]>(['pm.id', 'pm.invoice_id', 'pm.amount_cents', 'pm.method', 'pm.reference', 'pm.paid_at']);
}
