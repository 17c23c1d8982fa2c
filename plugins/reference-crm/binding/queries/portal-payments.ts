// A payment the portal records for a client (InvoicesPort.recordPayment): scoped by workspace AND
// client, only against an open invoice (sent or overdue), never over its balance, and turning the
// invoice paid when the balance reaches zero. The invoice row is locked first, so two payments for
// the same invoice are checked one after the other.
import type { Db } from '../../queries/db.ts';
import { inTransaction } from '../../queries/db.ts';
import { sumInvoiceAfresh } from '../../queries/line-items.ts';

/** The statuses in which this CRM still expects money for an invoice. */
const OPEN_INVOICE_STATUSES = ['sent', 'overdue'] as const;

export interface RecordedPaymentRow {
  id: number;
  amount_cents: number;
  method: string;
  reference: string | null;
  provider: string | null;
  paid_at: Date;
}

export async function recordClientPayment(
  db: Db,
  args: {
    workspaceId: number;
    clientId: number;
    invoiceId: number;
    amountCents: number;
    method: string;
    reference: string | null;
    /** The online provider that took it; the reference is then the provider's id. */
    provider: string | null;
    paidAt: Date;
  },
): Promise<RecordedPaymentRow | null> {
  return inTransaction(db, async (trx) => {
    const invoice = await trx('invoices as i')
      .where({ 'i.workspace_id': args.workspaceId, 'i.client_id': args.clientId, 'i.id': args.invoiceId })
      .forUpdate()
      .first<{ id: number; status: string } | undefined>(['i.id', 'i.status']);
    if (!invoice || !(OPEN_INVOICE_STATUSES as readonly string[]).includes(invoice.status)) return null;
    const sums = await sumInvoiceAfresh(trx, { workspaceId: args.workspaceId, invoiceId: invoice.id });
    const balance = sums.totalCents - sums.paidCents;
    if (args.amountCents <= 0 || args.amountCents > balance) return null;
    const [row] = await trx('payments')
      .insert({
        workspace_id: args.workspaceId,
        invoice_id: invoice.id,
        amount_cents: args.amountCents,
        method: args.method,
        reference: args.reference,
        provider: args.provider,
        paid_at: args.paidAt,
      })
      .returning<RecordedPaymentRow[]>(['id', 'amount_cents', 'method', 'reference', 'provider', 'paid_at']);
    if (!row) throw new Error('insert into payments returned no row');
    if (args.amountCents === balance) {
      await trx('invoices').where({ workspace_id: args.workspaceId, client_id: args.clientId, id: invoice.id }).update({ status: 'paid' });
    }
    return { ...row, amount_cents: Number(row.amount_cents) };
  });
}
