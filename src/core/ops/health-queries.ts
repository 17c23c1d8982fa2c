// The one query the readiness check runs.
import type { Knex } from 'knex';

export async function pingDatabase(db: Knex): Promise<void> {
  await db.raw('select 1');
}
