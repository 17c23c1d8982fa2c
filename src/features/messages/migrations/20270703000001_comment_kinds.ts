// Comments are written on requests too (a request's thread with the agency): the table's and its
// kind column's descriptions say so, for whoever reads the schema.
import type { Knex } from 'knex';
import { onOwnedTable } from '../../../core/index.ts';

const TABLE = 'client_comments';

const describe = (table: string, column: string) => [
  `comment on table ${TABLE} is '${table}'`,
  `comment on column ${TABLE}.subject_type is '${column}'`,
];

export async function up(knex: Knex): Promise<void> {
  await onOwnedTable(
    knex,
    TABLE,
    ...describe(
      'Comments on host proposals, quotations and invoices, and request threads, when the host keeps none itself.',
      'proposal | quotation | invoice | request',
    ),
  );
}

export async function down(knex: Knex): Promise<void> {
  await onOwnedTable(
    knex,
    TABLE,
    ...describe('Comments on host proposals, quotations and invoices, when the host keeps none itself.', 'proposal | quotation | invoice'),
  );
}
