// Beside Dolibarr: each proposal's place in the client's proposal list (company, date, status as
// of the last scan), kept by the portal because llx_propal is indexed by company but not by company
// and date, and the portal never adds an index to a host table. Without it every page of a
// company's proposal list read and sorted every proposal the company ever had. The Dolibarr
// binding fills and corrects these rows in its background pass, in the statement that scans for
// the pending proposals (plugins/dolibarr/queries/proposals.ts); the list reads each row it shows
// live from llx_propal. Created beside every host, as the portal's tables are; only the Dolibarr
// binding writes them.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../core/index.ts';

const MIGRATION = '20270101000003_dolibarr_proposal_order';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_dolibarr_proposal_order', (t) => {
    t.comment('Where each Dolibarr proposal sorts in its company’s list (date, status) at the last scan, per entity.');
    t.integer('entity').notNullable().comment('llx_propal.entity: the workspace.');
    t.integer('fk_propal').notNullable().comment('llx_propal.rowid (a link, not a foreign key: the row is Dolibarr’s).');
    t.integer('fk_soc').notNullable().comment('llx_propal.fk_soc at the scan: the client company.');
    t.smallint('fk_statut').notNullable().comment('llx_propal.fk_statut at the scan: a status filter reads its own rows.');
    t.date('date_key').notNullable().comment('coalesce(llx_propal.datep, 0001-01-01) at the scan: the list’s sort key.');
    t.primary(['entity', 'fk_propal']);
    // The whole list newest first, and a status filter's, each walked backwards from a keyset.
    t.index(['entity', 'fk_soc', 'date_key', 'fk_propal'], 'portal_dolibarr_proposal_order_by_date');
    t.index(['entity', 'fk_soc', 'fk_statut', 'date_key', 'fk_propal'], 'portal_dolibarr_proposal_order_by_status');
  });
  await createOwnedTable(knex, MIGRATION, 'portal_dolibarr_proposal_order_scans', (t) => {
    t.comment('When the portal last filled an entity’s proposal order from llx_propal; none yet means the list sorts llx_propal itself.');
    t.integer('entity').notNullable().primary().comment('llx_propal.entity: the workspace.');
    t.integer('high_water').notNullable().comment('The highest llx_propal.rowid of the scan: proposals past it are newer than the scan.');
    t.timestamp('scanned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
