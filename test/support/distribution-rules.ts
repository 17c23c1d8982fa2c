// The rules a schema's distribution plan must keep to be placed on Citus, read from one database's
// catalog. test/migrations/distribution-rules.test.ts applies them after migrate on plain PostgreSQL
// (every CI run); test/citus/placement.test.ts applies the same ones on the cluster and then compares
// what Citus placed with what the plan says. A rule Citus enforces that is missing here would
// first fail on a cluster, which most runs never start.
import type { Knex } from 'knex';
import type { DistributionPlan, TablePlacement } from '../../src/core/db/distribution.ts';

export interface Constraint {
  table: string;
  type: 'p' | 'u' | 'f';
  columns: string[];
  references: string | null;
  /** A foreign key's actions, as pg_constraint codes them: a no action, r restrict, c cascade, n set null, d set default. */
  onDelete?: string | null;
  onUpdate?: string | null;
}

/** What the rules read of a schema: its tables, their columns and their keys. */
export interface SchemaCatalog {
  tables: string[];
  columns: Map<string, Set<string>>;
  constraints: Constraint[];
}

export async function readCatalog(db: Knex, tables: string[]): Promise<SchemaCatalog> {
  const rows = await db('information_schema.columns').where({ table_schema: 'public' }).select('table_name', 'column_name');
  const columns = new Map<string, Set<string>>();
  for (const row of rows as Array<{ table_name: string; column_name: string }>) {
    if (!columns.has(row.table_name)) columns.set(row.table_name, new Set());
    columns.get(row.table_name)!.add(row.column_name);
  }
  return { tables, columns, constraints: await constraintsOf(db) };
}

async function constraintsOf(db: Knex): Promise<Constraint[]> {
  const constraints = await db.raw<{ rows: Constraint[] }>(`
    select c.conrelid::regclass::text as "table", c.contype as type,
           array(select a.attname::text from unnest(c.conkey) with ordinality k(attnum, n)
                 join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.n) as columns,
           case when c.contype = 'f' then c.confrelid::regclass::text end as "references",
           case when c.contype = 'f' then c.confdeltype::text end as "onDelete",
           case when c.contype = 'f' then c.confupdtype::text end as "onUpdate"
      from pg_constraint c
     where c.connamespace = 'public'::regnamespace and c.contype in ('p', 'u', 'f')`);
  // Unique indexes that back no constraint are unique constraints all the same.
  const indexes = await db.raw<{ rows: Constraint[] }>(`
    select t.relname::text as "table", 'u' as type,
           array(select coalesce(a.attname::text, '(expression)') from unnest(x.indkey::int2[]) with ordinality k(attnum, n)
                 left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum order by k.n) as columns,
           null as "references"
      from pg_index x
      join pg_class t on t.oid = x.indrelid
      join pg_namespace s on s.oid = t.relnamespace
     where s.nspname = 'public' and x.indisunique
       and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)`);
  return [...constraints.rows, ...indexes.rows];
}

/** The column Citus distributes a table by under its placement, or null where it is not sharded. */
function distributionColumn(placement: TablePlacement): string | null {
  if (placement.kind === 'by-workspace') return 'workspace_id';
  if (placement.kind === 'by-own-key') return placement.column;
  return null;
}

function sharded(placement: TablePlacement | undefined): boolean {
  return placement !== undefined && distributionColumn(placement) !== null;
}

/**
 * Every rule a schema's placements bring, broken, as one line each:
 * - every table has a placement, and a table with workspace_id is distributed by it unless its
 *   placement says why not (by its own key, on the coordinator, a reference table);
 * - a sharded table has its distribution column, a primary key, and that column in the primary key
 *   and in every unique constraint (Citus enforces uniqueness shard by shard);
 * - a foreign key joins tables Citus can keep it between: two tables sharded by the same column and
 *   named by it in the key (co-located), or any table to a reference table. Citus refuses a key from
 *   a sharded table to one kept on the coordinator, from the coordinator or a reference table to a
 *   sharded one, and between tables sharded by different columns;
 * - a foreign key whose columns include the table's distribution column neither sets them null or
 *   to their default on delete or update nor cascades an update (Citus's EnsureSupportedFKeyOnDistKey):
 *   a delete the key would answer so must be refused (no action) or cascade.
 */
export function placementViolations(catalog: SchemaCatalog, plan: DistributionPlan['tables']): string[] {
  const found: string[] = [];
  for (const table of catalog.tables) {
    const placement = plan[table];
    if (!placement) {
      found.push(`${table}: no placement decided`);
      continue;
    }
    const key = distributionColumn(placement);
    if (key === null) {
      for (const c of catalog.constraints.filter((c) => c.table === table && c.type === 'f')) {
        const target = c.references ? plan[c.references] : undefined;
        if (sharded(target))
          found.push(`${table}: foreign key (${c.columns.join(', ')}) → sharded ${c.references} from a table kept whole`);
      }
      continue;
    }
    if (!catalog.columns.get(table)?.has(key)) found.push(`${table}: no ${key} column`);
    const own = catalog.constraints.filter((c) => c.table === table);
    if (!own.some((c) => c.type === 'p')) found.push(`${table}: no primary key`);
    for (const c of own) {
      const list = c.columns.join(', ');
      if (c.type === 'p' && !c.columns.includes(key)) found.push(`${table}: primary key (${list}) without ${key}`);
      if (c.type === 'u' && !c.columns.includes(key)) found.push(`${table}: unique (${list}) without ${key}`);
      if (c.type !== 'f' || !c.references) continue;
      if (c.columns.includes(key)) {
        if (c.onDelete === 'n' || c.onDelete === 'd')
          found.push(
            `${table}: foreign key (${list}) → ${c.references} sets ${key} ${c.onDelete === 'n' ? 'null' : 'to its default'} on delete`,
          );
        if (c.onUpdate === 'n' || c.onUpdate === 'd' || c.onUpdate === 'c')
          found.push(`${table}: foreign key (${list}) → ${c.references} ${c.onUpdate === 'c' ? 'cascades' : 'sets'} ${key} on update`);
      }
      const target = plan[c.references];
      if (!target || target.kind === 'reference') continue;
      const targetKey = distributionColumn(target);
      if (targetKey === null) found.push(`${table}: foreign key (${list}) → ${c.references}, kept on the coordinator`);
      else if (targetKey !== key) found.push(`${table}: foreign key (${list}) → ${c.references}, sharded by ${targetKey} not ${key}`);
      else if (!c.columns.includes(key)) found.push(`${table}: foreign key (${list}) → ${c.references} without ${key}`);
    }
  }
  return found.sort();
}
