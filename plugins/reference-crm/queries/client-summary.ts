// What the portal dashboard shows of one client, in one statement (one round trip). Each part is
// its own aggregate over one table, read through a composite index that starts with
// (workspace_id, client_id): the cost follows this client's rows, not the table's. The outstanding
// balance reads each open invoice's stored total and payments (kept by the CRM, see migration
// 20261208000001) from the open-invoice index alone, instead of looking up every open invoice's
// lines and payments. No correlated subqueries: they made PostgreSQL's JIT start (375 ms of a
// 406 ms query at 100k invoices).
//
// A client's history does not weigh: what is open is read by its status through the index (the
// past rows are never visited), and what counts the whole history — offers in all, documents
// shared — stops at the caller's countLimit (a scan of at most that many index entries). With
// 100,000 past invoices and 100,000 past proposals on one client, an unbounded count made this
// statement 8.8 times slower than at the demo's size. What is open stops there too: a data import
// gone wrong left 50,000 unpaid invoices on one client, and adding them all up made the dashboard
// 5 times slower than at the demo's size; open tasks stop there as well. Past the limit the
// unpaid invoices' overdue count and sums cover only the invoices read, and the dashboard shows
// neither (ClientSummary).
import { countLimitOf } from '../../shared/count-up-to.ts';
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
  documentsAttached: { proposal: number; quotation: number; invoice: number; project: number };
}

// Drafts are the agency's own work in progress: the client never sees them.
// The count limit is written into the text (an integer, checked below), as every LIMIT the portal's
// reads send: a generic plan for a parameter as LIMIT assumes a tenth of the rows.
const clientSummarySql = (countLimit: number) => `
with open_invoices as (
  select currency, status, due_date, total_cents, paid_cents
    from invoices
   where workspace_id = :workspaceId and client_id = :clientId and status in ('sent', 'overdue')
   limit ${countLimit}
), by_currency as (
  select currency,
         count(*)::int as unpaid,
         count(*) filter (where status = 'overdue' or due_date < :today::date)::int as overdue,
         sum(total_cents - paid_cents)::bigint as outstanding_cents
    from open_invoices
   group by currency
)
select (select count(*)::int from (select 1 from proposals
         where workspace_id = :workspaceId and client_id = :clientId and status = 'sent' limit ${countLimit}) p) as proposals_open,
       (select count(*)::int from (select 1 from proposals
         where workspace_id = :workspaceId and client_id = :clientId and status <> 'draft' limit ${countLimit}) p) as proposals_total,
       (select count(*)::int from (select 1 from quotations
         where workspace_id = :workspaceId and client_id = :clientId and status = 'sent' limit ${countLimit}) q) as quotations_open,
       (select count(*)::int from (select 1 from quotations
         where workspace_id = :workspaceId and client_id = :clientId and status <> 'draft' limit ${countLimit}) q) as quotations_total,
       (select count(*)::int from (select 1 from tasks
         where workspace_id = :workspaceId and client_id = :clientId and (assigned_contact_id = :contactId or assigned_contact_id is null)
           and status in ('open', 'in_progress') limit ${countLimit}) t) as tasks_open,
       dc.n as documents_shared, dc.proposal as documents_proposal, dc.quotation as documents_quotation, dc.invoice as documents_invoice,
       dc.project as documents_project,
       (select coalesce(json_agg(by_currency order by currency), '[]'::json) from by_currency) as invoices
  from (select count(*)::int as n,
               count(*) filter (where record_type = 'proposal')::int as proposal,
               count(*) filter (where record_type = 'quotation')::int as quotation,
               count(*) filter (where record_type = 'invoice')::int as invoice,
               count(*) filter (where record_type = 'project')::int as project
          from (select record_type from documents
                 where workspace_id = :workspaceId and client_id = :clientId and shared_with_client limit ${countLimit}) d) dc`;

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
  documents_project: number;
  invoices: Array<{ currency: string; unpaid: number; overdue: number; outstanding_cents: number }>;
}

type SummaryArgs = {
  workspaceId: number;
  clientId: number;
  contactId: number;
  today: string;
  /** How many of a client's offers, unpaid invoices, open tasks and shared documents to count at most. */
  countLimit: number;
};

export async function clientSummary(db: Db, args: SummaryArgs): Promise<ClientSummaryRow> {
  const result = await clientSummaryQuery(db, args);
  return summaryFromRow((result.rows as SummaryRow[])[0]!);
}

/** The summary's one row, as a query: run it, or read it with others (the dashboard). */
export function clientSummaryQuery(db: Db, { countLimit, ...args }: SummaryArgs) {
  return db.raw(clientSummarySql(countLimitOf(countLimit)), args);
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
      project: Number(row.documents_project),
    },
  };
}
