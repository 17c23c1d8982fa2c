// Line items of proposals, quotations and invoices: the same shape in three tables. Each line
// carries its parent's workspace id, and every read and join names it: on Citus the lines live on
// their parent's node, found by workspace.
import type { Knex } from 'knex';
import type { Db } from './db.ts';

export interface LineItemsTable {
  table: 'proposal_items' | 'quotation_items' | 'invoice_items';
  parentTable: 'proposals' | 'quotations' | 'invoices';
  parentKey: 'proposal_id' | 'quotation_id' | 'invoice_id';
}

export interface LineItemInput {
  description: string;
  /** Up to two decimals, e.g. 1.5 hours. */
  quantity: number;
  unitPriceCents: number;
  /** Percent (19, 7, 0); absent or null where the agency records no rate. */
  taxRatePercent?: number | null;
}

export interface LineItemRow {
  id: number;
  position: number;
  description: string;
  quantity: number;
  unit_price_cents: number;
  /** Before tax. */
  line_total_cents: number;
  /** Percent, or null where the line has no rate. */
  tax_rate_percent: number | null;
  line_tax_cents: number;
}

// A line's net amount is rounded to the cent, and so is its tax: totals are sums of whole cents.
const LINE_NET = 'round(li.quantity * li.unit_price_cents)';
const LINE_TAX = `round(${LINE_NET} * coalesce(li.tax_rate_percent, 0) / 100)`;

/** The columns every read of a line selects, its net amount and tax included. */
export function lineItemColumns(db: Db) {
  return [
    'li.id',
    'li.position',
    'li.description',
    'li.quantity',
    'li.unit_price_cents',
    'li.tax_rate_percent',
    db.raw(`${LINE_NET}::bigint as line_total_cents`),
    db.raw(`${LINE_TAX}::bigint as line_tax_cents`),
  ];
}

/**
 * SQL for a parent's total in cents, tax included; each line and its tax are rounded to a whole cent
 * before summing. The lines are matched on the workspace id itself, never on a parent row's column:
 * Citus routes a statement to one node only where every table in it, the subquery's too, is pinned to
 * the same workspace by a value.
 */
function linesTotalSql(
  db: Db,
  spec: Pick<LineItemsTable, 'table' | 'parentKey'>,
  workspaceId: number,
  parentId: number | Knex.Ref<string, object>,
) {
  return db.raw(
    `coalesce((select sum(${LINE_NET} + ${LINE_TAX}) from ?? li where li.workspace_id = ? and li.?? = ?), 0)::bigint as total_cents`,
    [spec.table, workspaceId, spec.parentKey, parentId],
  );
}

/** Each parent row's total in cents, as a column of a read of the parent table (`alias`) in one workspace. */
export function totalCentsSql(db: Db, spec: LineItemsTable, parent: { alias: string; workspaceId: number }): Knex.Raw {
  return linesTotalSql(db, spec, parent.workspaceId, db.ref(`${parent.alias}.id`));
}

/** A read's condition: the parent row's total (as totalCentsSql sums it) within a range of cents. */
export function totalCentsWithinSql(
  db: Db,
  spec: LineItemsTable,
  parent: { alias: string; workspaceId: number },
  range: { fromCents: number; toCents: number },
): Knex.Raw {
  return db.raw(
    `coalesce((select sum(${LINE_NET} + ${LINE_TAX}) from ?? li where li.workspace_id = ? and li.?? = ??), 0) between ? and ?`,
    [spec.table, parent.workspaceId, spec.parentKey, `${parent.alias}.id`, range.fromCents, range.toCents],
  );
}

/**
 * An invoice's total from its lines and what its payments add up to, summed afresh (not the stored
 * sums): the check that decides whether a payment is accepted, read under the invoice's lock.
 */
export async function sumInvoiceAfresh(
  db: Db,
  args: { workspaceId: number; invoiceId: number },
): Promise<{ totalCents: number; paidCents: number }> {
  const row = await db
    .select(
      linesTotalSql(db, { table: 'invoice_items', parentKey: 'invoice_id' }, args.workspaceId, args.invoiceId),
      db.raw('coalesce((select sum(amount_cents) from payments where workspace_id = ? and invoice_id = ?), 0)::bigint as paid_cents', [
        args.workspaceId,
        args.invoiceId,
      ]),
    )
    .first<{ total_cents: string | number; paid_cents: string | number }>();
  return { totalCents: Number(row?.total_cents ?? 0), paidCents: Number(row?.paid_cents ?? 0) };
}

export async function listLineItems(db: Db, spec: LineItemsTable, args: { workspaceId: number; parentId: number }): Promise<LineItemRow[]> {
  return db(`${spec.table} as li`)
    .join(`${spec.parentTable} as p`, (on) => on.on('p.workspace_id', 'li.workspace_id').andOn('p.id', `li.${spec.parentKey}`))
    .where({ 'li.workspace_id': args.workspaceId, 'p.workspace_id': args.workspaceId, 'p.id': args.parentId })
    .orderBy('li.position')
    .orderBy('li.id')
    .select<LineItemRow[]>(lineItemColumns(db));
}

/** Called inside the transaction that created the parent, which the caller has already scoped. */
export async function insertLineItems(
  db: Db,
  spec: LineItemsTable,
  parent: { workspaceId: number; id: number },
  items: LineItemInput[],
): Promise<void> {
  if (items.length === 0) return;
  await db(spec.table).insert(
    items.map((item, index) => ({
      workspace_id: parent.workspaceId,
      [spec.parentKey]: parent.id,
      position: index + 1,
      description: item.description,
      quantity: item.quantity,
      unit_price_cents: item.unitPriceCents,
      tax_rate_percent: item.taxRatePercent ?? null,
    })),
  );
}

/**
 * The next "PREFIX-0001" style number in a workspace. Two concurrent creates can pick the same
 * number; the unique (workspace_id, number) index rejects one and the caller retries.
 */
export async function nextNumber(
  db: Db,
  table: LineItemsTable['parentTable'],
  args: { workspaceId: number; prefix: string },
): Promise<string> {
  const pattern = `^${args.prefix}-[0-9]+$`;
  const row = await db(table)
    .where('workspace_id', args.workspaceId)
    .whereRaw('number ~ ?', [pattern])
    .first<{ highest: number | null } | undefined>(db.raw('max(substring(number from ?)::int) as highest', [`^${args.prefix}-([0-9]+)$`]));
  const next = (row?.highest ?? 0) + 1;
  return `${args.prefix}-${String(next).padStart(4, '0')}`;
}
