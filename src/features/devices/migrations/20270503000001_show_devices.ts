// The workspace's switch for the devices section. Off by default: an agency decides to show its
// clients the devices it looks after for them, and the section exists only beside a host that
// keeps devices (DevicesPort).
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns } from '../../../core/index.ts';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    show_devices: (t) =>
      t
        .boolean('show_devices')
        .notNullable()
        .defaultTo(false)
        .comment('Clients see the devices the agency looks after for them, and the tickets about each.'),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['show_devices']);
}
