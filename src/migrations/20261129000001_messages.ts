// Messages between a client company and the agency, read markers, the live-event log that feeds
// Server-Sent Events (its sequence numbers are the SSE event ids a reconnecting browser sends back
// as Last-Event-ID), and the client's choice about message emails. All portal-owned tables; host
// records (companies, contacts, staff, files' subjects) are linked by id, never by foreign key.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../core/index.ts';

const MIGRATION = '20261129000001_messages';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_conversations', (t) => {
    t.comment('One conversation per host client company with the agency.');
    t.bigIncrements('id');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable().comment('Host client (company) id.');
    t.string('assigned_staff_id', 64).comment('Host staff user who looks after it; null: the whole team.');
    t.timestamp('last_message_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['workspace_id', 'client_id']);
    t.index(['workspace_id', 'last_message_at']);
  });

  await createOwnedTable(knex, MIGRATION, 'portal_messages', (t) => {
    t.comment('A message in a conversation, written by a client user or a staff member.');
    t.bigIncrements('id');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable();
    t.bigInteger('conversation_id').notNullable().references('id').inTable('portal_conversations').onDelete('CASCADE');
    t.string('author_side', 10).notNullable().comment('client | staff');
    t.uuid('author_client_user_id').comment('client_users.id when a client wrote it.');
    t.string('author_staff_id', 64).comment('Host staff user id when the agency wrote it.');
    t.string('author_name', 200).notNullable();
    t.text('body').notNullable().comment('Plain text as typed; escaped and linkified only when shown.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('emailed_at', { useTz: true }).comment('When the unread digest covering it was claimed; null: not yet.');
    t.index(['workspace_id', 'client_id', 'conversation_id', 'id']);
    t.index(['emailed_at', 'created_at']);
  });

  await createOwnedTable(knex, MIGRATION, 'portal_message_attachments', (t) => {
    t.comment('Files attached to a message, stored through the FileStorage port.');
    t.bigIncrements('id');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable();
    t.bigInteger('message_id').notNullable().references('id').inTable('portal_messages').onDelete('CASCADE');
    t.uuid('file_id').notNullable().comment('FileStorage id (portal_files by default).');
    t.string('filename', 255).notNullable();
    t.string('content_type', 120).notNullable();
    t.integer('size_bytes').notNullable();
    t.index(['workspace_id', 'client_id', 'message_id']);
  });

  await createOwnedTable(knex, MIGRATION, 'portal_read_markers', (t) => {
    t.comment('How far one reader (a client user or a staff member) has read one thread.');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable();
    t.string('reader_side', 10).notNullable().comment('client | staff');
    t.string('reader_id', 64).notNullable().comment('client_users.id or host staff user id.');
    t.string('thread', 100).notNullable().comment('conversation, or proposal:<id> / quotation:<id> / invoice:<id> for comment threads.');
    t.bigInteger('read_message_id').notNullable().defaultTo(0).comment('Unread is what comes after; "mark unread" moves it back.');
    t.bigInteger('seen_message_id').notNullable().defaultTo(0).comment('Only moves forward: read receipts.');
    t.timestamp('read_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('For comment threads: read up to this time.');
    t.primary(['workspace_id', 'client_id', 'reader_side', 'reader_id', 'thread']);
  });

  await createOwnedTable(knex, MIGRATION, 'portal_live_events', (t) => {
    t.comment('What changed for a client, in order: replayed to a reconnecting live page after its Last-Event-ID.');
    t.bigIncrements('seq');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable();
    t.string('type', 40).notNullable().comment('message-created | message-read | (later) task-changed, document-changed');
    t.jsonb('data').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['workspace_id', 'client_id', 'seq']);
    t.index(['workspace_id', 'seq']);
  });

  await createOwnedTable(knex, MIGRATION, 'portal_client_preferences', (t) => {
    t.comment('Choices a client user makes that are not about sign-in.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('client_user_id').notNullable();
    t.boolean('message_emails').notNullable().defaultTo(true).comment('Email me about messages left unread.');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'client_user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
