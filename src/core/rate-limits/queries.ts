// SQL for portal_rate_limits: one counter per key with an expiry (epoch ms), shared by every
// app instance through the database. The upsert is one atomic statement.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

const TABLE = 'portal_rate_limits';
const GUARDS = 'portal_request_guards';

export interface Counter {
  points: number;
  expire: number;
}

/** Adds one point; a counter whose window has passed restarts at 1 with a new window. */
export async function incrementCounter(db: Db, key: string, windowMs: number, now: number, table = TABLE): Promise<Counter> {
  const result = await db.raw(
    `insert into ${table} (key, points, expire) values (?, 1, ?)
     on conflict (key) do update set
       points = case when ${table}.expire <= ? then 1 else ${table}.points + 1 end,
       expire = case when ${table}.expire <= ? then excluded.expire else ${table}.expire end
     returning points, expire`,
    [key, now + windowMs, now, now],
  );
  return result.rows[0] as Counter;
}

export async function extendCounter(db: Db, key: string, expire: number, table = TABLE): Promise<void> {
  await db(table).where({ key }).update({ expire });
}

export async function readCounter(db: Db, key: string, now: number, table = TABLE): Promise<Counter | null> {
  const row = await db(table).where({ key }).andWhere('expire', '>', now).first('points', 'expire');
  return (row as Counter | undefined) ?? null;
}

export async function deleteCounter(db: Db, key: string, table = TABLE): Promise<void> {
  await db(table).where({ key }).delete();
}

export async function deleteExpiredCounters(db: Db, now: number, table = TABLE): Promise<number> {
  return db(table).where('expire', '<=', now).delete();
}

/**
 * Claims a request key for `windowMs`: true for the first request, false for a repeat while the
 * key is held. One atomic upsert, so of two identical requests at once exactly one is first.
 */
export async function claimGuard(db: Db, key: string, windowMs: number, now: number): Promise<boolean> {
  const result = await db.raw(
    `insert into ${GUARDS} (key, outcome, expire) values (?, null, ?)
     on conflict (key) do update set outcome = null, expire = excluded.expire
       where ${GUARDS}.expire <= ?
     returning key`,
    [key, now + windowMs, now],
  );
  return result.rows.length === 1;
}

export async function recordGuardOutcome(db: Db, key: string, outcome: string): Promise<void> {
  await db(GUARDS).where({ key }).update({ outcome });
}

export async function readGuardOutcome(db: Db, key: string): Promise<string | null> {
  const row = (await db(GUARDS).where({ key }).first('outcome')) as { outcome: string | null } | undefined;
  return row?.outcome ?? null;
}

export async function deleteGuard(db: Db, key: string): Promise<void> {
  await db(GUARDS).where({ key }).delete();
}

export async function deleteExpiredGuards(db: Db, now: number): Promise<number> {
  return db(GUARDS).where('expire', '<=', now).delete();
}
