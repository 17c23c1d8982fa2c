// Catalog tables written by hand, as the audit's catalog reader would return them, for the tests
// that judge the audit's evidence without a database: an `id` key first, then the columns given,
// and declared keys to other tables' `id`.
import type { CatalogColumn, CatalogTable } from '../../audit/catalog/types.ts';

export const column = (name: string, type: string, category: string, baseType: string): CatalogColumn => ({
  name,
  type,
  category,
  baseType,
  nullable: name !== 'id',
  default: null,
  comment: null,
  enumLabels: [],
});
export const int = (name: string) => column(name, 'integer', 'N', 'int4');
export const text = (name: string) => column(name, 'character varying(255)', 'S', 'varchar');
export const money = (name: string) => column(name, 'numeric(12,2)', 'N', 'numeric');
export const date = (name: string) => column(name, 'date', 'D', 'date');
export const stamp = (name: string) => column(name, 'timestamp with time zone', 'D', 'timestamptz');

/** A table with an `id` key, the columns given and a declared key per [column, table] pair. */
export function table(name: string, columns: CatalogColumn[], keys: Array<[string, string]> = []): CatalogTable {
  return {
    schema: 'public',
    name,
    qualified: `public.${name}`,
    kind: 'table',
    comment: null,
    columns: [int('id'), ...columns],
    primaryKey: ['id'],
    uniques: [],
    foreignKeys: keys.map(([col, to]) => ({
      name: `${name}_${col}_fkey`,
      columns: [col],
      references: `public.${to}`,
      referencedColumns: ['id'],
    })),
    checks: [],
    indexes: [],
  };
}
