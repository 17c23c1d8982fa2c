// The appointments section's workspace switch: off until an agency switches it on, so clients never
// book time nobody at the agency expects to answer. Appointments themselves are the host's.
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns } from '../../../core/index.ts';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    show_appointments: (t) =>
      t
        .boolean('show_appointments')
        .notNullable()
        .defaultTo(false)
        .comment('Clients book time with the agency (where the host keeps appointments).'),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['show_appointments']);
}
