// Who shared a document and which record a document or task belongs to (a proposal, quotation or
// invoice of the same client). All nullable: older rows and staff uploads without a record keep
// working. Document reads for downloads go in chunks, so no index on content is needed.
import type { Knex } from 'knex';

export const RECORD_TYPES = ['proposal', 'quotation', 'invoice'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('documents', (t) => {
    t.integer('shared_by_staff_id').references('staff_users.id').onDelete('SET NULL');
    t.enu('record_type', RECORD_TYPES);
    t.integer('record_id');
    t.index(['workspace_id', 'client_id', 'shared_with_client', 'created_at'], 'documents_client_shared_created_idx');
  });
  await knex.schema.alterTable('tasks', (t) => {
    t.enu('record_type', RECORD_TYPES);
    t.integer('record_id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumn('record_id');
    t.dropColumn('record_type');
  });
  await knex.schema.alterTable('documents', (t) => {
    t.dropIndex([], 'documents_client_shared_created_idx');
    t.dropColumn('record_id');
    t.dropColumn('record_type');
    t.dropColumn('shared_by_staff_id');
  });
}
