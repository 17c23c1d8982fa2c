// Counters for the staff sign-in's rate limits and lockout, in the CRM's own table (the CRM does
// not depend on the portal's tables). Same shape as the portal's, so the same limiter runs on it,
// and shared by every app instance because it is in PostgreSQL.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('crm_rate_limits', (t) => {
    t.comment('Staff sign-in rate-limit counters: one row per key, expire in epoch ms.');
    t.string('key', 255).primary();
    t.integer('points').notNullable();
    t.bigInteger('expire').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('crm_rate_limits');
}
