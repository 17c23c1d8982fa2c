// Ways to pay saved at the provider (a card, a SEPA Direct Debit mandate) per client company, the
// company's autopay enrolment with the consent it accepted, and each autopay charge of an invoice:
// one row per invoice and attempt, whose id is the idempotency key the provider sees, so one attempt
// is never charged twice.
import type { Knex } from 'knex';
import { addOwnedColumns, createOwnedTable, dropOwnedColumns, dropOwnedTables, onOwnedTable } from '../../../core/index.ts';

const MIGRATION = '20270704000001_saved_methods_and_autopay';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'client_payment_methods', (t) => {
    t.comment('A way to pay a client company saved at a payment provider, for autopay; the card or account itself stays at the provider.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable();
    t.string('client_id', 64).notNullable();
    t.string('provider', 40).notNullable();
    t.string('customer_id', 255).notNullable().comment("The provider's customer the method belongs to (one per client company).");
    t.string('provider_method_id', 255)
      .notNullable()
      .comment("The provider's id for the method (Stripe: the PaymentMethod), what charges name.");
    t.string('kind', 16).notNullable().comment('card | sepa_debit');
    t.string('brand', 40).nullable();
    t.string('last4', 4).nullable();
    t.smallint('exp_month').nullable();
    t.smallint('exp_year').nullable();
    t.string('mandate_reference', 255).nullable().comment("A SEPA mandate's reference, as the provider keeps it.");
    t.timestamp('mandate_accepted_at', { useTz: true }).nullable();
    t.boolean('is_default').notNullable().defaultTo(false).comment('The method autopay charges.');
    t.uuid('added_by_client_user_id').nullable();
    t.timestamp('added_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('removed_at', { useTz: true }).nullable().comment('Removed here and at the provider: never charged again.');
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'provider', 'provider_method_id'], { indexName: 'client_payment_methods_provider_uq' });
    t.index(['workspace_id', 'client_id'], 'client_payment_methods_client_idx');
  });
  await onOwnedTable(
    knex,
    'client_payment_methods',
    'create unique index if not exists client_payment_methods_default_uq on client_payment_methods (workspace_id, client_id) where is_default and removed_at is null',
  );
  await createOwnedTable(knex, MIGRATION, 'client_payment_setups', (t) => {
    t.comment('A client saving a method on the page of the provider: opened here, ended by the signed event of the provider.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable();
    t.string('client_id', 64).notNullable();
    t.uuid('client_user_id').notNullable();
    t.string('provider', 40).notNullable();
    t.string('customer_id', 255).nullable();
    t.string('provider_setup_id', 255).nullable();
    t.string('status', 16).notNullable().defaultTo('open').comment('open | saved | cancelled');
    t.uuid('payment_method_id').nullable().comment('The method saved (client_payment_methods.id).');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completed_at', { useTz: true }).nullable();
    t.primary(['workspace_id', 'id']);
  });
  await createOwnedTable(knex, MIGRATION, 'client_autopay', (t) => {
    t.comment('The autopay of a client company: on with the consent a person accepted (its text, version, who, when, from where), or off.');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable();
    t.boolean('enabled').notNullable();
    t.string('charge_on', 8).notNullable().comment('issue | due: invoices are charged on their issue date or on their due date.');
    t.string('consent_version', 16).notNullable();
    t.text('consent_text').notNullable().comment('The consent exactly as the person read it, in their language.');
    t.uuid('accepted_by_client_user_id').notNullable();
    t.string('accepted_by_email', 320).notNullable();
    t.timestamp('accepted_at', { useTz: true }).notNullable();
    t.string('accepted_ip', 64).nullable();
    t.string('accepted_user_agent', 512).nullable();
    t.uuid('switched_off_by_client_user_id').nullable();
    t.timestamp('switched_off_at', { useTz: true }).nullable();
    t.primary(['workspace_id', 'client_id']);
  });
  await onOwnedTable(
    knex,
    'client_autopay',
    'create index if not exists client_autopay_enabled_idx on client_autopay (workspace_id) where enabled',
  );
  await createOwnedTable(knex, MIGRATION, 'client_autopay_charges', (t) => {
    t.comment('Each autopay charge of an invoice, one row per attempt: its id is the idempotency key the provider sees.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable();
    t.string('client_id', 64).notNullable();
    t.string('invoice_id', 64).notNullable();
    t.string('invoice_number', 100).notNullable();
    t.smallint('attempt').notNullable();
    t.uuid('payment_method_id').notNullable();
    t.uuid('checkout_id').notNullable().comment('The client_payments checkout the charge pays.');
    t.bigInteger('amount_cents').notNullable();
    t.string('currency', 3).notNullable();
    t.string('status', 16).notNullable().comment('in_flight | succeeded | processing | failed');
    t.string('failure_code', 64).nullable();
    t.text('failure_reason').nullable();
    t.timestamp('attempted_at', { useTz: true }).notNullable();
    t.timestamp('next_attempt_at', { useTz: true })
      .nullable()
      .comment('After a failure: when the next attempt is due (the agency’s retry days); null when none is left.');
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'invoice_id', 'attempt'], { indexName: 'client_autopay_charges_attempt_uq' });
  });
  await createOwnedTable(knex, MIGRATION, 'client_autopay_notices', (t) => {
    t.comment('The advance notice of a SEPA debit, sent once per invoice and amount before autopay charges it.');
    t.string('workspace_id', 64).notNullable();
    t.string('invoice_id', 64).notNullable();
    t.bigInteger('amount_cents').notNullable();
    t.string('client_id', 64).notNullable();
    t.string('currency', 3).notNullable();
    t.uuid('payment_method_id').notNullable();
    t.date('debit_on').notNullable().comment('The day the notice names: the debit is not made before it.');
    t.timestamp('sent_at', { useTz: true }).notNullable();
    t.primary(['workspace_id', 'invoice_id', 'amount_cents']);
  });
  await addOwnedColumns(knex, 'client_payments', {
    origin: (t) =>
      t.string('origin', 16).notNullable().defaultTo('checkout').comment('checkout (the client paid) | autopay (charged on its own)'),
  });
  await addOwnedColumns(knex, 'portal_payment_settings', {
    autopay_allowed: (t) =>
      t.boolean('autopay_allowed').notNullable().defaultTo(false).comment('Clients may save a method and switch autopay on.'),
    autopay_retry_days: (t) =>
      t
        .string('autopay_retry_days', 40)
        .notNullable()
        .defaultTo('1,3,7')
        .comment('Days after a failed autopay charge to try again, e.g. "1,3,7".'),
    sepa_notice_days: (t) =>
      t
        .smallint('sepa_notice_days')
        .notNullable()
        .defaultTo(14)
        .comment('Days between the advance notice of a SEPA debit and the debit (14 by the SEPA rulebook unless the mandate says fewer).'),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'portal_payment_settings', ['autopay_allowed', 'autopay_retry_days', 'sepa_notice_days']);
  await dropOwnedColumns(knex, 'client_payments', ['origin']);
  await dropOwnedTables(knex, MIGRATION);
}
