// What the portal dashboard shows of one client, in one statement (one round trip). Each part is
// its own aggregate over one table, read through a composite index that starts with
// (workspace_id, client_id): the cost follows this client's rows, not the table's. The outstanding
// balance reads each open invoice's stored total and payments (kept by the CRM, see migration
// 20261208000001) from the open-invoice index alone, instead of looking up every open invoice's
// lines and payments. No correlated subqueries: they made PostgreSQL's JIT start (375 ms of a
// 406 ms query at 100k invoices).
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
  /** Of the shared documents, those of each record type. */
  documentsAttached: { proposal: number; quotation: number; invoice: number };
}

// Drafts are the agency's own work in progress: the client never sees them.
const CLIENT_SUMMARY_SQL = `
with by_currency as (
  select currency,
         count(*)::int as unpaid,
         count(*) filter (where status = 'overdue' or due_date < :today::date)::int as overdue,
         sum(total_cents - paid_cents)::bigint as outstanding_cents
    from invoices
   where workspace_id = :workspaceId and client_id = :clientId and status in ('sent', 'overdue')
   group by currency
)
select pr.open as proposals_open, pr.total as proposals_total,
       qu.open as quotations_open, qu.total as quotations_total,
       ta.n as tasks_open, dc.n as documents_shared, dc.proposal as documents_proposal, dc.quotation as documents_quotation,
       dc.invoice as documents_invoice, inv.rows as invoices
  from (select count(*) filter (where status = 'sent')::int as open, count(*)::int as total
          from proposals where workspace_id = :workspaceId and client_id = :clientId and status <> 'draft') pr,
       (select count(*) filter (where status = 'sent')::int as open, count(*)::int as total
          from quotations where workspace_id = :workspaceId and client_id = :clientId and status <> 'draft') qu,
       (select count(*)::int as n from tasks
         where workspace_id = :workspaceId and client_id = :clientId and (assigned_contact_id = :contactId or assigned_contact_id is null) and status <> 'done') ta,
       (select count(*)::int as n,
               count(*) filter (where record_type = 'proposal')::int as proposal,
               count(*) filter (where record_type = 'quotation')::int as quotation,
               count(*) filter (where record_type = 'invoice')::int as invoice
          from documents
         where workspace_id = :workspaceId and client_id = :clientId and shared_with_client) dc,
       (select coalesce(json_agg(by_currency order by currency), '[]'::json) as rows from by_currency) inv`;

export interface SummaryRow {
  proposals_open: number;
  proposals_total: number;
  quotations_open: number;
  quotations_total: number;
  tasks_open: number;
  documents_shared: number;
  documents_proposal: number;
  documents_quotation: number;
  documents_invoice: number;
  invoices: Array<{ currency: string; unpaid: number; overdue: number; outstanding_cents: number }>;
}

type SummaryArgs = { workspaceId: number; clientId: number; contactId: number; today: string };

export async function clientSummary(db: Db, args: SummaryArgs): Promise<ClientSummaryRow> {
  const result = await clientSummaryQuery(db, args);
  return summaryFromRow((result.rows as SummaryRow[])[0]!);
}

/** The summary's one row, as a query: run it, or read it with others (the dashboard). */
export function clientSummaryQuery(db: Db, args: SummaryArgs) {
  return db.raw(CLIENT_SUMMARY_SQL, args);
}

export function summaryFromRow(row: SummaryRow): ClientSummaryRow {
  const invoiceRows = typeof row.invoices === 'string' ? (JSON.parse(row.invoices) as SummaryRow['invoices']) : row.invoices;
  return {
    proposalsOpen: Number(row.proposals_open),
    proposalsTotal: Number(row.proposals_total),
    quotationsOpen: Number(row.quotations_open),
    quotationsTotal: Number(row.quotations_total),
    invoicesUnpaid: invoiceRows.reduce((sum, r) => sum + Number(r.unpaid), 0),
    invoicesOverdue: invoiceRows.reduce((sum, r) => sum + Number(r.overdue), 0),
    outstanding: invoiceRows
      .filter((r) => Number(r.outstanding_cents) > 0)
      .map((r) => ({ currency: r.currency, cents: Number(r.outstanding_cents) })),
    tasksOpen: Number(row.tasks_open),
    documentsShared: Number(row.documents_shared),
    documentsAttached: {
      proposal: Number(row.documents_proposal),
      quotation: Number(row.documents_quotation),
      invoice: Number(row.documents_invoice),
    },
  };
}
