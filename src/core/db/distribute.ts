// After migrate, on a database with the citus extension: places each table of a schema as its plan
// says (distributed by workspace and co-located, distributed by its own key, a reference table on
// every node, or left on the coordinator): the portal's by default, a host's own where the host
// migrates (the reference CRM does). Idempotent: a table Citus already places is left
// as it is, so every migrate may run it. On plain PostgreSQL it reads one catalog row and does
// nothing. Parents go before their children, as Citus distributes a table with a foreign key only
// once the table it references is distributed.
import type { Knex } from 'knex';
import { type DistributionPlan, PORTAL_DISTRIBUTION } from './distribution.ts';

export interface DistributionOutcome {
  citus: boolean;
  /** Tables placed by this run, in order, as "table: how". */
  placed: string[];
}

export async function distributeOnCitus(knex: Knex, plan: DistributionPlan = PORTAL_DISTRIBUTION): Promise<DistributionOutcome> {
  const citus = await knex.raw<{ rows: unknown[] }>("select 1 from pg_extension where extname = 'citus'");
  if (citus.rows.length === 0) return { citus: false, placed: [] };

  const present = new Set(
    (
      await knex.raw<{ rows: Array<{ name: string }> }>(
        "select relname::text as name from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p')",
      )
    ).rows.map((row) => row.name),
  );
  const already = new Set(
    // Distributed or reference tables; a Citus local table (which Citus makes of a plain table that
    // references a reference table) is still to be distributed.
    (
      await knex.raw<{ rows: Array<{ name: string }> }>(
        "select logicalrelid::regclass::text as name from pg_dist_partition where partmethod = 'h' or repmodel = 't'",
      )
    ).rows.map((row) => row.name),
  );
  const parents = await foreignKeyParents(knex);
  const placed: string[] = [];
  await knex.transaction(async (trx) => {
    // Foreign keys to a table about to become a reference table are set aside until the tables that
    // hold them are distributed: Citus would otherwise turn those tables into Citus local tables,
    // which no distributed table may be referenced by. One transaction: all placed, keys back, or nothing.
    const setAside: Array<{ table: string; name: string; definition: string }> = [];
    // Keys added back in the transaction that distributed their tables must reach every shard over
    // the connection that created it.
    await trx.raw("set local citus.multi_shard_modify_mode = 'sequential'");
    for (const table of parentsFirst(Object.keys(plan.tables), parents, plan.anchor)) {
      const placement = plan.tables[table]!;
      if (!present.has(table) || already.has(table) || placement.kind === 'coordinator') continue;
      if (placement.kind === 'by-own-key') {
        await trx.raw("select create_distributed_table(?, ?, colocate_with => 'none')", [table, placement.column]);
      } else if (placement.kind === 'reference') {
        for (const key of await foreignKeysTo(trx, table)) {
          await trx.raw('alter table ?? drop constraint ??', [key.table, key.name]);
          setAside.push(key);
        }
        await trx.raw('select create_reference_table(?)', [table]);
      } else {
        const anchor = table === plan.anchor ? 'none' : plan.anchor;
        await trx.raw(`set local citus.enable_unsafe_triggers = ${placement.triggers ? 'on' : 'off'}`);
        await trx.raw('select create_distributed_table(?, ?, colocate_with => ?)', [table, 'workspace_id', anchor]);
      }
      placed.push(`${table}: ${placement.kind}`);
    }
    for (const key of setAside) await trx.raw(`alter table ?? add constraint ?? ${key.definition}`, [key.table, key.name]);
  });
  return { citus: true, placed };
}

/** The foreign keys that reference `table`, each with the definition that makes it again. */
async function foreignKeysTo(knex: Knex, table: string): Promise<Array<{ table: string; name: string; definition: string }>> {
  return (
    await knex.raw<{ rows: Array<{ table: string; name: string; definition: string }> }>(
      `select conrelid::regclass::text as "table", conname::text as name, pg_get_constraintdef(oid) as definition
         from pg_constraint where contype = 'f' and confrelid = ?::regclass and conrelid <> confrelid`,
      [table],
    )
  ).rows;
}

async function foreignKeyParents(knex: Knex): Promise<Map<string, string[]>> {
  const rows = (
    await knex.raw<{ rows: Array<{ child: string; parent: string }> }>(
      `select conrelid::regclass::text as child, confrelid::regclass::text as parent
         from pg_constraint where contype = 'f' and connamespace = 'public'::regnamespace`,
    )
  ).rows;
  const parents = new Map<string, string[]>();
  for (const { child, parent } of rows) parents.set(child, [...(parents.get(child) ?? []), parent]);
  return parents;
}

/** `tables` ordered so each comes after the tables it references; the anchor of co-location first. */
function parentsFirst(tables: string[], parents: Map<string, string[]>, anchor: string): string[] {
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table) || !tables.includes(table)) return;
    path.add(table);
    for (const parent of parents.get(table) ?? []) visit(parent, path);
    ordered.push(table);
  };
  for (const table of [anchor, ...tables]) visit(table, new Set());
  return ordered;
}
