// The company details' workspace switch: off until an agency switches it on, so no client changes
// the address its invoices carry before the agency expects it. Off, the Company page is read only.
// The details themselves are the host's.
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns } from '../../../core/index.ts';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    allow_company_details_edit: (t) =>
      t
        .boolean('allow_company_details_edit')
        .notNullable()
        .defaultTo(false)
        .comment('A client admin changes the company’s address, billing email, tax id and phone in the host.'),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['allow_company_details_edit']);
}
