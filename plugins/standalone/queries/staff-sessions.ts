// The standalone server's staff session table, in the layout connect-pg-simple reads and writes
// (its own table.sql). Created by `migrate` beside the portal's tables rather than by the store at
// run time, so `serve` needs no right to create tables.
import type { Knex } from 'knex';

export const STAFF_SESSION_TABLE = 'portal_staff_sessions';

export async function createStaffSessionTable(db: Knex): Promise<void> {
  if (await db.schema.hasTable(STAFF_SESSION_TABLE)) return;
  await db.schema.createTable(STAFF_SESSION_TABLE, (table) => {
    table.string('sid').primary();
    table.json('sess').notNullable();
    table.timestamp('expire', { precision: 6, useTz: false }).notNullable().index(`${STAFF_SESSION_TABLE}_expire_idx`);
  });
}

/** What the live ones of the given staff sessions hold (the fields staff-session.ts stores), by session id, in one query. */
export async function findStaffSessions(db: Knex, sids: readonly string[], now: Date): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  if (sids.length === 0) return found;
  const rows = await db(STAFF_SESSION_TABLE)
    .whereIn('sid', sids)
    .andWhere('expire', '>', now)
    .select<Array<{ sid: string; sess: unknown }>>('sid', 'sess');
  for (const row of rows) {
    const sess = typeof row.sess === 'string' ? (JSON.parse(row.sess) as unknown) : row.sess;
    if (sess !== null && typeof sess === 'object') found.set(row.sid, sess as Record<string, unknown>);
  }
  return found;
}

export async function dropStaffSessionTable(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists(STAFF_SESSION_TABLE);
}

export async function staffSessionTableExists(db: Knex): Promise<boolean> {
  return db.schema.hasTable(STAFF_SESSION_TABLE);
}
