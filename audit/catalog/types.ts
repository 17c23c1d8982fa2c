// The host database as the audit sees it: plain data read from pg_catalog in a few batched
// queries. Everything downstream (recognition, answers, rendering) works on these objects only,
// so it can be tested without a database and never issues a query of its own.

export type RelationKind = 'table' | 'partitioned table' | 'view' | 'materialized view' | 'foreign table';

export interface CatalogColumn {
  name: string;
  /** As PostgreSQL prints it: 'character varying(320)', 'numeric(24,8)', 'uuid'. */
  type: string;
  /** pg_type.typcategory of the base type: N numeric, S string, D date/time, B boolean, U user, A array, E enum. */
  category: string;
  /** The base type's name without modifiers: 'varchar', 'int4', 'numeric', 'bytea'. */
  baseType: string;
  nullable: boolean;
  default: string | null;
  comment: string | null;
  /** Labels of a native enum type, in order; empty otherwise. */
  enumLabels: string[];
}

interface CatalogForeignKey {
  name: string;
  columns: string[];
  /** Schema-qualified target table, e.g. 'public.clients'. */
  references: string;
  referencedColumns: string[];
}

interface CatalogCheck {
  name: string;
  /** pg_get_constraintdef output, e.g. "CHECK ((status = ANY (ARRAY['draft'::text, ...])))". */
  definition: string;
  columns: string[];
}

export interface CatalogIndex {
  name: string;
  /** Column names in index order; an expression appears as null. */
  columns: Array<string | null>;
  unique: boolean;
  primary: boolean;
  definition: string;
}

export interface CatalogTable {
  schema: string;
  name: string;
  /** 'schema.name', the form every piece of evidence uses. */
  qualified: string;
  kind: RelationKind;
  comment: string | null;
  columns: CatalogColumn[];
  primaryKey: string[];
  uniques: string[][];
  foreignKeys: CatalogForeignKey[];
  checks: CatalogCheck[];
  indexes: CatalogIndex[];
}

export interface Catalog {
  database: string;
  user: string;
  serverVersion: string;
  schemas: string[];
  /** Sorted by qualified name so every later step is deterministic. */
  tables: CatalogTable[];
}
