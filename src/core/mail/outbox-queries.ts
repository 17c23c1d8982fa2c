// SQL for portal_mail_outbox. Claiming is one statement: the rows are picked with
// FOR UPDATE SKIP LOCKED and leased in the same UPDATE, so two workers (in one instance or two)
// never hold the same message, and a worker that dies leaves a lease that simply runs out.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

const TABLE = 'portal_mail_outbox';

export interface ClaimedMessage {
  id: number;
  recipient: string;
  payload: string;
  attempts: number;
}

/**
 * Queues a message when `deliver` is true. When false the same statement runs and inserts
 * nothing: callers whose response time must not reveal whether mail went out do the same work.
 */
export async function insertOutboxMessage(
  db: Db,
  row: { recipient: string; payload: string; now: number; deliver: boolean },
): Promise<void> {
  await db.raw(`insert into ${TABLE} (recipient, payload, next_attempt_at) select ?, ?, ? where ?`, [
    row.recipient,
    row.payload,
    row.now,
    row.deliver,
  ]);
}

/** Leases up to `limit` due messages until `leaseUntil`, counting the attempt. */
export async function claimDueMessages(db: Db, now: number, leaseUntil: number, limit: number): Promise<ClaimedMessage[]> {
  const result = await db.raw(
    `update ${TABLE} set locked_until = ?, attempts = attempts + 1
     where id in (
       select id from ${TABLE}
       where sent_at is null and gave_up_at is null and next_attempt_at <= ? and (locked_until is null or locked_until <= ?)
       order by id
       limit ?
       for update skip locked
     )
     returning id, recipient, payload, attempts`,
    [leaseUntil, now, now, limit],
  );
  return (result.rows as ClaimedMessage[]).sort((a, b) => a.id - b.id);
}

/** Delivered: the content (codes, links) is dropped, the record kept for housekeeping. */
export async function markMessageSent(db: Db, id: number, now: number): Promise<void> {
  await db(TABLE).where({ id }).update({ sent_at: now, locked_until: null, payload: null, last_error: null });
}

/** A failed attempt: tried again at `retryAt`, or given up (content dropped) after the last attempt. */
export async function markMessageFailed(
  db: Db,
  id: number,
  failure: { error: string; retryAt: number; giveUp: boolean; now: number },
): Promise<void> {
  await db(TABLE)
    .where({ id })
    .update({
      locked_until: null,
      last_error: failure.error.slice(0, 2000),
      next_attempt_at: failure.retryAt,
      ...(failure.giveUp ? { gave_up_at: failure.now, payload: null } : {}),
    });
}

export async function deleteFinishedMessages(db: Db, before: number): Promise<number> {
  return db(TABLE)
    .where((q) => q.where('sent_at', '<', before).orWhere('gave_up_at', '<', before))
    .delete();
}

/** Messages still to go out (queued or waiting for a retry): the outbox depth an operator watches. */
export async function countPendingMessages(db: Db): Promise<number> {
  const row = await db(TABLE).whereNull('sent_at').whereNull('gave_up_at').count<{ count: string | number }[]>({ count: '*' }).first();
  return Number(row?.count ?? 0);
}
