// Payments received against invoices. Each carries its invoice's workspace id, named in every read.
import type { Db } from './db.ts';
import { inTransaction } from './db.ts';
import { sumInvoiceAfresh } from './line-items.ts';

export const PAYMENT_METHODS = ['bank_transfer', 'card', 'cash', 'check'] as const;

export interface PaymentRow {
  id: number;
  invoice_id: number;
  amount_cents: number;
  method: string;
  reference: string | null;
  paid_at: Date;
}

/** A payment's columns, as the binding's claims name them too. */
export const PAYMENT_COLUMNS = ['id', 'invoice_id', 'amount_cents', 'method', 'reference', 'paid_at'];

const COLUMNS = PAYMENT_COLUMNS.map((column) => `pm.${column}`);

export async function listPayments(db: Db, args: { workspaceId: number; invoiceId: number }): Promise<PaymentRow[]> {
  return db('payments as pm')
    .join('invoices as i', (on) => on.on('i.workspace_id', 'pm.workspace_id').andOn('i.id', 'pm.invoice_id'))
    .where({ 'pm.workspace_id': args.workspaceId, 'i.workspace_id': args.workspaceId, 'i.id': args.invoiceId })
    .orderBy('pm.paid_at')
    .orderBy('pm.id')
    .select<PaymentRow[]>(COLUMNS);
}

/**
 * Records a payment and, when the invoice is then fully paid, marks it paid — both in one
 * transaction. Returns null when the invoice is not in the workspace (nothing is written then).
 */
export async function recordPayment(
  db: Db,
  args: { workspaceId: number; invoiceId: number; amountCents: number; method: string; reference: string | null; paidAt?: Date },
): Promise<{ paymentId: number; fullyPaid: boolean } | null> {
  return inTransaction(db, async (trx) => {
    const invoice = await trx('invoices as i')
      .where({ 'i.workspace_id': args.workspaceId, 'i.id': args.invoiceId })
      .forUpdate()
      .first<{ id: number; status: string } | undefined>(['i.id', 'i.status']);
    if (!invoice) return null;
    const [row] = await trx('payments')
      .insert({
        workspace_id: args.workspaceId,
        invoice_id: invoice.id,
        amount_cents: args.amountCents,
        method: args.method,
        reference: args.reference,
        ...(args.paidAt ? { paid_at: args.paidAt } : {}),
      })
      .returning<Array<{ id: number }>>(['id']);
    if (!row) throw new Error('insert into payments returned no row');
    const sums = await sumInvoiceAfresh(trx, { workspaceId: args.workspaceId, invoiceId: invoice.id });
    const fullyPaid = sums.paidCents >= sums.totalCents;
    if (fullyPaid && invoice.status !== 'paid' && invoice.status !== 'void') {
      await trx('invoices').where({ workspace_id: args.workspaceId, id: invoice.id }).update({ status: 'paid' });
    }
    return { paymentId: row.id, fullyPaid };
  });
}
