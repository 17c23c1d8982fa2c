// Beside Dolibarr: the status the portal last saw of each client ticket, so that a status set
// anywhere in Dolibarr reaches the client. Dolibarr's status menu on the ticket card
// (CommonObject::setStatut, htdocs/core/class/commonobject.class.php) updates llx_ticket.fk_statut
// with no trigger, so no agenda event, and on PostgreSQL no tms either (llx_ticket has no update
// trigger there): comparing with what the portal saw is the only way to know. The Dolibarr
// binding's background pass compares and numbers each change it finds (plugins/dolibarr/queries/
// ticket-statuses.ts); the portal's own writes of a client's close or reopen note the new status
// in their statement's transaction, so they are not told back to the client. Created beside every
// host, as the portal's tables are; only the Dolibarr binding writes them.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../core/index.ts';

const MIGRATION = '20270301000002_dolibarr_ticket_statuses';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_dolibarr_ticket_statuses', (t) => {
    t.comment(
      'The status (llx_ticket.fk_statut) the portal last saw of each client ticket, per entity, and the number of its last change.',
    );
    t.integer('entity').notNullable().comment('llx_ticket.entity: the workspace.');
    t.integer('fk_ticket').notNullable().comment('llx_ticket.rowid (a link, not a foreign key: the row is Dolibarr’s).');
    t.integer('fk_statut').notNullable().comment('The status last seen.');
    t.bigIncrements('change', { primaryKey: false }).comment(
      'The number of the last change seen (0: none since first seen); the news cursor reads past it.',
    );
    t.primary(['entity', 'fk_ticket']);
    t.index(['entity', 'change'], 'portal_dolibarr_ticket_statuses_change_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
