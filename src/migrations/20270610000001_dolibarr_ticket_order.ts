// Beside Dolibarr: each ticket's place in its company's ticket list (company, status, last activity
// as of the last scan), kept by the portal because llx_ticket is indexed by company but holds no
// last activity (a message is an llx_actioncomm row), and the portal never adds an index to a host
// table. Without it every page of a company's ticket list, and every count of its open tickets,
// read all of the company's tickets and probed each one's messages. The Dolibarr binding fills and
// corrects these rows in its background pass (plugins/dolibarr/queries/ticket-order.ts); the list
// reads each row it shows live from llx_ticket. Created beside every host, as the portal's tables
// are; only the Dolibarr binding writes them.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../core/index.ts';

const MIGRATION = '20270610000001_dolibarr_ticket_order';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_dolibarr_ticket_order', (t) => {
    t.comment('Where each Dolibarr ticket sorts in its company’s list (last activity, status) at the last scan, per entity.');
    t.integer('entity').notNullable().comment('llx_ticket.entity: the workspace.');
    t.integer('fk_ticket').notNullable().comment('llx_ticket.rowid (a link, not a foreign key: the row is Dolibarr’s).');
    t.integer('fk_soc').notNullable().comment('llx_ticket.fk_soc at the scan: the client company.');
    t.smallint('fk_statut').notNullable().comment('coalesce(llx_ticket.fk_statut, 0) at the scan: a status filter reads its own rows.');
    t.timestamp('activity', { useTz: false })
      .notNullable()
      .comment('The newest of datec, tms, date_close and the newest public message’s datep at the scan: the list’s sort key.');
    t.primary(['entity', 'fk_ticket']);
    // The whole list newest first, a status's (waiting on the client), and the open ones (the
    // list's first tab and the dashboard's count), each walked backwards from a keyset.
    t.index(['entity', 'fk_soc', 'activity', 'fk_ticket'], 'portal_dolibarr_ticket_order_by_activity');
    t.index(['entity', 'fk_soc', 'fk_statut', 'activity', 'fk_ticket'], 'portal_dolibarr_ticket_order_by_status');
    // Closed (8) and canceled (9): Ticket::STATUS_CLOSED and STATUS_CANCELED.
    t.index(['entity', 'fk_soc', 'activity', 'fk_ticket'], 'portal_dolibarr_ticket_order_open', {
      predicate: knex.whereRaw('fk_statut not in (8, 9)'),
    });
  });
  await createOwnedTable(knex, MIGRATION, 'portal_dolibarr_ticket_order_scans', (t) => {
    t.comment('When the portal last filled an entity’s ticket order; none yet means the list reads llx_ticket itself.');
    t.integer('entity').notNullable().primary().comment('llx_ticket.entity: the workspace.');
    t.integer('high_water').notNullable().comment('The highest llx_ticket.rowid of the scan: tickets past it are newer than the scan.');
    t.integer('message_high_water')
      .notNullable()
      .comment('The highest llx_actioncomm.id of the scan: messages past it were written after the scan.');
    t.timestamp('scanned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
