// Reads the host's catalog in four batched queries, whatever the number of tables: relations,
// columns, constraints, indexes. pg_catalog rather than information_schema because
// information_schema hides tables the role holds no privilege on (an audit role may see less than
// the app) and its views are markedly slower on schemas with hundreds of tables.
import type { ReadOnlySession } from './read-only-session.ts';
import type { Catalog, CatalogTable, RelationKind } from './types.ts';

// Every user relation: no system schemas, no partitions (their parent stands for them).
const RELATION_FILTER = `
  c.relkind in ('r', 'p', 'v', 'm', 'f')
  and not c.relispartition
  and n.nspname not in ('pg_catalog', 'information_schema')
  and n.nspname !~ '^pg_(toast|temp_)'`;

const KINDS: Record<string, RelationKind> = {
  r: 'table',
  p: 'partitioned table',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
};

interface RelationRow extends Record<string, unknown> {
  rel: string;
  schema: string;
  name: string;
  kind: string;
  comment: string | null;
}

interface ColumnRow extends Record<string, unknown> {
  rel: string;
  name: string;
  type: string;
  base_type: string;
  category: string;
  nullable: boolean;
  default: string | null;
  comment: string | null;
  enum_labels: string[] | null;
}

interface ConstraintRow extends Record<string, unknown> {
  rel: string;
  name: string;
  type: 'p' | 'u' | 'f' | 'c';
  columns: string[] | null;
  ref_table: string | null;
  ref_columns: string[] | null;
  definition: string;
}

interface IndexRow extends Record<string, unknown> {
  rel: string;
  name: string;
  unique: boolean;
  primary: boolean;
  columns: Array<string | null>;
  definition: string;
}

export async function readCatalog(session: ReadOnlySession): Promise<Catalog> {
  const [meta] = await session.query<{ database: string; user: string; version: string }>(
    "select current_database() as database, current_user as user, current_setting('server_version') as version",
  );

  const relations = await session.query<RelationRow>(`
    select c.oid::text as rel, n.nspname::text as schema, c.relname::text as name, c.relkind::text as kind,
           obj_description(c.oid, 'pg_class') as comment
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where ${RELATION_FILTER}
    order by n.nspname, c.relname`);

  const columns = await session.query<ColumnRow>(`
    select a.attrelid::text as rel, a.attname::text as name,
           format_type(a.atttypid, a.atttypmod) as type,
           coalesce(bt.typname, t.typname)::text as base_type,
           coalesce(bt.typcategory, t.typcategory)::text as category,
           not a.attnotnull as nullable,
           pg_get_expr(d.adbin, d.adrelid) as default,
           col_description(a.attrelid, a.attnum) as comment,
           case when coalesce(bt.typtype, t.typtype) = 'e' then
             array(select e.enumlabel::text from pg_enum e
                   where e.enumtypid = coalesce(bt.oid, t.oid) order by e.enumsortorder)
           end as enum_labels
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_type t on t.oid = a.atttypid
    left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attnum > 0 and not a.attisdropped and ${RELATION_FILTER}
    order by a.attrelid, a.attnum`);

  // Column names are resolved in SQL so a foreign key into another schema still reads well.
  const constraints = await session.query<ConstraintRow>(`
    select con.conrelid::text as rel, con.conname::text as name, con.contype::text as type,
           array(select a.attname::text from unnest(con.conkey) with ordinality k(num, ord)
                 join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num order by k.ord) as columns,
           case when con.contype = 'f' then rn.nspname || '.' || rc.relname end as ref_table,
           array(select a.attname::text from unnest(con.confkey) with ordinality k(num, ord)
                 join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.num order by k.ord) as ref_columns,
           pg_get_constraintdef(con.oid) as definition
    from pg_constraint con
    join pg_class c on c.oid = con.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_class rc on rc.oid = con.confrelid
    left join pg_namespace rn on rn.oid = rc.relnamespace
    where con.contype in ('p', 'u', 'f', 'c') and ${RELATION_FILTER}
    order by con.conrelid, con.conname`);

  const indexes = await session.query<IndexRow>(`
    select i.indrelid::text as rel, ic.relname::text as name, i.indisunique as unique, i.indisprimary as primary,
           array(select case when k.num = 0 then null else a.attname::text end
                 from unnest(i.indkey::int2[]) with ordinality k(num, ord)
                 left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.num
                 where k.ord <= i.indnkeyatts order by k.ord) as columns,
           pg_get_indexdef(i.indexrelid) as definition
    from pg_index i
    join pg_class ic on ic.oid = i.indexrelid
    join pg_class c on c.oid = i.indrelid
    join pg_namespace n on n.oid = c.relnamespace
    where ${RELATION_FILTER}
    order by i.indrelid, ic.relname`);

  const byOid = new Map<string, CatalogTable>();
  for (const row of relations) {
    byOid.set(row.rel, {
      schema: row.schema,
      name: row.name,
      qualified: `${row.schema}.${row.name}`,
      kind: KINDS[row.kind] ?? 'table',
      comment: row.comment,
      columns: [],
      primaryKey: [],
      uniques: [],
      foreignKeys: [],
      checks: [],
      indexes: [],
    });
  }
  for (const row of columns) {
    byOid.get(row.rel)?.columns.push({
      name: row.name,
      type: row.type,
      category: row.category,
      baseType: row.base_type,
      nullable: row.nullable,
      default: row.default,
      comment: row.comment,
      enumLabels: row.enum_labels ?? [],
    });
  }
  for (const row of constraints) {
    const table = byOid.get(row.rel);
    if (!table) continue;
    const cols = row.columns ?? [];
    if (row.type === 'p') table.primaryKey = cols;
    else if (row.type === 'u') table.uniques.push(cols);
    else if (row.type === 'c') table.checks.push({ name: row.name, definition: row.definition, columns: cols });
    else if (row.ref_table) {
      table.foreignKeys.push({ name: row.name, columns: cols, references: row.ref_table, referencedColumns: row.ref_columns ?? [] });
    }
  }
  for (const row of indexes) {
    byOid.get(row.rel)?.indexes.push({
      name: row.name,
      columns: row.columns,
      unique: row.unique,
      primary: row.primary,
      definition: row.definition,
    });
  }

  const tables = [...byOid.values()].sort((a, b) => compareText(a.qualified, b.qualified));
  return {
    database: meta?.database ?? '',
    user: meta?.user ?? '',
    serverVersion: meta?.version ?? '',
    schemas: [...new Set(tables.map((t) => t.schema))].sort(compareText),
    tables,
  };
}

/** Code-point order, independent of the machine's locale, so reports sort the same everywhere. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
