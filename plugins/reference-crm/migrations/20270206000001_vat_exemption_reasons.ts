// Why an invoice charges no VAT, as a reason the portal can word in its reader's language, beside
// the free-text note the CRM already kept (20270101000001_vat_exemption_notes). The note is the
// agency's own text, in the language it was typed in: a German invoice page printed the English
// "Reverse charge: …" where German law words it "Steuerschuldnerschaft des Leistungsempfängers".
// The reason lives where the note lives: on the client (reverse charge, not taxable here) and on
// the workspace (the small-business scheme), the client's pair winning over the workspace's.
// Nullable: without a reason the note is printed as it was.
import type { Knex } from 'knex';

/** The reasons the portal's port knows (VatExemptionReason); anything else is refused by the column. */
const REASONS = ['reverse_charge', 'not_taxable', 'small_business', 'exempt'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('workspaces', (t) => {
    t.string('vat_exemption_reason', 20)
      .checkIn(REASONS, 'workspaces_vat_exemption_reason_check')
      .comment('Why every invoice without VAT charges none (small_business); the portal words it per language.');
  });
  await knex.schema.alterTable('clients', (t) => {
    t.string('vat_exemption_reason', 20)
      .checkIn(REASONS, 'clients_vat_exemption_reason_check')
      .comment('Why this client’s invoices without VAT charge none (reverse_charge, not_taxable); worded by the portal per language.');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clients', (t) => {
    t.dropColumn('vat_exemption_reason');
  });
  await knex.schema.alterTable('workspaces', (t) => {
    t.dropColumn('vat_exemption_reason');
  });
}
