// The contracts section's switches: the section itself, and whether clients see the time entries
// behind the hours used. Both off until an agency switches them on: what a contract includes and
// how it is used is the agency's to show, and an entry's description was written for colleagues.
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns } from '../../../core/index.ts';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    show_contracts: (t) =>
      t
        .boolean('show_contracts')
        .notNullable()
        .defaultTo(false)
        .comment('Clients see their contracts and the usage of their allowances (where the host keeps contracts).'),
    show_time_entries_to_clients: (t) =>
      t
        .boolean('show_time_entries_to_clients')
        .notNullable()
        .defaultTo(false)
        .comment('On the contracts pages, clients see the time entries behind the hours used.'),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['show_contracts', 'show_time_entries_to_clients']);
}
