// Client uploads and streamed file storage. portal_files gains chunked storage (a file that
// arrives as a stream is kept as ordered chunks, so neither side ever holds it whole) and a
// completeness mark; client_uploads lists what clients sent; the settings row gets the
// per-workspace upload limit. Only tables the portal owns are touched.
import type { Knex } from 'knex';
import { addOwnedColumns, createOwnedTable, dropOwnedColumns, dropOwnedTables } from '../core/index.ts';

const MIGRATION = '20261128000001_documents_and_uploads';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'portal_files', {
    chunked: (t) => t.boolean('chunked').notNullable().defaultTo(false).comment('Content is in portal_file_chunks, not in content.'),
    complete: (t) => t.boolean('complete').notNullable().defaultTo(true).comment('False while a streamed upload is still arriving.'),
  });
  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    max_upload_mb: (t) => t.integer('max_upload_mb').notNullable().defaultTo(25).comment('Largest file a client may upload, in MB.'),
  });

  await createOwnedTable(knex, MIGRATION, 'portal_file_chunks', (t) => {
    t.comment('The content of a streamed portal_files row, in order.');
    t.uuid('file_id').notNullable().references('portal_files.id').onDelete('CASCADE');
    t.integer('seq').notNullable();
    t.binary('content').notNullable();
    t.primary(['file_id', 'seq']);
  });

  await createOwnedTable(knex, MIGRATION, 'client_uploads', (t) => {
    t.comment('Files a client uploaded to the agency through the portal.');
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable().comment('Host client (company) id.');
    t.uuid('client_user_id').comment('Who uploaded it; null once that portal user is removed.');
    t.string('uploader_name', 200).notNullable().comment('The contact name at upload time, for the lists.');
    t.string('file_id', 64).notNullable().comment('The FileStorage id of the content.');
    t.string('filename', 255).notNullable().comment('Sanitised name, with the extension of the detected type.');
    t.string('content_type', 120).notNullable().comment('Detected from the content (magic bytes), not as declared.');
    t.bigInteger('size_bytes').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('staff_opened_at', { useTz: true }).comment('First staff download; the client may delete it only before.');
    t.string('staff_opened_by', 64).comment('Host staff user id of that download.');
    t.index(['workspace_id', 'client_id', 'created_at']);
    t.index(['workspace_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['max_upload_mb']);
  await dropOwnedColumns(knex, 'portal_files', ['chunked', 'complete']);
}
