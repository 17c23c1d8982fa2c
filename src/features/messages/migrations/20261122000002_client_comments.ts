// Comments clients and staff write on proposals, quotations and invoices. Created only when the
// host does not keep comments itself: a host with its own comments table (the audit's "comment:
// exists") is used through the adapter, and this table is never made.
import type { Knex } from 'knex';
import { createOwnedTable, dropOwnedTables, type MigrationContext } from '../../../core/index.ts';

const MIGRATION = '20261122000002_client_comments';

export function clientComments(context: MigrationContext) {
  return {
    async up(knex: Knex): Promise<void> {
      if (context.hostProvides.has('comment')) return;
      await createOwnedTable(knex, MIGRATION, 'client_comments', (t) => {
        t.comment('Comments on host proposals, quotations and invoices, when the host keeps none itself.');
        t.bigIncrements('id');
        t.string('workspace_id', 64).notNullable();
        t.string('subject_type', 20).notNullable().comment('proposal | quotation | invoice');
        t.string('subject_id', 64).notNullable().comment('Host record id (a link, not a foreign key).');
        t.string('author_contact_id', 64).comment('Host contact who wrote it; null for agency staff.');
        t.string('author_staff_id', 64);
        t.string('author_name', 200).notNullable();
        t.text('body').notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
        t.index(['workspace_id', 'subject_type', 'subject_id', 'created_at']);
      });
    },
    async down(knex: Knex): Promise<void> {
      await dropOwnedTables(knex, MIGRATION);
    },
  };
}
