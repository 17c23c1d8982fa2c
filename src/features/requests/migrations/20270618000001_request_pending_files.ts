// Files a client chose on a request form that came back refused (an answer missing, a limit
// reached): kept for a short while, bound to the session and the form, so the form shown again
// carries them and sending it again sends them. Nothing here outlives its expiry or its session
// (the requests feature's sweep), and a request sent takes its files over.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../../../core/index.ts';

export const MIGRATION = '20270618000001_request_pending_files';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_request_pending_files', (t) => {
    t.comment('A file chosen on a refused request form, kept until the form is sent again, its session ends or it expires.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('client_id', 64).notNullable();
    t.string('contact_id', 64).notNullable().comment('The host contact of the person who chose it.');
    t.uuid('client_user_id').notNullable().comment('Who chose it (client_users.id).');
    t.string('session_key', 128).notNullable().comment('The session it belongs to, as client_sessions.sid (a hash of the id).');
    t.string('definition_id', 64).notNullable().comment('The host’s request definition: the form it was chosen on.');
    t.uuid('file_id').notNullable().comment('The file in FileStorage (portal_files).');
    t.string('filename', 255).notNullable();
    t.string('content_type', 120).notNullable();
    t.bigInteger('size_bytes').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['workspace_id', 'id']);
    t.index(['workspace_id', 'client_user_id', 'session_key', 'definition_id'], 'portal_request_pending_files_form_idx');
    t.index(['expires_at'], 'portal_request_pending_files_expiry_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
