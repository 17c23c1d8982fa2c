// A tax rate per line (percent, e.g. 19.00 or 7.00; 0 for a reverse-charge or non-taxable line;
// null where the agency recorded none), on invoices, proposals and quotations alike. A line's tax is
// its net amount (rounded to the cent) times its rate, rounded to the cent, as Dolibarr and most
// European CRMs round per line: the per-rate totals on the invoice are then sums of whole cents.
//
// The invoice's stored total becomes net plus tax, so the balance, the dashboard, the statement
// and a payment's limit all read the amount the client actually owes. The trigger that keeps it
// (20261208000001) is replaced with one that adds each line's tax, and stored totals are recomputed.
import type { Knex } from 'knex';

const ITEM_TABLES = ['invoice_items', 'proposal_items', 'quotation_items'] as const;

const NET = 'round(quantity * unit_price_cents)';
export const GROSS = `(${NET} + round(${NET} * coalesce(tax_rate_percent, 0) / 100))`;

export function invoiceItemsFunction(amount: string): string {
  const add = (rows: string, sign: '' | '-') => `
      update invoices i
         set total_cents = i.total_cents + d.cents
        from (select invoice_id, ${sign}sum(${amount})::bigint as cents from ${rows} group by invoice_id) d
       where i.id = d.invoice_id and d.cents <> 0;`;
  return `
    create or replace function invoice_items_keep_invoice_sums() returns trigger language plpgsql as $$
    begin
      if tg_op in ('INSERT', 'UPDATE') then${add('new_rows', '')}
      end if;
      if tg_op in ('UPDATE', 'DELETE') then${add('old_rows', '-')}
      end if;
      return null;
    end $$`;
}

async function recomputeTotals(knex: Knex, amount: string): Promise<void> {
  await knex.raw(`
    update invoices i set total_cents = coalesce((select sum(${amount}) from invoice_items li where li.invoice_id = i.id), 0)::bigint`);
}

export async function up(knex: Knex): Promise<void> {
  for (const table of ITEM_TABLES) {
    await knex.raw(`alter table ${table} add column tax_rate_percent numeric(5,2) null,
      add constraint ${table}_tax_rate_range check (tax_rate_percent between 0 and 100)`);
  }
  await knex.raw(invoiceItemsFunction(GROSS));
  await recomputeTotals(knex, GROSS);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(invoiceItemsFunction(NET));
  for (const table of ITEM_TABLES) await knex.raw(`alter table ${table} drop column tax_rate_percent`);
  await recomputeTotals(knex, NET);
}
