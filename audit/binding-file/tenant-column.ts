// The column a binding file's draft scopes its sections by where the schema's tenant column has no
// tenant-like name (a team_id, an account_id): the one column that the client companies' table and
// every other table the draft maps carry, each pointing at the same table, by a foreign key or, where
// none is declared, by its name and type (the model's implied links). A column pointing at a person
// on every record (created_by_id, assigned_user_id) says who acted on the record, not whose it is,
// and one pointing at a dictionary (currency_id) what it is in: neither names a tenant.
import type { SchemaModel, TableProfile } from '../recognition/schema-model.ts';
import { STAFF_TABLE_WORDS } from '../recognition/schema-model.ts';

export interface SharedTenant {
  column: string;
  /** The table every row's column points at: the workspaces. */
  table: TableProfile;
  /** The tables that carry it (the clients' first). */
  carriers: TableProfile[];
}

/**
 * Every column each of `tables` carries toward one table, the clients' table first in `tables`.
 * Fewer than two tables say nothing: one table's links are its own.
 */
export function sharedTenantColumns(model: SchemaModel, tables: TableProfile[], people: ReadonlySet<string>): SharedTenant[] {
  const carriers = [...new Set(tables)];
  const [clients, ...others] = carriers;
  if (!clients || others.length === 0) return [];
  const mapped = new Set(carriers.map((p) => p.qualified));
  const found: SharedTenant[] = [];
  for (const link of clients.outgoing) {
    const [column, more] = link.columns;
    const target = model.byName.get(link.to);
    if (!column || more !== undefined || !target || mapped.has(target.qualified) || !tenantShaped(target, people)) continue;
    if (found.some((f) => f.column === column)) continue;
    const pointsThere = (profile: TableProfile) =>
      profile.outgoing.some((l) => l.to === target.qualified && l.columns.length === 1 && l.columns[0] === column);
    if (others.every(pointsThere)) found.push({ column, table: target, carriers });
  }
  return found;
}

/** A table that may hold tenants: neither a dictionary of values nor a table of people. */
function tenantShaped(profile: TableProfile, people: ReadonlySet<string>): boolean {
  return !profile.lookupShaped && !people.has(profile.qualified) && !profile.tokens.some((t) => STAFF_TABLE_WORDS.has(t));
}
