// Separates the host's tables from the portal's own. The portal's tables must never count as
// something the host has (client_users has a password column; that is not host client login), so
// they are set aside: tables listed in the portal's registry (portal_owned_tables) are the portal's;
// any other table under a reserved name (client_*, portal_*, the plugin's table names) is ignored
// too but reported apart, because the portal did not create it and its migration would skip it.
import type { CatalogTable } from './catalog/types.ts';
import { PLUGIN_BOOKKEEPING_TABLES, PLUGIN_TABLES, RESERVED_PREFIXES } from './plugin-plan.ts';

export interface TablePartition {
  host: CatalogTable[];
  /** Tables the portal installed: recorded in its registry (or its bookkeeping next to the registry). */
  installedByPortal: Array<{ table: string; recorded: boolean }>;
  /** client_* / portal_* (and the plugin's own table names) not recorded by the portal: reserved, ignored. */
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
    else if (registry && PLUGIN_BOOKKEEPING_TABLES.includes(name)) partition.installedByPortal.push({ table: table.qualified, recorded: false });
    // Without a registry entry the portal did not create it: a host table under a reserved name.
    else if (KNOWN_NAMES.has(name) || RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix))) partition.reservedPrefix.push(table.qualified);
    else partition.host.push(table);
  }
  return partition;
}

/** The registry's schema-qualified location, if the portal has been installed. */
export function findRegistryTable(tables: CatalogTable[]): CatalogTable | undefined {
  return tables.find((t) => t.name === 'portal_owned_tables' && t.columns.some((c) => c.name === 'table_name'));
}
