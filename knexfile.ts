// knex CLI configuration for the portal's own migrations, for hosts that run migrations with the
// knex CLI (`node --import tsx node_modules/knex/bin/cli.js --knexfile knexfile.ts migrate:latest`).
// It runs all of them, core's and the features' (src/migrations/index.ts), as for a host that keeps no
// portal concepts itself; a host whose adapter claims comments or client logins should call
// `portal.migrate()`, which knows the adapter's claims.
import type { Knex } from 'knex';
import { PORTAL_MIGRATIONS_TABLE, portalMigrationSource } from './src/migrations/index.ts';

const config: Knex.Config = {
  client: 'pg',
  connection: process.env.DATABASE_URL,
  migrations: {
    tableName: PORTAL_MIGRATIONS_TABLE,
    migrationSource: portalMigrationSource({ hostProvides: new Set() }),
  },
};

export default config;
