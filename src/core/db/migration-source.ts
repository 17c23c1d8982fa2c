// A knex migration source built from an explicit list of modules, so migrations load the same way
// under tsx, in tests and in a bundled host, without scanning folders.
import type { Knex } from 'knex';

export interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

export function listMigrationSource(migrations: Record<string, MigrationModule>): Knex.MigrationSource<string> {
  return {
    getMigrations: async () => Object.keys(migrations).sort(),
    getMigrationName: (name) => name,
    getMigration: async (name) => {
      const migration = migrations[name];
      if (!migration) throw new Error(`Unknown migration ${name}`);
      return migration;
    },
  };
}
