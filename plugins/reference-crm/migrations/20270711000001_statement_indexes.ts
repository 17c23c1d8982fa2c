// A statement of account weighs the client's whole history to find the day its balance was last
// zero and what was owed at a period's start (binding/queries/portal-invoices.ts, clientDailyMoves):
// every invoice's day, status, currency and total, and every payment's day and amount. With those
// columns in the indexes the statement reads by, that read is index-only: index pages that hold a
// client's rows side by side, not a table page for each row scattered among other clients'.
import type { Knex } from 'knex';

const INDEXES = [
  {
    name: 'invoices_client_issued_amounts_idx',
    on: 'invoices (workspace_id, client_id, issue_date) include (status, currency, total_cents)',
  },
  { name: 'payments_invoice_amounts_idx', on: 'payments (workspace_id, invoice_id) include (paid_at, amount_cents)' },
];

export async function up(knex: Knex): Promise<void> {
  for (const index of INDEXES) await knex.raw(`create index if not exists ${index.name} on ${index.on}`);
}

export async function down(knex: Knex): Promise<void> {
  for (const index of INDEXES) await knex.raw(`drop index if exists ${index.name}`);
}
