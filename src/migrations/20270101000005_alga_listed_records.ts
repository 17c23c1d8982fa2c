// Beside Alga PSA: which invoices and quotes each client has, in the order the portal lists them,
// kept by the portal because Alga's invoices have no index by client (only by tenant and id) and
// its quotes none by client and date, and the portal never adds one to a host table. Without it a
// client's lists and unpaid invoices read every invoice and quote the client ever had. The Alga
// binding fills and corrects these rows in a background pass and re-checks each one in Alga's
// table by primary key when it reads (plugins/alga-psa/queries/listed.ts). Created beside every
// host, as the portal's tables are; only the Alga binding writes them.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../core/index.ts';

const MIGRATION = '20270101000005_alga_listed_records';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_alga_listed_records', (t) => {
    t.comment('Alga invoices and quotes a client sees, as the last scan found them, by tenant, client and list order.');
    t.uuid('tenant').notNullable().comment('The Alga tenant: the workspace.');
    t.string('kind', 16).notNullable().comment("'invoice' (invoices) or 'quote' (quotes).");
    t.uuid('client_id').notNullable().comment('invoices.client_id / quotes.client_id at the scan.');
    t.timestamp('sort_at', { useTz: true }).notNullable().comment('invoices.invoice_date / quotes.created_at at the scan: the list order.');
    t.uuid('record_id').notNullable().comment('invoices.invoice_id / quotes.quote_id (a link, not a foreign key: the row is Alga’s).');
    t.string('status', 32).notNullable().comment('The Alga status at the scan.');
    t.boolean('open').notNullable().comment('Awaiting the client at the scan: an unpaid invoice, a sent quote.');
    t.primary(['tenant', 'kind', 'client_id', 'sort_at', 'record_id']);
    // The few awaiting the client, for the dashboard's unpaid invoices, apart from the history.
    t.index(['tenant', 'kind', 'client_id', 'sort_at', 'record_id'], 'portal_alga_listed_records_open', {
      predicate: knex.whereRaw('open'),
    });
  });
  await createOwnedTable(knex, MIGRATION, 'portal_alga_listed_scans', (t) => {
    t.comment('When the portal last scanned a tenant’s invoices or quotes; none yet means the lists read Alga’s tables.');
    t.uuid('tenant').notNullable();
    t.string('kind', 16).notNullable();
    t.timestamp('scanned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['tenant', 'kind']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
