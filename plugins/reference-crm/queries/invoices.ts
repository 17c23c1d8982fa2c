// Invoices: what a client owes, with line items; payments against them live in payments.ts.
import type { Db } from './db.ts';
import { inTransaction, isUniqueViolation } from './db.ts';
import { insertLineItems, listLineItems, nextNumber, type LineItemInput, type LineItemRow, type LineItemsTable } from './line-items.ts';

export const INVOICE_STATUSES = ['draft', 'sent', 'paid', 'overdue', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

const INVOICE_ITEMS: LineItemsTable = { table: 'invoice_items', parentTable: 'invoices', parentKey: 'invoice_id' };
const PREFIX = 'INV';

export interface InvoiceRow {
  id: number;
  workspace_id: number;
  client_id: number;
  client_name: string;
  number: string;
  status: InvoiceStatus;
  currency: string;
  issue_date: string;
  due_date: string;
  notes: string;
  created_at: Date;
  total_cents: number;
  paid_cents: number;
}

export interface NewInvoice {
  workspaceId: number;
  clientId: number;
  /** Generated as INV-0001... when omitted. */
  number?: string;
  status: InvoiceStatus;
  currency: string;
  issueDate: string;
  dueDate: string;
  notes: string;
  createdAt?: Date;
  items: LineItemInput[];
}

// Totals and payments as the invoice stores them (kept in step by the CRM's triggers).
const COLUMNS = [
  'i.id',
  'i.workspace_id',
  'i.client_id',
  'c.name as client_name',
  'i.number',
  'i.status',
  'i.currency',
  'i.issue_date',
  'i.due_date',
  'i.notes',
  'i.created_at',
  'i.total_cents',
  'i.paid_cents',
];

function scoped(db: Db, workspaceId: number) {
  return db('invoices as i')
    .join('clients as c', function joinClient() {
      this.on('c.id', '=', 'i.client_id').andOn('c.workspace_id', '=', 'i.workspace_id');
    })
    .where('i.workspace_id', workspaceId);
}

export async function listInvoices(
  db: Db,
  args: { workspaceId: number; clientId?: number; statuses?: readonly InvoiceStatus[]; limit?: number },
): Promise<InvoiceRow[]> {
  const query = scoped(db, args.workspaceId);
  if (args.clientId !== undefined) query.where('i.client_id', args.clientId);
  if (args.statuses) query.whereIn('i.status', args.statuses);
  if (args.limit !== undefined) query.limit(args.limit);
  return query.orderBy('i.issue_date', 'desc').orderBy('i.id', 'desc').select<InvoiceRow[]>(COLUMNS);
}

export async function findInvoice(db: Db, args: { workspaceId: number; invoiceId: number }): Promise<InvoiceRow | null> {
  const row = await scoped(db, args.workspaceId).where('i.id', args.invoiceId).first<InvoiceRow | undefined>(COLUMNS);
  return row ?? null;
}

export async function findInvoiceByNumber(db: Db, args: { workspaceId: number; number: string }): Promise<InvoiceRow | null> {
  const row = await scoped(db, args.workspaceId).where('i.number', args.number).first<InvoiceRow | undefined>(COLUMNS);
  return row ?? null;
}

export async function listInvoiceItems(db: Db, args: { workspaceId: number; invoiceId: number }): Promise<LineItemRow[]> {
  return listLineItems(db, INVOICE_ITEMS, { workspaceId: args.workspaceId, parentId: args.invoiceId });
}

/** The invoice and its items in one transaction; a generated number is retried on a clash. */
export async function createInvoice(db: Db, invoice: NewInvoice): Promise<{ id: number; number: string }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await inTransaction(db, async (trx) => {
        const number = invoice.number ?? (await nextNumber(trx, 'invoices', { workspaceId: invoice.workspaceId, prefix: PREFIX }));
        const [row] = await trx('invoices')
          .insert({
            workspace_id: invoice.workspaceId,
            client_id: invoice.clientId,
            number,
            status: invoice.status,
            currency: invoice.currency,
            issue_date: invoice.issueDate,
            due_date: invoice.dueDate,
            notes: invoice.notes,
            ...(invoice.createdAt ? { created_at: invoice.createdAt } : {}),
          })
          .returning<Array<{ id: number }>>(['id']);
        if (!row) throw new Error('insert into invoices returned no row');
        await insertLineItems(trx, INVOICE_ITEMS, { workspaceId: invoice.workspaceId, id: row.id }, invoice.items);
        return { id: row.id, number };
      });
    } catch (error) {
      if (invoice.number === undefined && isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}

/** Outstanding (sent or overdue, minus payments) per currency, for the dashboard. */
export async function outstandingByCurrency(
  db: Db,
  args: { workspaceId: number },
): Promise<Array<{ currency: string; outstanding_cents: number; invoice_count: number }>> {
  return db('invoices')
    .where('workspace_id', args.workspaceId)
    .whereIn('status', ['sent', 'overdue'])
    .groupBy('currency')
    .orderBy('currency')
    .select<Array<{ currency: string; outstanding_cents: number; invoice_count: number }>>([
      'currency',
      db.raw('sum(total_cents - paid_cents)::bigint as outstanding_cents'),
      db.raw('count(*)::int as invoice_count'),
    ]);
}
