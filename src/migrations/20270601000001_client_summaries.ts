// A client's dashboard kept as its records change, so the page most clients open first costs a read
// by key instead of the counts, balances and first rows over every table of the host it summarises.
// Two tables: one row per client counting the changes to its records (bumped in the transaction of
// every portal write, and by every change the host reports), and one row per person of the client
// holding what their dashboard last read, with the count it was read at. A kept row whose count is
// behind, or past its fresh_until, is read again from the host (src/core/summaries).
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables } from '../core/index.ts';

const MIGRATION = '20270601000001_client_summaries';

export async function up(knex: Knex): Promise<void> {
  await createOwnedTable(knex, MIGRATION, 'portal_client_summary_generations', (t) => {
    t.comment('How many times the records a client’s dashboard sums up have changed, as the portal knows.');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable().comment('The host’s id of the client company (a link, not a foreign key).');
    t.bigInteger('generation').notNullable().defaultTo(1).comment('One more for each write or reported change; never goes back.');
    t.primary(['workspace_id', 'client_id']);
  });
  await createOwnedTable(knex, MIGRATION, 'portal_client_summaries', (t) => {
    t.comment('What one person’s dashboard last read from the host: kept while nothing it sums up has changed.');
    t.string('workspace_id', 64).notNullable();
    t.string('client_id', 64).notNullable();
    t.string('contact_id', 64).notNullable().comment('The host’s id of the person’s contact: their tasks and projects are their own.');
    t.text('ask').notNullable().comment('Which sections were read (the workspace’s switches): another set is read afresh.');
    t.bigInteger('generation').notNullable().comment('The client’s generation read before the host was.');
    t.binary('data').notNullable().comment('The dashboard’s reads, serialised (v8), dates as dates.');
    t.timestamp('fresh_until', { useTz: true })
      .notNullable()
      .comment('When a change the host did not report, or the date, may have made it wrong.');
    t.timestamp('read_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'client_id', 'contact_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedTables(knex, MIGRATION);
}
