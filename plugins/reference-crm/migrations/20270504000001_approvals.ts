// Approvals of work: staff share a file with a client for approval (a title, then version after
// version, each a file and a message), and the client decides on each version in the portal.
// A version is never replaced: the next upload is the next number, refused by the table if two
// staff upload at once. The CRM keeps each decision the portal tells it of (approval_decisions:
// who, when, from where, the comment and its point, the SHA-256 of the file decided) so the
// agency's page shows it, and the request's status follows the latest decision.
import type { Knex } from 'knex';

export const APPROVAL_STATUSES = ['awaiting', 'approved', 'changes_requested'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('approval_requests', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.integer('client_id').notNullable();
    t.string('title', 200).notNullable();
    t.enu('status', APPROVAL_STATUSES).notNullable().defaultTo('awaiting');
    t.smallint('latest_version').notNullable().defaultTo(1);
    t.integer('staff_id').notNullable().comment('Who shared it first.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When the latest version was shared.');
    t.primary(['workspace_id', 'id']);
    t.foreign(['workspace_id', 'client_id']).references(['workspace_id', 'id']).inTable('clients').onDelete('CASCADE');
    t.index(['workspace_id', 'client_id', 'updated_at'], 'approval_requests_client_idx');
    t.comment('Work shared with a client for approval, version by version.');
  });
  await knex.schema.createTable('approval_versions', (t) => {
    t.integer('workspace_id').notNullable();
    t.increments('id', { primaryKey: false });
    t.integer('request_id').notNullable();
    t.smallint('number').notNullable().comment('1, 2, …: never replaced.');
    t.string('filename', 255).notNullable();
    t.string('content_type', 120).notNullable();
    t.integer('size_bytes').notNullable();
    t.binary('content').notNullable();
    t.string('sha256', 64).notNullable().comment('SHA-256 (hex) of the content, as uploaded.');
    t.text('message').notNullable().defaultTo('');
    t.integer('staff_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'request_id', 'number'], { indexName: 'approval_versions_number_key' });
    t.foreign(['workspace_id', 'request_id']).references(['workspace_id', 'id']).inTable('approval_requests').onDelete('CASCADE');
    t.comment('One version of work shared for approval: its file and the message sent with it.');
  });
  await knex.schema.createTable('approval_decisions', (t) => {
    t.integer('workspace_id').notNullable();
    t.increments('id', { primaryKey: false });
    t.integer('request_id').notNullable();
    t.smallint('version_number').notNullable();
    t.string('outcome', 24).notNullable().comment('approved | changes_requested');
    t.text('comment').notNullable().defaultTo('');
    t.decimal('point_x', 6, 5).nullable();
    t.decimal('point_y', 6, 5).nullable();
    t.integer('point_page').nullable();
    t.integer('contact_id').nullable().comment('Who decided; null once the contact is gone.');
    t.string('decided_by', 200).notNullable();
    t.string('file_sha256', 64).notNullable();
    t.string('ip', 64).nullable();
    t.timestamp('decided_at', { useTz: true }).notNullable();
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'request_id', 'version_number'], { indexName: 'approval_decisions_version_key' });
    t.foreign(['workspace_id', 'request_id']).references(['workspace_id', 'id']).inTable('approval_requests').onDelete('CASCADE');
    t.comment('A client’s decision on a version, as the portal told it: the agency’s record.');
  });
  await knex.raw(
    `alter table approval_decisions add constraint approval_decisions_outcome check (outcome in ('approved', 'changes_requested'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('approval_decisions');
  await knex.schema.dropTableIfExists('approval_versions');
  await knex.schema.dropTableIfExists('approval_requests');
}
