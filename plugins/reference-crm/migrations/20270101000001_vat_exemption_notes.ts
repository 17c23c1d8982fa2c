// Why an invoice charges no VAT, which invoicing rules want said on it (EU VAT directive art. 226
// (11) and (11a)), kept where the reason lives:
//
// - on the client, what follows from who and where the client is: reverse charge for an EU
//   business with a VAT id, a supply not taxable here for a business outside the EU;
// - on the workspace, what holds for every invoice the agency issues: the small-business scheme
//   (Kleinunternehmerregelung, franchise en base de TVA).
//
// The client's note wins over the workspace's. Both nullable: without one a 0 % invoice prints no
// note, as before.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('workspaces', (t) => {
    t.string('vat_exemption_note', 300).comment('Printed on every invoice without VAT: the small-business scheme and its legal reference.');
  });
  await knex.schema.alterTable('clients', (t) => {
    t.string('vat_exemption_note', 300).comment("Printed on this client's invoices without VAT: reverse charge, or not taxable here.");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clients', (t) => {
    t.dropColumn('vat_exemption_note');
  });
  await knex.schema.alterTable('workspaces', (t) => {
    t.dropColumn('vat_exemption_note');
  });
}
