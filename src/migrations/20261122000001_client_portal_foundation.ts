// The portal's own tables. Additive only: a table is created when it is missing and recorded in
// portal_owned_tables; rollback drops exactly the tables recorded there, so a host table that
// happens to share a name is never touched.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables, ensureOwnedTablesRegistry, onOwnedTable } from '../core/index.ts';

const MIGRATION = '20261122000001_client_portal_foundation';

export async function up(knex: Knex): Promise<void> {
  await ensureOwnedTablesRegistry(knex);

  await createOwnedTable(knex, MIGRATION, 'workspace_client_portal_settings', (t) => {
    t.comment('Per-workspace switches, sign-in methods and branding of the client portal.');
    t.string('workspace_id', 64).primary().comment('Host workspace id (a link, not a foreign key).');
    t.boolean('show_proposals').notNullable().defaultTo(true);
    t.boolean('show_invoices').notNullable().defaultTo(true);
    t.boolean('show_tasks').notNullable().defaultTo(true);
    t.boolean('allow_file_uploads').notNullable().defaultTo(false);
    t.boolean('allow_comments').notNullable().defaultTo(true);
    t.boolean('allow_messaging').notNullable().defaultTo(true);
    t.boolean('allow_online_payments').notNullable().defaultTo(false);
    t.boolean('login_with_code').notNullable().defaultTo(true);
    t.boolean('login_with_password').notNullable().defaultTo(true);
    t.string('portal_title', 120).comment('Shown in the portal header; the workspace name when null.');
    t.string('primary_color', 7).comment('#rrggbb; the workspace brand colour when null.');
    t.uuid('logo_file_id').comment('portal_files row holding an uploaded logo; the host logo when null.');
    t.string('updated_by_staff_id', 64);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await createOwnedTable(knex, MIGRATION, 'client_users', (t) => {
    t.comment('A contact of a host client who may sign in to one workspace portal.');
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable().comment('Host client (company) id.');
    t.string('contact_id', 64).notNullable().comment('Host contact id.');
    t.string('email', 320).notNullable().comment('Lower-cased sign-in email.');
    t.string('password_hash', 200).comment('argon2id; null until the client sets a password.');
    t.string('status', 16).notNullable().defaultTo('invited').comment('invited | active | disabled');
    t.timestamp('invited_at', { useTz: true });
    t.timestamp('last_sign_in_at', { useTz: true });
    t.timestamp('password_changed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['workspace_id', 'email']);
    t.unique(['workspace_id', 'contact_id']);
    t.index(['workspace_id', 'client_id']);
  });

  await createOwnedTable(knex, MIGRATION, 'client_sessions', (t) => {
    t.comment('express-session rows written by connect-pg-simple; the portal cookie only.');
    t.string('sid').primary().notNullable().collate('default');
    t.json('sess').notNullable();
    t.timestamp('expire', { precision: 6 }).notNullable();
    t.index(['expire'], 'client_sessions_expire_idx');
  });
  await onOwnedTable(
    knex,
    'client_sessions',
    "create index if not exists client_sessions_user_idx on client_sessions ((sess->'portal'->>'clientUserId'))",
  );

  await createOwnedTable(knex, MIGRATION, 'client_login_codes', (t) => {
    t.comment('One-time sign-in codes: HMAC of the code only, short-lived, single use, attempt-limited.');
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('client_user_id').notNullable().references('client_users.id').onDelete('CASCADE');
    t.string('code_hash', 128).notNullable();
    t.integer('failed_attempts').notNullable().defaultTo(0);
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('consumed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['client_user_id', 'created_at']);
  });

  await createOwnedTable(knex, MIGRATION, 'client_user_tokens', (t) => {
    t.comment('Password reset and invitation links: SHA-256 of the token only, single use.');
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('client_user_id').notNullable().references('client_users.id').onDelete('CASCADE');
    t.string('purpose', 16).notNullable().comment('reset | invite');
    t.string('token_hash', 128).notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['client_user_id', 'purpose']);
  });

  await createOwnedTable(knex, MIGRATION, 'client_activity_logs', (t) => {
    t.comment('Every client action and sign-in event, for the agency to read.');
    t.bigIncrements('id');
    t.string('workspace_id', 64).notNullable();
    t.uuid('client_user_id');
    t.string('client_id', 64);
    t.string('email', 320).comment('The email typed, for events without a known client user.');
    t.string('event', 60).notNullable();
    t.jsonb('details').notNullable().defaultTo('{}');
    t.string('ip', 64);
    t.string('user_agent', 400);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['workspace_id', 'created_at']);
    t.index(['workspace_id', 'client_id', 'created_at']);
    t.index(['workspace_id', 'event', 'created_at']);
  });

  await createOwnedTable(knex, MIGRATION, 'portal_rate_limits', (t) => {
    t.comment('rate-limiter-flexible counters, shared by every app instance.');
    t.string('key', 255).primary();
    t.integer('points').notNullable().defaultTo(0);
    t.bigInteger('expire');
  });

  await createOwnedTable(knex, MIGRATION, 'portal_files', (t) => {
    t.comment('Files the portal owns (uploaded logos), kept in the database so instances stay stateless.');
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('workspace_id', 64).notNullable();
    t.string('purpose', 30).notNullable();
    t.string('filename', 255).notNullable();
    t.string('content_type', 120).notNullable();
    t.integer('size_bytes').notNullable();
    t.binary('content').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['workspace_id', 'purpose']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
