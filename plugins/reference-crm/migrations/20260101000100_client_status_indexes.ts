// "This client's records by status": the portal's dashboard counts and every per-client list read
// a client's proposals, quotations, invoices, tasks and documents by status. With the status in
// the index the cost follows the client's own rows, not the table's; invoices carry currency and
// due date so the open-invoice summary is read from the index alone. Each replaces the
// (workspace_id, client_id) index of the first migration, which is a prefix of it.
import type { Knex } from 'knex';

const INDEXES = [
  { table: 'proposals', name: 'proposals_client_status_idx', columns: '(workspace_id, client_id, status)' },
  { table: 'quotations', name: 'quotations_client_status_idx', columns: '(workspace_id, client_id, status)' },
  { table: 'invoices', name: 'invoices_client_status_idx', columns: '(workspace_id, client_id, status) include (currency, due_date)' },
  { table: 'tasks', name: 'tasks_client_contact_status_idx', columns: '(workspace_id, client_id, assigned_contact_id, status)' },
  { table: 'documents', name: 'documents_client_shared_idx', columns: '(workspace_id, client_id, shared_with_client)' },
];

export async function up(knex: Knex): Promise<void> {
  for (const index of INDEXES) {
    await knex.raw(`create index if not exists ${index.name} on ${index.table} ${index.columns}`);
    await knex.raw(`drop index if exists ${index.table}_workspace_id_client_id_index`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const index of INDEXES) {
    await knex.raw(`create index if not exists ${index.table}_workspace_id_client_id_index on ${index.table} (workspace_id, client_id)`);
    await knex.raw(`drop index if exists ${index.name}`);
  }
}
