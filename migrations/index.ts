// The portal's migrations, in order. They run with their own migrations table
// (portal_knex_migrations) so they never mix with the host's.
import type { Knex } from 'knex';
import { listMigrationSource } from '../src/db/migration-source.ts';
import * as foundation from './20261122000001_client_portal_foundation.ts';

export const PORTAL_MIGRATIONS_TABLE = 'portal_knex_migrations';

const config = (): Knex.MigratorConfig => ({
  migrationSource: listMigrationSource({
    '20261122000001_client_portal_foundation': foundation,
  }),
  tableName: PORTAL_MIGRATIONS_TABLE,
});

export async function migratePortal(knex: Knex): Promise<void> {
  await knex.migrate.latest(config());
}

export async function rollbackPortal(knex: Knex): Promise<void> {
  await knex.migrate.rollback(config(), true);
}
