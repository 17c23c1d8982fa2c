// Separates the host's tables from the portal's own. The portal's tables must never count as
// something the host has (client_users has a password column; that is not host client login), so
// the tables listed in the portal's registry (portal_owned_tables) and its migration bookkeeping are
// set aside. Only those: a host may well name its own tables client_* or portal_* (Alga PSA's
// portal_invitations, client_portal_visibility_groups), and those are the host's. A host table that
// takes the very name of a table the portal creates is reported apart as well, since the portal's
// migration would collide with it.
import type { CatalogTable } from './catalog/types.ts';
import { PLUGIN_BOOKKEEPING_TABLES, PLUGIN_TABLES } from './plugin-plan.ts';

export interface TablePartition {
  host: CatalogTable[];
  /** Tables the portal installed: recorded in its registry (or its bookkeeping next to the registry). */
  installedByPortal: Array<{ table: string; recorded: boolean }>;
  /** Host tables (not recorded by the portal) under the name of a table the portal creates: counted as the host's, and a collision to resolve. */
  reservedPrefix: string[];
  /** Migration bookkeeping (*knex_migrations*), the host's and the portal's. */
  bookkeeping: string[];
}

const KNOWN_NAMES = new Set([...PLUGIN_TABLES.map((t) => t.name), ...PLUGIN_BOOKKEEPING_TABLES]);

export function partitionTables(tables: CatalogTable[], registry: ReadonlySet<string> | null): TablePartition {
  const partition: TablePartition = { host: [], installedByPortal: [], reservedPrefix: [], bookkeeping: [] };
  for (const table of tables) {
    const name = table.name.toLowerCase();
    if (name.includes('knex_migrations')) partition.bookkeeping.push(table.qualified);
    else if (registry?.has(name)) partition.installedByPortal.push({ table: table.qualified, recorded: true });
    else if (registry && PLUGIN_BOOKKEEPING_TABLES.includes(name))
      partition.installedByPortal.push({ table: table.qualified, recorded: false });
    else {
      // Not recorded by the portal: the host's, whatever its name (client_portal_visibility_groups,
      // portal_invitations). One that takes the name of a table the portal creates is listed too,
      // because the portal's migration would collide with it.
      if (KNOWN_NAMES.has(name)) partition.reservedPrefix.push(table.qualified);
      partition.host.push(table);
    }
  }
  return partition;
}

/** The registry's schema-qualified location, if the portal has been installed. */
export function findRegistryTable(tables: CatalogTable[]): CatalogTable | undefined {
  return tables.find((t) => t.name === 'portal_owned_tables' && t.columns.some((c) => c.name === 'table_name'));
}
