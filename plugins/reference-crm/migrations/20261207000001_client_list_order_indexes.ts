// "This client's records in list order": the portal lists a client's invoices newest first by issue
// date, proposals and quotations newest first, open tasks by due date (undated last), a page at a
// time. With only the (workspace_id, client_id, status) indexes, every page read all of the
// client's visible rows and sorted them for the first 26: at 1,000 invoices per client the
// invoice list read 798 rows for one page. These indexes hold each list's order after the client,
// so a page reads about a page of rows; the status indexes stay for the dashboard's counts. The
// shared documents' index gains the id after created_at: documents shared together (in one
// transaction, so at one created_at) were read and sorted whole, however many.
import type { Knex } from 'knex';

const INDEXES = [
  { table: 'invoices', name: 'invoices_client_issued_idx', columns: '(workspace_id, client_id, issue_date, id)' },
  { table: 'proposals', name: 'proposals_client_created_idx', columns: '(workspace_id, client_id, created_at, id)' },
  { table: 'quotations', name: 'quotations_client_created_idx', columns: '(workspace_id, client_id, created_at, id)' },
  // The open tasks' sort key, as client-tasks.ts writes it.
  { table: 'tasks', name: 'tasks_client_due_idx', columns: "(workspace_id, client_id, (coalesce(due_date, date '9999-12-31')), id)" },
  {
    table: 'documents',
    name: 'documents_client_shared_order_idx',
    columns: '(workspace_id, client_id, shared_with_client, created_at, id)',
  },
];
/** Made by 20260101000500 and a prefix of the documents' new index. */
const REPLACED = {
  table: 'documents',
  name: 'documents_client_shared_created_idx',
  columns: '(workspace_id, client_id, shared_with_client, created_at)',
};

export async function up(knex: Knex): Promise<void> {
  for (const index of INDEXES) await knex.raw(`create index if not exists ${index.name} on ${index.table} ${index.columns}`);
  await knex.raw(`drop index if exists ${REPLACED.name}`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`create index if not exists ${REPLACED.name} on ${REPLACED.table} ${REPLACED.columns}`);
  for (const index of INDEXES) await knex.raw(`drop index if exists ${index.name}`);
}
