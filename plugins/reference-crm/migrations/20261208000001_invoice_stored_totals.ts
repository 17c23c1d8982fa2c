// Each invoice keeps its total and what has been paid against it, as CRMs commonly store them
// (Perfex's `total`, Invoice Ninja's `amount` and `balance`, Odoo's `amount_total` and
// `amount_residual`). Computed from the lines and payments on every read, a client's outstanding
// balance cost a lookup of lines and one of payments per open invoice: at 400 open invoices that
// was 5 of the dashboard's 6 ms, and it grew with every invoice the client had open.
//
// Triggers keep both columns in step with invoice_items and payments, whoever writes them (the CRM's
// screens, the portal's payments, an import). They add the change rather than sum the invoice again:
// an UPDATE that waited for another transaction's lock on the invoice then adds to the committed
// value, where a sum read before the wait would miss the other transaction's line. A statement
// that writes many lines updates each invoice once (transition tables), so a bulk import costs one
// UPDATE, not one per line. A line's amount is rounded to the cent as every read of totals rounds it.
//
// The open-invoice index carries both, so the summary stays an index-only read.
import type { Knex } from 'knex';

const SOURCES = [
  { table: 'invoice_items', column: 'total_cents', amount: 'round(quantity * unit_price_cents)' },
  { table: 'payments', column: 'paid_cents', amount: 'amount_cents' },
];

const OPEN_INVOICES_INDEX = 'invoices_client_status_idx';
const INDEX_BEFORE = '(workspace_id, client_id, status) include (currency, due_date)';
const INDEX_AFTER = '(workspace_id, client_id, status) include (currency, due_date, total_cents, paid_cents)';

const functionName = (table: string) => `${table}_keep_invoice_sums`;

/** A statement-level trigger function that adds each statement's change per invoice. */
export function triggerFunction({ table, column, amount }: (typeof SOURCES)[number]): string {
  const add = (rows: string, sign: '' | '-') => `
      update invoices i
         set ${column} = i.${column} + d.cents
        from (select invoice_id, ${sign}sum(${amount})::bigint as cents from ${rows} group by invoice_id) d
       where i.id = d.invoice_id and d.cents <> 0;`;
  return `
    create or replace function ${functionName(table)}() returns trigger language plpgsql as $$
    begin
      if tg_op in ('INSERT', 'UPDATE') then${add('new_rows', '')}
      end if;
      if tg_op in ('UPDATE', 'DELETE') then${add('old_rows', '-')}
      end if;
      return null;
    end $$`;
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table invoices add column total_cents bigint not null default 0, add column paid_cents bigint not null default 0');
  for (const source of SOURCES) {
    await knex.raw(`
      update invoices i set ${source.column} = s.cents
        from (select invoice_id, sum(${source.amount})::bigint as cents from ${source.table} group by invoice_id) s
       where i.id = s.invoice_id`);
    await knex.raw(triggerFunction(source));
    const run = `for each statement execute function ${functionName(source.table)}()`;
    await knex.raw(`create trigger ${source.table}_sums_insert after insert on ${source.table} referencing new table as new_rows ${run}`);
    await knex.raw(
      `create trigger ${source.table}_sums_update after update on ${source.table} referencing old table as old_rows new table as new_rows ${run}`,
    );
    await knex.raw(`create trigger ${source.table}_sums_delete after delete on ${source.table} referencing old table as old_rows ${run}`);
  }
  await knex.raw(`drop index if exists ${OPEN_INVOICES_INDEX}`);
  await knex.raw(`create index ${OPEN_INVOICES_INDEX} on invoices ${INDEX_AFTER}`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index if exists ${OPEN_INVOICES_INDEX}`);
  await knex.raw(`create index ${OPEN_INVOICES_INDEX} on invoices ${INDEX_BEFORE}`);
  for (const source of SOURCES) {
    for (const event of ['insert', 'update', 'delete'])
      await knex.raw(`drop trigger if exists ${source.table}_sums_${event} on ${source.table}`);
    await knex.raw(`drop function if exists ${functionName(source.table)}()`);
  }
  await knex.raw('alter table invoices drop column total_cents, drop column paid_cents');
}
