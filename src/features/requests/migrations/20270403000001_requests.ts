// The requests section: its workspace switch (off until an agency switches it on, so clients never
// meet a catalogue nobody at the agency answers) and the files a client sent with a request. The
// request itself is the host's; the portal keeps the files under the same upload rules as every
// other client file, each row by workspace and client, the request named by the host's id.
import type { Knex } from 'knex';
import { addOwnedColumns, createOwnedTable, dropOwnedColumns, dropOwnedTables } from '../../../core/index.ts';

export const MIGRATION = '20270403000001_requests';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    show_requests: (t) =>
      t
        .boolean('show_requests')
        .notNullable()
        .defaultTo(false)
        .comment('Clients ask for services and quotes from the catalogue (where the host keeps one).'),
  });
  await createOwnedTable(knex, MIGRATION, 'portal_request_attachments', (t) => {
    t.comment('A file a client sent with a service or quote request, kept in the portal’s storage.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('client_id', 64).notNullable();
    t.string('request_id', 64).notNullable().comment('The host’s request id.');
    t.string('field_key', 40).notNullable().comment('The form field the file answers.');
    t.uuid('client_user_id').nullable().comment('Who sent it (client_users.id); null once erased.');
    t.uuid('file_id').notNullable().comment('The file in FileStorage (portal_files).');
    t.string('filename', 255).notNullable();
    t.string('content_type', 120).notNullable();
    t.bigInteger('size_bytes').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.index(['workspace_id', 'client_id', 'request_id', 'created_at'], 'portal_request_attachments_request_idx');
    t.index(['workspace_id', 'client_user_id'], 'portal_request_attachments_person_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['show_requests']);
  await dropOwnedTables(knex, MIGRATION);
}
