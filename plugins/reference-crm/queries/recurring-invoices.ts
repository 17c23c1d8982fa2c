// Recurring invoices (migration 20270610000001): a client's next ones, soonest first, and the
// demo's. Every statement is scoped by workspace, and a client's read by client.
import type { RECURRENCE_UNITS } from '../migrations/20270610000001_recurring_invoices.ts';
import type { Db } from './db.ts';

export type RecurrenceUnit = (typeof RECURRENCE_UNITS)[number];

export interface RecurringInvoiceRow {
  id: number;
  title: string;
  amount_cents: number;
  currency: string;
  every: number;
  unit: RecurrenceUnit;
  next_date: string;
}

/**
 * The client's recurring invoices that will still issue one: switched on, and the next day not
 * past the end day. The soonest first (id breaks ties), at most `limit`.
 */
export function upcomingRecurringInvoices(db: Db, args: { workspaceId: number; clientId: number; limit: number }) {
  return db('recurring_invoices')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, active: true })
    .andWhere((q) => q.whereNull('ends_on').orWhereRaw('next_date <= ends_on'))
    .orderBy([{ column: 'next_date' }, { column: 'id' }])
    .limit(args.limit)
    .select<RecurringInvoiceRow[]>('id', 'title', 'amount_cents', 'currency', 'every', 'unit', 'next_date');
}

export interface WorkspaceRecurringInvoiceRow extends RecurringInvoiceRow {
  client_id: number;
  client_name: string;
  ends_on: string | null;
  active: boolean;
}

/** Every recurring invoice of the workspace, for staff: the switched-on ones first, each by its next day. */
export function listRecurringInvoices(db: Db, args: { workspaceId: number }) {
  return db('recurring_invoices as r')
    .join('clients as c', function () {
      this.on('c.workspace_id', '=', 'r.workspace_id').andOn('c.id', '=', 'r.client_id');
    })
    .where('r.workspace_id', args.workspaceId)
    .orderBy([{ column: 'r.active', order: 'desc' }, { column: 'r.next_date' }, { column: 'r.id' }])
    .select<WorkspaceRecurringInvoiceRow[]>(
      'r.id',
      'r.client_id',
      'c.name as client_name',
      'r.title',
      'r.amount_cents',
      'r.currency',
      'r.every',
      'r.unit',
      'r.next_date',
      'r.ends_on',
      'r.active',
    );
}

/** Adds a recurring invoice of the demo once: a seed run again finds it by client and title. */
export async function ensureSeedRecurringInvoice(
  db: Db,
  workspaceId: number,
  invoice: {
    clientId: number;
    title: string;
    amountCents: number;
    currency: string;
    every: number;
    unit: RecurrenceUnit;
    nextDate: string;
  },
): Promise<void> {
  const existing = await db('recurring_invoices')
    .where({ workspace_id: workspaceId, client_id: invoice.clientId, title: invoice.title })
    .first<{ id: number } | undefined>('id');
  if (existing) return;
  await db('recurring_invoices').insert({
    workspace_id: workspaceId,
    client_id: invoice.clientId,
    title: invoice.title,
    amount_cents: invoice.amountCents,
    currency: invoice.currency,
    every: invoice.every,
    unit: invoice.unit,
    next_date: invoice.nextDate,
  });
}
