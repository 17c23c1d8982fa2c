// knex CLI configuration for the portal's own migrations, for hosts that run migrations with the
// knex CLI (`node --import tsx node_modules/knex/bin/cli.js --knexfile knexfile.ts migrate:latest`).
// It runs them as for a host that keeps no portal concepts itself; a host whose adapter claims
// comments or client logins should call `portal.migrate()`, which knows the adapter's claims.
import type { Knex } from 'knex';
import { listMigrationSource } from './src/core/db/migration-source.ts';
import { PORTAL_MIGRATIONS_TABLE } from './migrations/index.ts';
import * as foundation from './migrations/20261122000001_client_portal_foundation.ts';
import { clientComments } from './migrations/20261122000002_client_comments.ts';

const config: Knex.Config = {
  client: 'pg',
  connection: process.env.DATABASE_URL,
  migrations: {
    tableName: PORTAL_MIGRATIONS_TABLE,
    migrationSource: listMigrationSource({
      '20261122000001_client_portal_foundation': foundation,
      '20261122000002_client_comments': clientComments({ hostProvides: new Set() }),
    }),
  },
};

export default config;
