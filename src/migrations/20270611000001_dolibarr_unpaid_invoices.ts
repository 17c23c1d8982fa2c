// Beside Dolibarr: the invoices each company has not paid yet, kept by the portal because
// llx_facture has no index by company and status (one by company, one by status), and the portal
// never adds an index to a host table. Without it the dashboard's count of a company's unpaid
// invoices combined both indexes whole: every invoice the company ever had with every unpaid one
// of the entity, and its first unpaid invoices by date walked Dolibarr's date index past every
// paid invoice of the entity. The Dolibarr binding fills and corrects these rows in its background pass and
// removes one in the transaction that records a payment closing it
// (plugins/dolibarr/queries/unpaid-invoices.ts). Created beside every host, as the portal's tables
// are; only the Dolibarr binding writes them.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../core/index.ts';

const MIGRATION = '20270611000001_dolibarr_unpaid_invoices';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_dolibarr_unpaid_invoices', (t) => {
    t.comment('Dolibarr invoices in draft or validated and not paid at the last scan, per entity and company.');
    t.integer('entity').notNullable().comment('llx_facture.entity: the workspace.');
    t.integer('fk_soc').notNullable().comment('llx_facture.fk_soc: the client company.');
    t.integer('fk_facture').notNullable().comment('llx_facture.rowid (a link, not a foreign key: the row is Dolibarr’s).');
    t.date('date_key')
      .notNullable()
      .comment('llx_facture.datef at the scan, the first day for none: where the invoice sorts in the list, newest first.');
    t.primary(['entity', 'fk_soc', 'fk_facture']);
    // The company's unpaid invoices walked in the list's order (date_key, then rowid, newest first),
    // for the dashboard's first rows and the list's unpaid tab.
    t.index(['entity', 'fk_soc', 'date_key', 'fk_facture'], 'portal_dolibarr_unpaid_invoices_by_date');
  });
  await createOwnedTable(knex, MIGRATION, 'portal_dolibarr_unpaid_scans', (t) => {
    t.comment('When the portal last scanned an entity’s llx_facture for its unpaid invoices; none yet means counts read llx_facture.');
    t.integer('entity').notNullable().primary().comment('llx_facture.entity: the workspace.');
    t.integer('high_water').notNullable().comment('The highest llx_facture.rowid of the scan: invoices past it are newer than the scan.');
    t.timestamp('scanned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
