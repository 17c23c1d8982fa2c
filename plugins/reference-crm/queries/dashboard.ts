// Counts for the staff dashboard, one round trip.
import type { Db } from './db.ts';

export interface DashboardCounts {
  clients: number;
  contacts: number;
  open_proposals: number;
  open_quotations: number;
  unpaid_invoices: number;
  open_tasks: number;
}

export async function dashboardCounts(db: Db, args: { workspaceId: number }): Promise<DashboardCounts> {
  const w = args.workspaceId;
  const row = await db
    .select<DashboardCounts[]>([
      db.raw('(select count(*) from clients where workspace_id = ?)::int as clients', [w]),
      db.raw('(select count(*) from contacts where workspace_id = ?)::int as contacts', [w]),
      db.raw("(select count(*) from proposals where workspace_id = ? and status = 'sent')::int as open_proposals", [w]),
      db.raw("(select count(*) from quotations where workspace_id = ? and status = 'sent')::int as open_quotations", [w]),
      db.raw("(select count(*) from invoices where workspace_id = ? and status in ('sent', 'overdue'))::int as unpaid_invoices", [w]),
      db.raw("(select count(*) from tasks where workspace_id = ? and status <> 'done')::int as open_tasks", [w]),
    ])
    .first<DashboardCounts | undefined>();
  if (!row) throw new Error('dashboard counts returned no row');
  return row;
}
