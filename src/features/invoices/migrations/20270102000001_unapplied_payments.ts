// Money a provider took that the portal could not apply to the invoice (paid or voided meanwhile, a
// second checkout for the same balance, an amount that differs from the checkout): kept as received
// and unapplied until staff refund it through the provider. And on each checkout the provider's own
// id and page, so a second Pay for the same invoice reuses the open checkout or closes it first.
import type { Knex } from 'knex';
import { addOwnedColumns, createOwnedTable, dropOwnedColumns, dropOwnedTables } from '../../../core/index.ts';

const MIGRATION = '20270102000001_unapplied_payments';
const CHECKOUT_COLUMNS = ['provider_checkout_id', 'checkout_url'];

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'client_unapplied_payments', (t) => {
    t.comment('Money a provider reports taken that could not be applied to its invoice: staff apply it in the CRM or refund it.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable();
    t.uuid('payment_id').notNullable().comment('The checkout (client_payments.id) the money came through.');
    t.string('client_id', 64).notNullable();
    t.string('invoice_id', 64).notNullable();
    t.string('invoice_number', 100).notNullable();
    t.string('provider', 40).notNullable();
    t.bigInteger('amount_cents').notNullable().comment('What the provider reports taken, in its currency.');
    t.string('currency', 3).notNullable();
    t.string('reference', 255).notNullable().comment("The provider's id for the money (Stripe: the PaymentIntent), what a refund names.");
    t.string('reason', 24).notNullable().comment('not_applicable | amount_differs | checkout_closed');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('refund_id', 255).nullable().comment("The provider's id for the refund, once staff refunded it.");
    t.string('refunded_by_staff_id', 64).nullable();
    t.timestamp('refunded_at', { useTz: true }).nullable();
    t.primary(['workspace_id', 'id']);
    t.index(['workspace_id', 'received_at'], 'client_unapplied_payments_list_idx');
  });
  await addOwnedColumns(knex, 'client_payments', {
    provider_checkout_id: (t) =>
      t.string('provider_checkout_id', 255).nullable().comment("The provider's id for the checkout (Stripe: the Checkout Session)."),
    checkout_url: (t) =>
      t.text('checkout_url').nullable().comment("The provider's page for it, where a second Pay sends the client again."),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'client_payments', CHECKOUT_COLUMNS);
  await dropOwnedTables(knex, MIGRATION);
}
