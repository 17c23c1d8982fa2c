// Paying invoices from the portal and notifying the agency's staff. Only the portal's own tables:
// the payment itself is written to the host through the adapter (InvoicesPort.recordPayment), in
// the same transaction as the callback row that makes a provider's repeated callback harmless.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../core/index.ts';

const MIGRATION = '20261127000001_payments_and_notifications';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_payment_settings', (t) => {
    t.comment('How clients of a workspace may pay: bank transfer instructions and the online provider.');
    t.string('workspace_id', 64).primary();
    t.text('bank_transfer_instructions').comment('Shown to clients on the pay page; null or empty: no bank transfer option.');
    t.string('online_provider', 40).notNullable().defaultTo('demo').comment("The card provider clients are sent to ('demo', or 'none').");
    t.string('updated_by_staff_id', 64);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await createOwnedTable(knex, MIGRATION, 'client_payments', (t) => {
    t.comment('Payments a client started from the portal (one per checkout), until the provider confirms them.');
    t.uuid('id').primary().comment('Also the provider-facing reference of the checkout.');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable();
    t.uuid('client_user_id').notNullable();
    t.string('invoice_id', 64).notNullable();
    t.string('invoice_number', 100).notNullable().comment('As the client saw it, for the activity log and notifications.');
    t.string('provider', 40).notNullable();
    t.bigInteger('amount_cents').notNullable();
    t.string('currency', 3).notNullable();
    t.string('status', 20).notNullable().defaultTo('pending').comment('pending | recorded | refused');
    t.string('host_payment_id', 64).comment('The payment the host recorded, once it did.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completed_at', { useTz: true });
    t.index(['workspace_id', 'client_id', 'invoice_id', 'created_at']);
  });

  await createOwnedTable(knex, MIGRATION, 'client_payment_callbacks', (t) => {
    t.comment('One row per provider event handled: the unique key makes a repeated callback record nothing.');
    t.bigIncrements('id');
    t.string('workspace_id', 64).notNullable();
    t.string('provider', 40).notNullable();
    t.string('idempotency_key', 200).notNullable().comment("The provider's id for the event (or payment) it reports.");
    t.uuid('payment_id');
    t.string('outcome', 20).notNullable().comment('recorded | refused');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['provider', 'idempotency_key']);
  });

  await createOwnedTable(knex, MIGRATION, 'portal_notification_reads', (t) => {
    t.comment('How far each staff user has read the notifications: the last client_activity_logs id seen.');
    t.string('workspace_id', 64).notNullable();
    t.string('staff_user_id', 64).notNullable();
    t.bigInteger('last_read_activity_id').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'staff_user_id']);
  });

  const createdDispatch = await createOwnedTable(knex, MIGRATION, 'portal_notification_dispatch', (t) => {
    t.comment('Where each email channel has got to in client_activity_logs; locked FOR UPDATE SKIP LOCKED so one instance sends.');
    t.string('channel', 20).primary().comment("'immediate' or 'digest'");
    t.bigInteger('last_activity_id').notNullable().defaultTo(0);
    t.timestamp('last_sent_at', { useTz: true });
  });
  // Seeded only in a table the portal just created: a same-named host table is never written.
  if (createdDispatch) await knex('portal_notification_dispatch').insert([{ channel: 'immediate' }, { channel: 'digest' }]);
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
