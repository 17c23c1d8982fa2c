// Beside Dolibarr: the proposals each company has not decided yet, kept by the portal because
// llx_propal has no index by status (only by company), and the portal never adds one to a host
// table. Without it the dashboard's open proposals read every proposal the company ever had. The
// Dolibarr binding fills and corrects these rows in a background pass and removes one in the
// statement that records a client's decision (plugins/dolibarr/queries/proposals.ts). Created
// beside every host, as the portal's tables are; only the Dolibarr binding writes them.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../core/index.ts';

const MIGRATION = '20270101000001_dolibarr_pending_proposals';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_dolibarr_pending_proposals', (t) => {
    t.comment('Dolibarr proposals in draft or validated (awaiting the client) at the last scan, per entity and company.');
    t.integer('entity').notNullable().comment('llx_propal.entity: the workspace.');
    t.integer('fk_soc').notNullable().comment('llx_propal.fk_soc: the client company.');
    t.integer('fk_propal').notNullable().comment('llx_propal.rowid (a link, not a foreign key: the row is Dolibarr’s).');
    t.primary(['entity', 'fk_soc', 'fk_propal']);
  });
  await createOwnedTable(knex, MIGRATION, 'portal_dolibarr_pending_scans', (t) => {
    t.comment('When the portal last scanned an entity’s llx_propal for its pending proposals; none yet means counts read llx_propal.');
    t.integer('entity').notNullable().primary().comment('llx_propal.entity: the workspace.');
    t.integer('high_water').notNullable().comment('The highest llx_propal.rowid of the scan: proposals past it are newer than the scan.');
    t.timestamp('scanned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
