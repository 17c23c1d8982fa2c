// The reference CRM's own schema: the "existing" host the portal plugs into.
// The plugin never alters these tables; it reads and updates rows through the adapter.
import type { Knex } from 'knex';

const DOCUMENT_STATUSES = ['draft', 'sent', 'accepted', 'declined', 'expired'];
const INVOICE_STATUSES = ['draft', 'sent', 'paid', 'overdue', 'void'];
const TASK_STATUSES = ['open', 'in_progress', 'done'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('workspaces', (t) => {
    t.increments('id');
    t.string('slug', 60).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('logo_url', 500);
    t.string('brand_color', 7).notNullable().defaultTo('#2f5bd3');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('staff_users', (t) => {
    t.increments('id');
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.string('email', 320).notNullable();
    t.string('password_hash', 200).notNullable();
    t.enu('role', ['admin', 'member']).notNullable().defaultTo('member');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['workspace_id', 'email']);
  });

  await knex.schema.createTable('clients', (t) => {
    t.increments('id');
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.string('website', 300);
    t.string('address', 500);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['workspace_id']);
  });

  await knex.schema.createTable('contacts', (t) => {
    t.increments('id');
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.integer('client_id').notNullable().references('clients.id').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.string('email', 320).notNullable();
    t.string('phone', 50);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['workspace_id', 'client_id']);
    t.index(['workspace_id', 'email']);
  });

  for (const kind of ['proposals', 'quotations'] as const) {
    await knex.schema.createTable(kind, (t) => {
      t.increments('id');
      t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
      t.integer('client_id').notNullable().references('clients.id').onDelete('CASCADE');
      t.string('number', 40).notNullable();
      t.string('title', 300).notNullable();
      t.text('body').notNullable().defaultTo('');
      t.enu('status', DOCUMENT_STATUSES).notNullable().defaultTo('draft');
      t.string('currency', 3).notNullable().defaultTo('USD');
      t.date('valid_until');
      t.timestamp('sent_at', { useTz: true });
      t.timestamp('decided_at', { useTz: true });
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.unique(['workspace_id', 'number']);
      t.index(['workspace_id', 'client_id']);
    });
    const parent = kind === 'proposals' ? 'proposal_id' : 'quotation_id';
    await knex.schema.createTable(`${kind.slice(0, -1)}_items`, (t) => {
      t.increments('id');
      t.integer(parent).notNullable().references(`${kind}.id`).onDelete('CASCADE');
      t.integer('position').notNullable();
      t.string('description', 500).notNullable();
      t.decimal('quantity', 12, 2).notNullable().defaultTo(1);
      t.bigInteger('unit_price_cents').notNullable();
      t.index([parent]);
    });
  }

  await knex.schema.createTable('invoices', (t) => {
    t.increments('id');
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.integer('client_id').notNullable().references('clients.id').onDelete('CASCADE');
    t.string('number', 40).notNullable();
    t.enu('status', INVOICE_STATUSES).notNullable().defaultTo('draft');
    t.string('currency', 3).notNullable().defaultTo('USD');
    t.date('issue_date').notNullable();
    t.date('due_date').notNullable();
    t.text('notes').notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['workspace_id', 'number']);
    t.index(['workspace_id', 'client_id']);
  });

  await knex.schema.createTable('invoice_items', (t) => {
    t.increments('id');
    t.integer('invoice_id').notNullable().references('invoices.id').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.string('description', 500).notNullable();
    t.decimal('quantity', 12, 2).notNullable().defaultTo(1);
    t.bigInteger('unit_price_cents').notNullable();
    t.index(['invoice_id']);
  });

  await knex.schema.createTable('payments', (t) => {
    t.increments('id');
    t.integer('invoice_id').notNullable().references('invoices.id').onDelete('CASCADE');
    t.bigInteger('amount_cents').notNullable();
    t.string('method', 40).notNullable();
    t.string('reference', 200);
    t.timestamp('paid_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['invoice_id']);
  });

  await knex.schema.createTable('tasks', (t) => {
    t.increments('id');
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.integer('client_id').notNullable().references('clients.id').onDelete('CASCADE');
    t.integer('assigned_contact_id').references('contacts.id').onDelete('SET NULL');
    t.string('title', 300).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.date('due_date');
    t.enu('status', TASK_STATUSES).notNullable().defaultTo('open');
    t.timestamp('completed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['workspace_id', 'client_id']);
  });

  await knex.schema.createTable('documents', (t) => {
    t.increments('id');
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.integer('client_id').notNullable().references('clients.id').onDelete('CASCADE');
    t.string('filename', 255).notNullable();
    t.string('content_type', 120).notNullable();
    t.integer('size_bytes').notNullable();
    t.binary('content').notNullable();
    t.boolean('shared_with_client').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['workspace_id', 'client_id']);
  });

  // The CRM's own staff sessions (express-session rows written by connect-pg-simple, cookie crm.sid).
  // connect-pg-simple's table.sql shape, created here so the store never creates tables; expire is
  // timestamptz so the store's to_timestamp() values do not depend on the server's TimeZone.
  await knex.schema.createTable('crm_sessions', (t) => {
    t.string('sid').primary().notNullable().collate('default');
    t.json('sess').notNullable();
    t.timestamp('expire', { precision: 6, useTz: true }).notNullable();
    t.index(['expire'], 'crm_sessions_expire_idx');
  });

  // Sign-in and portal look-ups compare emails case-insensitively.
  await knex.raw('create index staff_users_email_lower_idx on staff_users (lower(email))');
  await knex.raw('create index contacts_workspace_email_lower_idx on contacts (workspace_id, lower(email))');
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'crm_sessions',
    'documents',
    'tasks',
    'payments',
    'invoice_items',
    'invoices',
    'quotation_items',
    'quotations',
    'proposal_items',
    'proposals',
    'contacts',
    'clients',
    'staff_users',
    'workspaces',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
