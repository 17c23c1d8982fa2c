// The agency may call off an appointment it had confirmed or moved, and tells the client why: the
// client reads those words on the appointment's page and in the email. Null where the agency gave
// none (a decline without words) or the client cancelled it in the portal.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appointments', (t) => {
    t.text('agency_reason').comment('The agency’s words to the client on calling it off; null when the client cancelled it.');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appointments', (t) => {
    t.dropColumn('agency_reason');
  });
}
