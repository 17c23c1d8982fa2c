// Projects of a client: what the agency does for it over weeks, in phases (milestones) in order.
// A project's work items are the CRM's tasks, given an optional project and phase here rather than
// a second task table, so a task shows on the client's Tasks page and in its project alike, and a
// project's progress is its done tasks over all of them.
//
// As every workspace table since the keys-by-workspace migration, keys start with workspace_id and
// links are (workspace_id, …) → (workspace_id, id), so a project, its phases and its tasks stay on
// one node on Citus and a row can only name a row of its own workspace. The links from tasks to a
// project and phase are nullable: a null project or phase is not checked (MATCH SIMPLE).
import type { Knex } from 'knex';

export const PROJECT_STATUSES = ['active', 'on_hold', 'completed'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('projects', (t) => {
    t.integer('workspace_id').notNullable();
    t.increments('id', { primaryKey: false });
    t.integer('client_id').notNullable();
    t.string('ref', 40).notNullable().comment('The number the client quotes, e.g. PJ-2026-001.');
    t.string('title', 300).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.enu('status', PROJECT_STATUSES).notNullable().defaultTo('active');
    t.date('start_date');
    t.date('end_date');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'ref']);
    t.foreign(['workspace_id', 'client_id']).references(['workspace_id', 'id']).inTable('clients').onDelete('CASCADE');
    t.foreign('workspace_id').references('workspaces.id').onDelete('CASCADE');
  });
  // The client's list by status, newest start first (undated last): read in order from this index,
  // whose key is the very expression the list sorts and pages by.
  await knex.raw(
    "create index projects_client_status_start_idx on projects (workspace_id, client_id, status, (coalesce(start_date, date '0001-01-01')) desc, id desc)",
  );

  await knex.schema.createTable('project_phases', (t) => {
    t.integer('workspace_id').notNullable();
    t.increments('id', { primaryKey: false });
    t.integer('project_id').notNullable();
    t.string('name', 200).notNullable();
    t.integer('position').notNullable().comment("The phase's place in its project, from 1.");
    t.date('start_date');
    t.date('end_date');
    t.primary(['workspace_id', 'id']);
    t.unique(['workspace_id', 'project_id', 'position']);
    t.foreign(['workspace_id', 'project_id']).references(['workspace_id', 'id']).inTable('projects').onDelete('CASCADE');
  });

  await knex.schema.alterTable('tasks', (t) => {
    t.integer('project_id');
    t.integer('phase_id');
    // Deleting a project or phase with tasks is refused: Citus takes no SET NULL on a key that
    // includes the distribution column, and the tasks are the client's record of the work.
    t.foreign(['workspace_id', 'project_id']).references(['workspace_id', 'id']).inTable('projects');
    t.foreign(['workspace_id', 'phase_id']).references(['workspace_id', 'id']).inTable('project_phases');
    t.index(['workspace_id', 'project_id'], 'tasks_project_idx');
  });

  // A shared document may belong to a project, as it may to a proposal, quotation or invoice.
  await knex.raw('alter table documents drop constraint if exists documents_record_type_check');
  await knex.raw(
    "alter table documents add constraint documents_record_type_check check (record_type in ('proposal', 'quotation', 'invoice', 'project'))",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex('documents').where('record_type', 'project').update({ record_type: null, record_id: null });
  await knex.raw('alter table documents drop constraint if exists documents_record_type_check');
  await knex.raw(
    "alter table documents add constraint documents_record_type_check check (record_type in ('proposal', 'quotation', 'invoice'))",
  );
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex([], 'tasks_project_idx');
    t.dropForeign(['workspace_id', 'phase_id']);
    t.dropForeign(['workspace_id', 'project_id']);
    t.dropColumn('phase_id');
    t.dropColumn('project_id');
  });
  await knex.schema.dropTable('project_phases');
  await knex.schema.dropTable('projects');
}
