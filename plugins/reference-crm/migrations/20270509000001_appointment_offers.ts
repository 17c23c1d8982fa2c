// Declining a request, the agency may offer up to three other times; the client takes one with a
// single button in the portal, which books it as a new request. Kept beside the declined
// appointment until one is taken (then all of them go: an offer is for one booking), or the
// appointment goes.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('appointment_offers', (t) => {
    t.integer('workspace_id').notNullable().references('id').inTable('workspaces').onDelete('CASCADE');
    t.integer('appointment_id').notNullable().comment('The declined request the times are offered instead of.');
    t.timestamp('starts_at', { useTz: true }).notNullable();
    t.timestamp('ends_at', { useTz: true }).notNullable();
    t.primary(['workspace_id', 'appointment_id', 'starts_at']);
    t.foreign(['workspace_id', 'appointment_id']).references(['workspace_id', 'id']).inTable('appointments').onDelete('CASCADE');
    t.comment('Other times the agency offered when it declined a request.');
  });
  await knex.raw('alter table appointment_offers add constraint appointment_offers_ends_after check (ends_at > starts_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('appointment_offers');
}
