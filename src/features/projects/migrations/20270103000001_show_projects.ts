// The workspace's switch for the Projects section. On by default, as tasks are: the section exists
// only beside a host that serves projects (ProjectsPort), and there a client's projects are what
// the agency does for them.
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns } from '../../../core/index.ts';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    show_projects: (t) =>
      t.boolean('show_projects').notNullable().defaultTo(true).comment("Clients see their projects (the host's) in the portal."),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['show_projects']);
}
