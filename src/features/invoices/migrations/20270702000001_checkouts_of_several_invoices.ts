// A checkout may pay several invoices at once: each invoice's share stays a client_payments row of
// its own (its invoice, its amount, its host payment), and the rows of one checkout share the id
// the provider knows (checkout_id). A checkout of one invoice is its own row: checkout_id = id.
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns, onOwnedTable } from '../../../core/index.ts';

const TABLE = 'client_payments';
const INDEX = 'client_payments_checkout_idx';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, TABLE, {
    checkout_id: (t) =>
      t
        .uuid('checkout_id')
        .nullable()
        .comment('The checkout this share belongs to, as the provider knows it (its rows pay one sum); the row id for one invoice.'),
  });
  await onOwnedTable(
    knex,
    TABLE,
    `update ${TABLE} set checkout_id = id where checkout_id is null`,
    `alter table ${TABLE} alter column checkout_id set not null`,
    `create index if not exists ${INDEX} on ${TABLE} (workspace_id, checkout_id)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await onOwnedTable(knex, TABLE, `drop index if exists ${INDEX}`);
  await dropOwnedColumns(knex, TABLE, ['checkout_id']);
}
