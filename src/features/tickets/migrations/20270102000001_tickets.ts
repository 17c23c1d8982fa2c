// The tickets section: its workspace switch (off until an agency switches it on, so clients never
// meet a section nobody at the agency answers), the files attached to a ticket either way, and the
// client's rating of a closed ticket. Tickets and their conversation are the host's; the portal
// keeps what a host does not keep for it, each row by workspace and client, the ticket named by the
// host's id.
import type { Knex } from 'knex';
import { addOwnedColumns, createOwnedTable, dropOwnedColumns, dropOwnedTables } from '../../../core/index.ts';

export const MIGRATION = '20270102000001_tickets';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    show_tickets: (t) =>
      t
        .boolean('show_tickets')
        .notNullable()
        .defaultTo(false)
        .comment('Clients open and follow support tickets (where the host keeps them).'),
  });
  await createOwnedTable(knex, MIGRATION, 'portal_ticket_attachments', (t) => {
    t.comment('A file attached to a host ticket, by the client or by the agency, kept in the portal’s storage.');
    t.string('workspace_id', 64).notNullable();
    t.uuid('id').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('client_id', 64).notNullable();
    t.string('ticket_id', 64).notNullable().comment('The host’s ticket id.');
    t.string('side', 8).notNullable().comment('client | agency');
    t.uuid('client_user_id').nullable().comment('Who attached it, on the client’s side (client_users.id); null once erased.');
    t.string('staff_id', 64).nullable().comment('Who attached it, on the agency’s side.');
    t.string('author_name', 200).notNullable();
    t.uuid('file_id').notNullable().comment('The file in FileStorage (portal_files).');
    t.string('filename', 255).notNullable();
    t.string('content_type', 120).notNullable();
    t.bigInteger('size_bytes').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.index(['workspace_id', 'client_id', 'ticket_id', 'created_at'], 'portal_ticket_attachments_ticket_idx');
    t.index(['workspace_id', 'client_user_id'], 'portal_ticket_attachments_person_idx');
  });
  await createOwnedTable(knex, MIGRATION, 'portal_ticket_ratings', (t) => {
    t.comment('How the client rated a closed ticket (1–5), with an optional comment; one per ticket, the latest kept.');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable();
    t.string('ticket_id', 64).notNullable();
    t.uuid('client_user_id').nullable().comment('Who rated it (client_users.id); null once erased.');
    t.smallint('rating').notNullable();
    t.text('comment').nullable();
    t.timestamp('rated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'client_id', 'ticket_id']);
    t.index(['workspace_id', 'client_user_id'], 'portal_ticket_ratings_person_idx');
  });
  await knex.raw('alter table portal_ticket_ratings add constraint portal_ticket_ratings_range check (rating between 1 and 5)');
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['show_tickets']);
  await dropOwnedTables(knex, MIGRATION);
}
