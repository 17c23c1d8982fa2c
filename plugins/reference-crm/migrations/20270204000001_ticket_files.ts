// Files staff attach to a ticket: with an answer or a note (message_id), or on their own. Kept in
// the CRM's database as its documents are, keyed by workspace like every workspace table so a file
// lives on the Citus node of its ticket. A file of an internal note is as internal as the note:
// the client is never shown it (binding/portal-tickets.ts reads through the note's flag).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ticket_files', (t) => {
    t.integer('workspace_id').notNullable();
    t.increments('id', { primaryKey: false });
    t.integer('ticket_id').notNullable();
    t.integer('message_id').comment('The answer or note it came with; null for a file attached on its own.');
    t.integer('staff_id').notNullable();
    t.string('filename', 255).notNullable();
    t.string('content_type', 120).notNullable();
    t.integer('size_bytes').notNullable();
    t.binary('content').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.foreign(['workspace_id', 'ticket_id']).references(['workspace_id', 'id']).inTable('tickets').onDelete('CASCADE');
    t.foreign(['workspace_id', 'message_id']).references(['workspace_id', 'id']).inTable('ticket_messages').onDelete('CASCADE');
    t.foreign(['workspace_id', 'staff_id']).references(['workspace_id', 'id']).inTable('staff_users');
    t.index(['workspace_id', 'ticket_id', 'created_at'], 'ticket_files_ticket_idx');
    t.comment('Files staff attached to a ticket, shown to the client unless they came with an internal note.');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('ticket_files');
}
