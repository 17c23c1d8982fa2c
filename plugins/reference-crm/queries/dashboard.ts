// Counts for the staff dashboard, one round trip. Each is counted up to countLimit: a workspace
// that imported hundreds of thousands of invoices costs the dashboard what one with a few does,
// and a count that reaches the limit says only that there are more than the dashboard shows.
import { countUpTo } from '../../shared/count-up-to.ts';
import { type Db, statusInSql } from './db.ts';
import { INVOICE_STATUSES } from './invoices.ts';
import { OFFER_STATUSES } from './offers.ts';

export interface DashboardCounts {
  clients: number;
  contacts: number;
  open_proposals: number;
  open_quotations: number;
  unpaid_invoices: number;
  open_tasks: number;
}

/**
 * The workspace's counts, each at most countLimit. The open statuses are written into the text, so
 * the counts of open offers and unpaid invoices read the partial indexes of open rows
 * (20270110000001) rather than every decided one.
 */
export async function dashboardCounts(db: Db, args: { workspaceId: number; countLimit: number }): Promise<DashboardCounts> {
  const inWorkspace = (table: string) => db(table).where({ workspace_id: args.workspaceId });
  const counts: Record<keyof DashboardCounts, ReturnType<typeof inWorkspace>> = {
    clients: inWorkspace('clients'),
    contacts: inWorkspace('contacts'),
    open_proposals: inWorkspace('proposals').whereRaw(statusInSql('status', ['sent'], OFFER_STATUSES)),
    open_quotations: inWorkspace('quotations').whereRaw(statusInSql('status', ['sent'], OFFER_STATUSES)),
    unpaid_invoices: inWorkspace('invoices').whereRaw(statusInSql('status', ['sent', 'overdue'], INVOICE_STATUSES)),
    open_tasks: inWorkspace('tasks').whereRaw("status <> 'done'"),
  };
  const row = await db
    .select(Object.entries(counts).map(([name, rows]) => db.raw('(?) as ??', [countUpTo(db, rows, args.countLimit), name])))
    .first<DashboardCounts | undefined>();
  if (!row) throw new Error('dashboard counts returned no row');
  return row;
}
