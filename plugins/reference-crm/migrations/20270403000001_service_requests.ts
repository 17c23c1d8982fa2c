// Service and quote requests: what the agency offers its clients to ask for, each with its own form
// (request_definitions, the form's fields as JSON), and what clients sent (service_requests, their
// answers as JSON beside a copy of the fields they answered, so a later change of the form does not
// change what a request says), with the history of its status. Keys start with workspace_id like
// every workspace table, so a request lives on one Citus node with its client.
//
// - A definition's kind: `quote` is answered with a quotation the client accepts in the portal (the
//   request names it in quotation_id, the quotation page names the request back); `general` with
//   the agency's answer.
// - Only published definitions are offered to clients; an unpublished one keeps its requests.
// - A request's ref (REQ-0001) counts per workspace, as tickets' do.
import type { Knex } from 'knex';

export const REQUEST_STATUSES = ['submitted', 'in_review', 'answered', 'closed'] as const;
export const REQUEST_KINDS = ['general', 'quote'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('request_definitions', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.string('name', 120).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.string('category', 80).comment('How the agency groups its catalogue; null for none.');
    t.string('icon', 40).comment('A short icon name shown beside it; null for none.');
    t.enu('kind', REQUEST_KINDS).notNullable().defaultTo('general');
    t.jsonb('fields')
      .notNullable()
      .defaultTo('[]')
      .comment(
        'The form: [{key, type, label, help, required, options, min, max}], type one of text, textarea, select, multiselect, number, date, checkbox, file.',
      );
    t.boolean('published').notNullable().defaultTo(false).comment('Offered to clients.');
    t.smallint('position').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.comment('What the agency offers clients to ask for, each with its own form.');
  });
  await knex.schema.createTable('service_requests', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.string('ref', 20).notNullable();
    t.integer('definition_id').notNullable();
    t.integer('client_id').notNullable();
    t.integer('contact_id').comment('The client contact who sent it.');
    t.string('title', 120).notNullable().comment('The definition’s name when it was sent.');
    t.enu('kind', REQUEST_KINDS).notNullable();
    t.jsonb('fields').notNullable().comment('The form’s fields as they were when it was sent.');
    t.jsonb('payload').notNullable().comment('The client’s answers by field key; a file field holds the files’ names.');
    t.enu('status', REQUEST_STATUSES).notNullable().defaultTo('submitted');
    t.text('answer').comment('The agency’s answer to the client.');
    t.timestamp('answered_at', { useTz: true });
    t.integer('answered_by_staff_id');
    t.integer('quotation_id').comment('The quotation made in answer to it.');
    t.timestamp('submitted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'ref']);
    t.foreign(['workspace_id', 'definition_id']).references(['workspace_id', 'id']).inTable('request_definitions');
    t.foreign(['workspace_id', 'client_id']).references(['workspace_id', 'id']).inTable('clients').onDelete('CASCADE');
    t.foreign(['workspace_id', 'contact_id']).references(['workspace_id', 'id']).inTable('contacts');
    t.foreign(['workspace_id', 'answered_by_staff_id']).references(['workspace_id', 'id']).inTable('staff_users');
    t.foreign(['workspace_id', 'quotation_id']).references(['workspace_id', 'id']).inTable('quotations').onDelete('SET NULL');
    t.comment('A client’s request from the catalogue, its status and the agency’s answer.');
  });
  // A client's requests newest first, a page at a time; the search reads the same client's rows.
  await knex.raw('create index service_requests_client_idx on service_requests (workspace_id, client_id, submitted_at desc, id desc)');
  // The staff list, newest first; and the request a quotation answers.
  await knex.raw('create index service_requests_workspace_idx on service_requests (workspace_id, submitted_at desc, id desc)');
  await knex.raw(
    'create index service_requests_quotation_idx on service_requests (workspace_id, quotation_id) where quotation_id is not null',
  );

  await knex.schema.createTable('service_request_status_changes', (t) => {
    t.integer('workspace_id').notNullable();
    t.increments('id', { primaryKey: false });
    t.integer('request_id').notNullable();
    t.enu('from_status', REQUEST_STATUSES);
    t.enu('to_status', REQUEST_STATUSES).notNullable();
    t.integer('by_contact_id');
    t.integer('by_staff_id');
    t.timestamp('changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.foreign(['workspace_id', 'request_id']).references(['workspace_id', 'id']).inTable('service_requests').onDelete('CASCADE');
    t.foreign(['workspace_id', 'by_contact_id']).references(['workspace_id', 'id']).inTable('contacts');
    t.foreign(['workspace_id', 'by_staff_id']).references(['workspace_id', 'id']).inTable('staff_users');
    t.index(['workspace_id', 'request_id', 'changed_at'], 'service_request_status_changes_request_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['service_request_status_changes', 'service_requests', 'request_definitions']) {
    await knex.schema.dropTableIfExists(table);
  }
}
