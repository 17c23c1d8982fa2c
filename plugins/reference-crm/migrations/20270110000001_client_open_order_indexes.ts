// "This client's open records in list order": the dashboard's widgets and the lists' open filter
// read a client's first unpaid invoices, and proposals and quotations awaiting an answer, newest
// first. Through the list-order indexes (20261207000001) that read walks the client's whole history
// until it has found a page of open rows: with 99,000 decided proposals newer than the 1,000 sent
// ones, the dashboard's five open proposals cost 99,000 skipped index entries and heap rows (18 ms
// of a 34 ms page). A partial index holds only the open rows in the same order, so a page of them
// costs a page of index entries, however long the history. The predicates are the open filters as
// the queries write them (portal-offers.ts, portal-invoices.ts): the planner uses an index whose
// predicate the query's filter implies.
import type { Knex } from 'knex';

const INDEXES = [
  {
    table: 'invoices',
    name: 'invoices_client_open_issued_idx',
    columns: '(workspace_id, client_id, issue_date, id)',
    where: "status in ('sent', 'overdue')",
  },
  {
    table: 'proposals',
    name: 'proposals_client_open_created_idx',
    columns: '(workspace_id, client_id, created_at, id)',
    where: "status = 'sent'",
  },
  {
    table: 'quotations',
    name: 'quotations_client_open_created_idx',
    columns: '(workspace_id, client_id, created_at, id)',
    where: "status = 'sent'",
  },
];

export async function up(knex: Knex): Promise<void> {
  for (const index of INDEXES)
    await knex.raw(`create index if not exists ${index.name} on ${index.table} ${index.columns} where ${index.where}`);
}

export async function down(knex: Knex): Promise<void> {
  for (const index of INDEXES) await knex.raw(`drop index if exists ${index.name}`);
}
