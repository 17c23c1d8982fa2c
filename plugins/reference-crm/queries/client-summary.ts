// What the portal dashboard shows of one client, in a handful of aggregate queries.
import type { Db } from './db.ts';

export interface ClientSummaryRow {
  proposalsOpen: number;
  proposalsTotal: number;
  quotationsOpen: number;
  quotationsTotal: number;
  invoicesUnpaid: number;
  invoicesOverdue: number;
  outstanding: Array<{ currency: string; cents: number }>;
  tasksOpen: number;
  documentsShared: number;
}

async function offerCounts(db: Db, table: 'proposals' | 'quotations', workspaceId: number, clientId: number) {
  // Drafts are the agency's own work in progress: the client never sees them.
  const [row] = await db(table)
    .where({ workspace_id: workspaceId, client_id: clientId })
    .whereNot({ status: 'draft' })
    .select(db.raw("count(*) filter (where status = 'sent')::int as open"), db.raw('count(*)::int as total'));
  return { open: Number(row?.open ?? 0), total: Number(row?.total ?? 0) };
}

export async function clientSummary(db: Db, args: { workspaceId: number; clientId: number; contactId: number; today: string }): Promise<ClientSummaryRow> {
  const { workspaceId, clientId, contactId, today } = args;
  const [proposals, quotations, invoices, tasks, documents] = await Promise.all([
    offerCounts(db, 'proposals', workspaceId, clientId),
    offerCounts(db, 'quotations', workspaceId, clientId),
    db.raw(
      `select i.currency,
              count(*)::int as unpaid,
              count(*) filter (where i.status = 'overdue' or i.due_date < ?::date)::int as overdue,
              sum(coalesce((select sum(round(li.quantity * li.unit_price_cents)) from invoice_items li where li.invoice_id = i.id), 0)
                - coalesce((select sum(p.amount_cents) from payments p where p.invoice_id = i.id), 0))::bigint as outstanding_cents
         from invoices i
        where i.workspace_id = ? and i.client_id = ? and i.status in ('sent', 'overdue')
        group by i.currency
        order by i.currency`,
      [today, workspaceId, clientId],
    ),
    db('tasks')
      .where({ workspace_id: workspaceId, client_id: clientId })
      .andWhere((q) => q.where('assigned_contact_id', contactId).orWhereNull('assigned_contact_id'))
      .whereNot({ status: 'done' })
      .count({ n: '*' }),
    db('documents').where({ workspace_id: workspaceId, client_id: clientId, shared_with_client: true }).count({ n: '*' }),
  ]);
  const invoiceRows = invoices.rows as Array<{ currency: string; unpaid: number; overdue: number; outstanding_cents: number }>;
  return {
    proposalsOpen: proposals.open,
    proposalsTotal: proposals.total,
    quotationsOpen: quotations.open,
    quotationsTotal: quotations.total,
    invoicesUnpaid: invoiceRows.reduce((sum, row) => sum + Number(row.unpaid), 0),
    invoicesOverdue: invoiceRows.reduce((sum, row) => sum + Number(row.overdue), 0),
    outstanding: invoiceRows.filter((row) => Number(row.outstanding_cents) > 0).map((row) => ({ currency: row.currency, cents: Number(row.outstanding_cents) })),
    tasksOpen: Number(tasks[0]?.n ?? 0),
    documentsShared: Number(documents[0]?.n ?? 0),
  };
}
