// Support tickets: a client's request to the agency, its conversation and the history of its
// status. Keys start with workspace_id like every workspace table (see the keys-by-workspace
// migration), so a ticket, its messages and its status changes live on one Citus node with the
// client they belong to, and a row can only name a row of its own workspace.
//
// - A ticket's ref (TIC-0001) counts per workspace: it is what a client quotes on the phone.
// - The CRM's five statuses are its own; the portal sees them as open, waiting and closed
//   (binding/portal-tickets.ts).
// - A message is the client's (author_contact_id) or the agency's (author_staff_id); an agency
//   message with is_internal is a note between staff that the client never reads.
// - last_activity_at moves with each message the client can read and each status change, not with
//   internal notes, so a client's list never reorders for something they cannot see.
import type { Knex } from 'knex';

export const TICKET_STATUSES = ['new', 'in_progress', 'waiting_on_client', 'resolved', 'closed'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ticket_categories', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.string('name', 80).notNullable();
    t.smallint('position').notNullable().defaultTo(0);
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'name']);
    t.comment('What a ticket is about, as the agency sorts its requests.');
  });
  await knex.schema.createTable('ticket_priorities', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.string('name', 40).notNullable();
    t.smallint('rank').notNullable().comment('Lower is more urgent.');
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'name']);
  });
  await knex.schema.createTable('tickets', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.integer('client_id').notNullable();
    t.integer('contact_id').comment('The client contact who opened it; null when staff opened it for the client.');
    t.string('ref', 20).notNullable();
    t.string('subject', 200).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.enu('status', TICKET_STATUSES).notNullable().defaultTo('new');
    t.integer('category_id');
    t.integer('priority_id');
    t.timestamp('opened_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('closed_at', { useTz: true });
    t.timestamp('last_activity_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'ref']);
    t.foreign(['workspace_id', 'client_id']).references(['workspace_id', 'id']).inTable('clients').onDelete('CASCADE');
    t.foreign(['workspace_id', 'contact_id']).references(['workspace_id', 'id']).inTable('contacts');
    t.foreign(['workspace_id', 'category_id']).references(['workspace_id', 'id']).inTable('ticket_categories');
    t.foreign(['workspace_id', 'priority_id']).references(['workspace_id', 'id']).inTable('ticket_priorities');
  });
  // A client's tickets newest activity first, a page at a time; search on ref and subject reads
  // the same client's rows only, so this index serves it too.
  await knex.raw('create index tickets_client_activity_idx on tickets (workspace_id, client_id, last_activity_at desc, id desc)');
  // The staff list: the workspace's tickets by activity.
  await knex.raw('create index tickets_workspace_activity_idx on tickets (workspace_id, last_activity_at desc, id desc)');

  await knex.schema.createTable('ticket_messages', (t) => {
    t.integer('workspace_id').notNullable();
    t.increments('id', { primaryKey: false });
    t.integer('ticket_id').notNullable();
    t.integer('author_contact_id');
    t.integer('author_staff_id');
    t.boolean('is_internal').notNullable().defaultTo(false).comment('A note between staff; never shown to the client.');
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.foreign(['workspace_id', 'ticket_id']).references(['workspace_id', 'id']).inTable('tickets').onDelete('CASCADE');
    t.foreign(['workspace_id', 'author_contact_id']).references(['workspace_id', 'id']).inTable('contacts');
    t.foreign(['workspace_id', 'author_staff_id']).references(['workspace_id', 'id']).inTable('staff_users');
    t.index(['workspace_id', 'ticket_id', 'created_at'], 'ticket_messages_ticket_idx');
  });
  await knex.raw(`alter table ticket_messages add constraint ticket_messages_one_author check (
    (author_contact_id is null) <> (author_staff_id is null) and not (is_internal and author_staff_id is null))`);

  await knex.schema.createTable('ticket_status_changes', (t) => {
    t.integer('workspace_id').notNullable();
    t.increments('id', { primaryKey: false });
    t.integer('ticket_id').notNullable();
    t.enu('from_status', TICKET_STATUSES);
    t.enu('to_status', TICKET_STATUSES).notNullable();
    t.integer('by_contact_id');
    t.integer('by_staff_id');
    t.timestamp('changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.foreign(['workspace_id', 'ticket_id']).references(['workspace_id', 'id']).inTable('tickets').onDelete('CASCADE');
    t.foreign(['workspace_id', 'by_contact_id']).references(['workspace_id', 'id']).inTable('contacts');
    t.foreign(['workspace_id', 'by_staff_id']).references(['workspace_id', 'id']).inTable('staff_users');
    t.index(['workspace_id', 'ticket_id', 'changed_at'], 'ticket_status_changes_ticket_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['ticket_status_changes', 'ticket_messages', 'tickets', 'ticket_priorities', 'ticket_categories']) {
    await knex.schema.dropTableIfExists(table);
  }
}
