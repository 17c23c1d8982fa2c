// Whether the portal's migrations have run on this database and none is running now: the portal's
// background work (the mail outbox, its jobs) starts with the instance, which migrates after (or
// leaves that to another process), and reads its tables only once this answers true. Reading a
// table not made yet would be an error in the database's log, on every poll until migrate is done:
// on Citus, where distributing the tables takes longer than a poll interval, in the coordinator's.
import type { Knex } from 'knex';

/** The portal's migrations' record and knex's lock of it (src/migrations/index.ts). */
const MIGRATIONS = 'portal_knex_migrations';
const MIGRATION_LOCK = `${MIGRATIONS}_lock`;

/**
 * True once migrations have run and none is under way: the lock is free and a migration is
 * recorded. Not the lock alone: knex makes it, free, just before it takes it for the first run.
 * Asked without reading a table that is not there.
 */
export async function portalMigrated(db: Knex): Promise<boolean> {
  const exists = await db.raw('select to_regclass(?) is not null as found', [MIGRATION_LOCK]);
  if (!(exists.rows as Array<{ found: boolean }>)[0]!.found) return false;
  const state = await db.raw(
    `select coalesce((select is_locked = 0 from ${MIGRATION_LOCK} limit 1), false) and exists (select from ${MIGRATIONS}) as done`,
  );
  return (state.rows as Array<{ done: boolean }>)[0]!.done;
}
