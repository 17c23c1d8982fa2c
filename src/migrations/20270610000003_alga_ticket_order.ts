// Beside Alga PSA: each ticket's place in its client's ticket list (client, closed or not, last
// activity as of the last scan), kept by the portal because Alga indexes tickets neither by client
// nor by date, a ticket's activity is its threads', and the portal never adds an index to a host
// table. Without it every page of a client's ticket list, and every count of its open tickets,
// read every ticket of the tenant and probed each one's threads. The Alga binding fills and
// corrects these rows in its background pass (plugins/alga-psa/queries/ticket-order.ts); the list
// reads each row it shows live from Alga's tickets. Created beside every host, as the portal's
// tables are; only the Alga binding writes them.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../core/index.ts';

const MIGRATION = '20270610000003_alga_ticket_order';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_alga_ticket_order', (t) => {
    t.comment('Where each Alga ticket sorts in its client’s list (last activity, closed) at the last scan, per tenant.');
    t.uuid('tenant').notNullable().comment('The Alga tenant: the workspace.');
    t.uuid('ticket_id').notNullable().comment('tickets.ticket_id (a link, not a foreign key: the row is Alga’s).');
    t.uuid('client_id').notNullable().comment('tickets.client_id at the scan.');
    t.boolean('closed')
      .notNullable()
      .comment('Closed at the scan (the status’s is_closed, else the ticket’s): the open tab reads its own rows.');
    t.timestamp('last_activity', { useTz: true })
      .notNullable()
      .comment('The newest of entered_at, updated_at, closed_at and the threads the client sees, at the scan: the list’s sort key.');
    t.primary(['tenant', 'ticket_id']);
    // The whole list newest first, and the open tickets (the list's first tab and the dashboard's
    // counts), each walked backwards from a keyset.
    t.index(['tenant', 'client_id', 'last_activity', 'ticket_id'], 'portal_alga_ticket_order_by_activity');
    t.index(['tenant', 'client_id', 'last_activity', 'ticket_id'], 'portal_alga_ticket_order_open', {
      predicate: knex.whereRaw('not closed'),
    });
  });
  await createOwnedTable(knex, MIGRATION, 'portal_alga_ticket_order_scans', (t) => {
    t.comment('When the portal last filled a tenant’s ticket order; none yet means the list reads Alga’s tickets itself.');
    t.uuid('tenant').notNullable().primary().comment('The Alga tenant: the workspace.');
    t.timestamp('scanned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
