// Every key of the CRM's workspace tables starts with workspace_id, so the tables can be
// distributed by workspace on Citus (migrations/distribute.ts) and each workspace's rows, with its
// line items and payments, live on one node:
//
// - Line items and payments carry their parent's workspace_id (they reached it through the parent
//   before), and their parent key is (workspace_id, parent_id).
// - Each primary key is (workspace_id, id) and each foreign key between workspace tables is
//   (workspace_id, …) → (workspace_id, id), so a row can only name a row of its own workspace.
// - The two links that were ON DELETE SET NULL (a task's assigned contact, a document's sharing
//   staff user) now refuse the delete instead: Citus takes no SET NULL on a key that includes the
//   distribution column, and the CRM deletes neither contacts nor staff users.
// - The triggers that keep invoices' totals add each statement's change per (workspace_id,
//   invoice) in turn: on a Citus shard a trigger may reach the co-located invoices only by one
//   workspace at a time, and a transition table cannot be joined with a distributed table there.
//   A statement that writes many lines still updates each invoice once.
import type { Knex } from 'knex';
import { triggerFunction as paymentsFunction } from './20261208000001_invoice_stored_totals.ts';
import { GROSS, invoiceItemsFunction } from './20261210000001_line_tax_rates.ts';

const CHILDREN = [
  { table: 'proposal_items', parentKey: 'proposal_id', parent: 'proposals' },
  { table: 'quotation_items', parentKey: 'quotation_id', parent: 'quotations' },
  { table: 'invoice_items', parentKey: 'invoice_id', parent: 'invoices' },
  { table: 'payments', parentKey: 'invoice_id', parent: 'invoices' },
] as const;

/** Every table whose rows belong to one workspace, parents before children. */
export const WORKSPACE_TABLES = [
  'staff_users',
  'clients',
  'contacts',
  'proposals',
  'quotations',
  'invoices',
  'proposal_items',
  'quotation_items',
  'invoice_items',
  'payments',
  'tasks',
  'documents',
] as const;

interface Link {
  table: string;
  column: string;
  parent: string;
  onDelete: 'cascade' | 'set null';
}

/** The foreign keys between workspace tables, as the first migrations made them. */
const LINKS: Link[] = [
  { table: 'contacts', column: 'client_id', parent: 'clients', onDelete: 'cascade' },
  { table: 'proposals', column: 'client_id', parent: 'clients', onDelete: 'cascade' },
  { table: 'quotations', column: 'client_id', parent: 'clients', onDelete: 'cascade' },
  { table: 'invoices', column: 'client_id', parent: 'clients', onDelete: 'cascade' },
  { table: 'tasks', column: 'client_id', parent: 'clients', onDelete: 'cascade' },
  { table: 'documents', column: 'client_id', parent: 'clients', onDelete: 'cascade' },
  ...CHILDREN.map((child) => ({ table: child.table, column: child.parentKey, parent: child.parent, onDelete: 'cascade' as const })),
  { table: 'tasks', column: 'assigned_contact_id', parent: 'contacts', onDelete: 'set null' },
  { table: 'documents', column: 'shared_by_staff_id', parent: 'staff_users', onDelete: 'set null' },
];

const foreignKeyName = (link: Link) => `${link.table}_${link.column}_foreign`;

const SUMS = [
  { table: 'invoice_items', column: 'total_cents', amount: GROSS },
  { table: 'payments', column: 'paid_cents', amount: 'amount_cents' },
] as const;

/** The statement-level trigger function of a source of an invoice's sums, adding per workspace and invoice. */
function sumsFunction({ table, column, amount }: (typeof SUMS)[number]): string {
  const add = (rows: string, sign: '' | '-') => `
      for change in select workspace_id, invoice_id, ${sign}sum(${amount})::bigint as cents from ${rows} group by workspace_id, invoice_id loop
        continue when change.cents = 0;
        update invoices set ${column} = ${column} + change.cents where workspace_id = change.workspace_id and id = change.invoice_id;
      end loop;`;
  return `
    create or replace function ${table}_keep_invoice_sums() returns trigger language plpgsql as $$
    declare
      change record;
    begin
      if tg_op in ('INSERT', 'UPDATE') then${add('new_rows', '')}
      end if;
      if tg_op in ('UPDATE', 'DELETE') then${add('old_rows', '-')}
      end if;
      return null;
    end $$`;
}

export async function up(knex: Knex): Promise<void> {
  for (const child of CHILDREN) {
    await knex.raw(`alter table ${child.table} add column workspace_id integer`);
    await knex.raw(`update ${child.table} c set workspace_id = p.workspace_id from ${child.parent} p where p.id = c.${child.parentKey}`);
    await knex.raw(`alter table ${child.table} alter column workspace_id set not null`);
  }
  for (const link of LINKS) await knex.raw(`alter table ${link.table} drop constraint ${foreignKeyName(link)}`);
  for (const table of WORKSPACE_TABLES) {
    await knex.raw(`alter table ${table} drop constraint ${table}_pkey, add primary key (workspace_id, id)`);
  }
  for (const link of LINKS) {
    const onDelete = link.onDelete === 'cascade' ? ' on delete cascade' : '';
    await knex.raw(
      `alter table ${link.table} add constraint ${foreignKeyName(link)} foreign key (workspace_id, ${link.column}) references ${link.parent} (workspace_id, id)${onDelete}`,
    );
  }
  for (const child of CHILDREN) {
    await knex.raw(`drop index if exists ${child.table}_${child.parentKey}_index`);
    await knex.raw(`create index ${child.table}_parent_idx on ${child.table} (workspace_id, ${child.parentKey})`);
  }
  for (const sum of SUMS) await knex.raw(sumsFunction(sum));
}

export async function down(knex: Knex): Promise<void> {
  // The functions as the two migrations before this one left them.
  await knex.raw(invoiceItemsFunction(GROSS));
  await knex.raw(paymentsFunction({ table: 'payments', column: 'paid_cents', amount: 'amount_cents' }));
  for (const child of CHILDREN) {
    await knex.raw(`drop index if exists ${child.table}_parent_idx`);
    await knex.raw(`create index ${child.table}_${child.parentKey}_index on ${child.table} (${child.parentKey})`);
  }
  for (const link of LINKS) await knex.raw(`alter table ${link.table} drop constraint ${foreignKeyName(link)}`);
  for (const table of WORKSPACE_TABLES) await knex.raw(`alter table ${table} drop constraint ${table}_pkey, add primary key (id)`);
  for (const link of LINKS) {
    await knex.raw(
      `alter table ${link.table} add constraint ${foreignKeyName(link)} foreign key (${link.column}) references ${link.parent} (id) on delete ${link.onDelete}`,
    );
  }
  for (const child of CHILDREN) await knex.raw(`alter table ${child.table} drop column workspace_id`);
}
