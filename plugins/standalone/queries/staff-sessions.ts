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

/** What a live staff session holds (the fields staff-session.ts stores); null once it ended or expired. */
export async function findStaffSession(db: Knex, sid: string, now: Date): Promise<Record<string, unknown> | null> {
  const row = await db(STAFF_SESSION_TABLE).where('sid', sid).andWhere('expire', '>', now).first<{ sess: unknown } | undefined>('sess');
  const sess = typeof row?.sess === 'string' ? (JSON.parse(row.sess) as unknown) : row?.sess;
  return sess !== null && typeof sess === 'object' ? (sess as Record<string, unknown>) : null;
}

export async function dropStaffSessionTable(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists(STAFF_SESSION_TABLE);
}

export async function staffSessionTableExists(db: Knex): Promise<boolean> {
  return db.schema.hasTable(STAFF_SESSION_TABLE);
}
