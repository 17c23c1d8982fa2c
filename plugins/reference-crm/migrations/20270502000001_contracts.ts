// Contracts: what a client agreed with the agency. A contract has a number, a name, a status and
// a term; its lines are the services it includes, each with a quantity and, where the line is an
// allowance, how many hours or units it allows per period (month, quarter or year, by the
// calendar). Time entries record the work done against a line: its day, its hours (or units), what
// was done and by whom; a period's usage is the sum of its entries.
import type { Knex } from 'knex';

export const CONTRACT_STATUSES = ['draft', 'active', 'ended'] as const;
export const ALLOWANCE_PERIODS = ['month', 'quarter', 'year'] as const;
export const ALLOWANCE_MEASURES = ['hours', 'units'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('contracts', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.integer('client_id').notNullable();
    t.string('number', 40).notNullable();
    t.string('name', 200).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.enu('status', CONTRACT_STATUSES).notNullable().defaultTo('draft').comment('Clients see active and ended ones, never drafts.');
    t.date('starts_on').notNullable();
    t.date('ends_on').comment('Null: runs until ended.');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'number']);
    t.foreign(['workspace_id', 'client_id']).references(['workspace_id', 'id']).inTable('clients').onDelete('CASCADE');
    t.index(['workspace_id', 'client_id'], 'contracts_client_idx');
    t.comment('What a client agreed with the agency.');
  });
  await knex.schema.createTable('contract_lines', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.integer('contract_id').notNullable();
    t.string('name', 200).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.decimal('quantity', 10, 2).comment('How many of the service; null where it is not counted.');
    t.decimal('allowance', 10, 2).comment('Hours or units allowed per period; null: the line is no allowance.');
    t.enu('measure', ALLOWANCE_MEASURES).notNullable().defaultTo('hours');
    t.string('unit_name', 60).comment('What a unit is called, where the allowance counts units.');
    t.enu('period', ALLOWANCE_PERIODS).notNullable().defaultTo('month').comment('The allowance renews each calendar period.');
    t.date('starts_on').comment('Null: with its contract.');
    t.date('ends_on');
    t.smallint('position').notNullable().defaultTo(0);
    t.primary(['workspace_id', 'id']);
    t.foreign(['workspace_id', 'contract_id']).references(['workspace_id', 'id']).inTable('contracts').onDelete('CASCADE');
    t.index(['workspace_id', 'contract_id', 'position'], 'contract_lines_contract_idx');
    t.comment('The services a contract includes, and what each allows per period.');
  });
  await knex.raw('alter table contract_lines add constraint contract_lines_allowance_positive check (allowance is null or allowance > 0)');
  await knex.schema.createTable('time_entries', (t) => {
    t.integer('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.increments('id', { primaryKey: false });
    t.integer('contract_line_id').notNullable();
    t.integer('staff_user_id').comment('Who did the work, where recorded (the CRM deletes no staff user).');
    t.date('work_date').notNullable();
    t.decimal('amount', 10, 2).notNullable().comment('Hours (or units, as the line counts) the work used.');
    t.text('description').notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.foreign(['workspace_id', 'contract_line_id']).references(['workspace_id', 'id']).inTable('contract_lines').onDelete('CASCADE');
    t.foreign(['workspace_id', 'staff_user_id']).references(['workspace_id', 'id']).inTable('staff_users');
    t.index(['workspace_id', 'contract_line_id', 'work_date'], 'time_entries_line_day_idx');
    t.comment('Work done against a contract line, counted in its allowance.');
  });
  await knex.raw('alter table time_entries add constraint time_entries_amount_positive check (amount > 0)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('time_entries');
  await knex.schema.dropTable('contract_lines');
  await knex.schema.dropTable('contracts');
}
