// Whether a workspace lets a public link carry a decision at all. Off by default: whoever holds a
// link (forwarded, left in an inbox) could otherwise accept a proposal, with only a typed name
// and an email they chose as evidence of who. Staff still decide per link, within this switch.
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns } from '../../../core/index.ts';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'workspace_client_portal_settings', {
    allow_public_link_decisions: (t) =>
      t
        .boolean('allow_public_link_decisions')
        .notNullable()
        .defaultTo(false)
        .comment('Public links may offer accept/decline (each link must allow it too); off: links are read-only.'),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'workspace_client_portal_settings', ['allow_public_link_decisions']);
}
