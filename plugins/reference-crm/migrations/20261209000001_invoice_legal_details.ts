// What an invoice a business can file names besides its lines (EU VAT directive art. 226 and the
// German, French and UK rules built on it), kept where the CRM keeps the rest of each record:
//
// - the agency's registered name, postal address, VAT id, tax or company registration number and
//   the bank account clients pay into, on the workspace;
// - the client's VAT or tax id, on the client (its postal address is already there);
// - the date or period of supply and the payment terms, on the invoice.
//
// All nullable: a workspace that has not filled them in issues invoices without those lines.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('workspaces', (t) => {
    t.string('legal_name', 200);
    t.string('legal_address', 500);
    t.string('vat_id', 40);
    t.string('registration_number', 120);
    t.string('bank_name', 120);
    t.string('iban', 34);
    t.string('bic', 11);
    t.string('payment_terms', 300);
  });
  await knex.schema.alterTable('clients', (t) => {
    t.string('tax_id', 40);
  });
  await knex.schema.alterTable('invoices', (t) => {
    t.date('supply_date');
    t.date('supply_end_date');
    t.string('payment_terms', 300);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoices', (t) => {
    t.dropColumns('supply_date', 'supply_end_date', 'payment_terms');
  });
  await knex.schema.alterTable('clients', (t) => {
    t.dropColumn('tax_id');
  });
  await knex.schema.alterTable('workspaces', (t) => {
    t.dropColumns('legal_name', 'legal_address', 'vat_id', 'registration_number', 'bank_name', 'iban', 'bic', 'payment_terms');
  });
}
