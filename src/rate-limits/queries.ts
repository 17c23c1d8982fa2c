// SQL for portal_rate_limits: one counter per key with an expiry (epoch ms), shared by every
// app instance through the database. The upsert is one atomic statement.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

const TABLE = 'portal_rate_limits';

export interface Counter {
  points: number;
  expire: number;
}

/** Adds one point; a counter whose window has passed restarts at 1 with a new window. */
export async function incrementCounter(db: Db, key: string, windowMs: number, now: number): Promise<Counter> {
  const result = await db.raw(
    `insert into ${TABLE} (key, points, expire) values (?, 1, ?)
     on conflict (key) do update set
       points = case when ${TABLE}.expire <= ? then 1 else ${TABLE}.points + 1 end,
       expire = case when ${TABLE}.expire <= ? then excluded.expire else ${TABLE}.expire end
     returning points, expire`,
    [key, now + windowMs, now, now],
  );
  return result.rows[0] as Counter;
}

export async function extendCounter(db: Db, key: string, expire: number): Promise<void> {
  await db(TABLE).where({ key }).update({ expire });
}

export async function readCounter(db: Db, key: string, now: number): Promise<Counter | null> {
  const row = await db(TABLE).where({ key }).andWhere('expire', '>', now).first('points', 'expire');
  return (row as Counter | undefined) ?? null;
}

export async function deleteCounter(db: Db, key: string): Promise<void> {
  await db(TABLE).where({ key }).delete();
}

export async function deleteExpiredCounters(db: Db, now: number): Promise<number> {
  return db(TABLE).where('expire', '<=', now).delete();
}
