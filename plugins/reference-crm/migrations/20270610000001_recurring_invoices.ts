// Recurring invoices: what the agency bills a client again and again (a monthly retainer). Each
// has a title, its total (tax included, as the invoice it makes will carry it), the currency, how
// often it comes (every `every` days, weeks, months or years) and the day the next one is issued.
// The agency pauses one by switching it off; one with an end day makes none after it.
import type { Knex } from 'knex';

export const RECURRENCE_UNITS = ['day', 'week', 'month', 'year'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('recurring_invoices', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.integer('client_id').notNullable();
    t.string('title', 200).notNullable();
    t.integer('amount_cents').notNullable().comment('The total of each invoice it makes, tax included.');
    t.string('currency', 3).notNullable().defaultTo('USD');
    t.smallint('every').notNullable().defaultTo(1);
    t.enu('unit', RECURRENCE_UNITS).notNullable().defaultTo('month');
    t.date('next_date').notNullable().comment('The day the next invoice is issued.');
    t.date('ends_on').comment('No invoice is issued after this day; null: until switched off.');
    t.boolean('active').notNullable().defaultTo(true).comment('Off: paused, no invoice is issued.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.foreign(['workspace_id', 'client_id']).references(['workspace_id', 'id']).inTable('clients').onDelete('CASCADE');
    t.index(['workspace_id', 'client_id', 'next_date'], 'recurring_invoices_client_next_idx');
    t.comment('Invoices the agency issues to a client on a schedule.');
  });
  await knex.raw('alter table recurring_invoices add constraint recurring_invoices_every_positive check (every > 0)');
  await knex.raw('alter table recurring_invoices add constraint recurring_invoices_amount_positive check (amount_cents >= 0)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('recurring_invoices');
}
