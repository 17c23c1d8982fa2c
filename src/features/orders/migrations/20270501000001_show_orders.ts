// The orders section's workspace switch: off until an agency switches it on, so clients never ask
// for new drafts nobody at the agency expects to validate. Orders themselves are the host's.
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns } from '../../../core/index.ts';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    show_orders: (t) =>
      t
        .boolean('show_orders')
        .notNullable()
        .defaultTo(false)
        .comment('Clients follow their orders to delivery and order again (where the host keeps orders).'),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['show_orders']);
}
