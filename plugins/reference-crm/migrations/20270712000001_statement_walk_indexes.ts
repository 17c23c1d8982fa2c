// A statement since the balance was last zero walks back from what the client owes now
// (binding/queries/portal-invoices.ts, clientBalances and clientDailyMoves): today's balance from
// the client's unsettled invoices alone, a settled one adding nothing (its total equals what its
// payments paid), and the days walked by range, a payment by its instant. The first index holds
// only the unsettled invoices that weigh on a balance, so today's balance reads what is owed, not
// the ten years paid; the second finds a range's payments by instant, so the walk and the period's
// payments read what the range holds.
import type { Knex } from 'knex';

const INDEXES = [
  {
    name: 'invoices_client_unsettled_idx',
    on: `invoices (workspace_id, client_id) include (currency, total_cents, paid_cents)
         where status in ('sent', 'overdue', 'paid') and total_cents <> paid_cents`,
  },
  { name: 'payments_paid_at_idx', on: 'payments (workspace_id, paid_at) include (invoice_id, amount_cents)' },
];

export async function up(knex: Knex): Promise<void> {
  for (const index of INDEXES) await knex.raw(`create index if not exists ${index.name} on ${index.on}`);
}

export async function down(knex: Knex): Promise<void> {
  for (const index of INDEXES) await knex.raw(`drop index if exists ${index.name}`);
}
