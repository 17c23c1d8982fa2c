// A client company's billing email (where its invoices go) and its phone, beside the postal
// address (its lines, the country last) and the tax id it already keeps. The CRM's client screen
// and the portal's Company page write them.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clients', (t) => {
    t.string('billing_email', 320).comment('Where the client’s invoices are emailed.');
    t.string('phone', 50).comment('The company’s own phone.');
    t.timestamp('updated_at', { useTz: true }).comment('When the client’s details last changed.');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clients', (t) => {
    t.dropColumns('billing_email', 'phone', 'updated_at');
  });
}
