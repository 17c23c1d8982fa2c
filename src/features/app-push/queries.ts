// SQL of the installed portal's push messages: the workspace's VAPID keys and each person's
// subscriptions. Every statement names its workspace.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export interface PushKeyRow {
  public_key: string;
  private_key_sealed: string;
}

export interface SubscriptionRow {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export function findPushKeys(db: Db, workspaceId: string): Promise<PushKeyRow | undefined> {
  return db('portal_push_keys').where({ workspace_id: workspaceId }).first('public_key', 'private_key_sealed');
}

/** Keeps the pair unless another instance kept one first; resolves with the pair in force. */
export async function keepPushKeys(db: Db, workspaceId: string, keys: PushKeyRow): Promise<PushKeyRow> {
  await db('portal_push_keys')
    .insert({ workspace_id: workspaceId, ...keys })
    .onConflict('workspace_id')
    .ignore();
  return (await findPushKeys(db, workspaceId)) ?? keys;
}

/**
 * Puts a new pair in place of one no secret in force opens, and removes the workspace's devices,
 * which subscribed with the old public key and can no longer be sent to.
 */
export async function replacePushKeys(trx: Knex.Transaction, workspaceId: string, keys: PushKeyRow): Promise<void> {
  await trx('portal_push_keys').where({ workspace_id: workspaceId }).update(keys);
  await trx('portal_push_subscriptions').where({ workspace_id: workspaceId }).delete();
}

/** Seals the private key again under the current secret (it opened under a previous one). */
export async function resealPushKey(db: Db, workspaceId: string, sealed: string): Promise<void> {
  await db('portal_push_keys').where({ workspace_id: workspaceId }).update({ private_key_sealed: sealed });
}

export interface NewSubscription {
  workspaceId: string;
  clientUserId: string;
  endpointHash: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  deviceLabel: string | null;
  sessionHash: string;
}

/** Who holds a push address in the workspace now, locked until the caller's transaction ends. */
export function findSubscriptionByEndpoint(
  trx: Knex.Transaction,
  workspaceId: string,
  endpointHash: string,
): Promise<{ id: string; client_user_id: string; p256dh: string; auth: string } | undefined> {
  return trx('portal_push_subscriptions')
    .where({ workspace_id: workspaceId, endpoint_hash: endpointHash })
    .forUpdate()
    .first('id', 'client_user_id', 'p256dh', 'auth');
}

/** A device's row; false (nothing written) when the address was taken meanwhile. */
export async function insertSubscription(trx: Knex.Transaction, row: NewSubscription): Promise<boolean> {
  const inserted = await trx('portal_push_subscriptions')
    .insert({
      workspace_id: row.workspaceId,
      client_user_id: row.clientUserId,
      endpoint_hash: row.endpointHash,
      endpoint: row.endpoint,
      p256dh: row.p256dh,
      auth: row.auth,
      device_label: row.deviceLabel,
      session_hash: row.sessionHash,
    })
    .onConflict(['workspace_id', 'endpoint_hash'])
    .ignore()
    .returning('id');
  return inserted.length === 1;
}

/** The same person's device again: its keys, label and session as the browser sends them now. */
export async function refreshSubscription(trx: Knex.Transaction, row: NewSubscription): Promise<void> {
  await trx('portal_push_subscriptions')
    .where({ workspace_id: row.workspaceId, client_user_id: row.clientUserId, endpoint_hash: row.endpointHash })
    .update({ p256dh: row.p256dh, auth: row.auth, device_label: row.deviceLabel, session_hash: row.sessionHash });
}

/** Keeps the person's `keep` newest devices and removes the rest; resolves with how many went. */
export function keepNewestSubscriptions(db: Db, workspaceId: string, clientUserId: string, keep: number): Promise<number> {
  const newest = db('portal_push_subscriptions')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('id', 'desc')
    .limit(keep)
    .select('id');
  return db('portal_push_subscriptions')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .whereNotIn('id', newest)
    .delete();
}

/** Removes the person's subscription of one device; resolves with how many rows went (0 or 1). */
export function deleteSubscription(db: Db, workspaceId: string, clientUserId: string, endpointHash: string): Promise<number> {
  return db('portal_push_subscriptions')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId, endpoint_hash: endpointHash })
    .delete();
}

/**
 * Removes one device row by its id, whoever it belonged to: what the push service said no longer
 * exists (404/410), or the previous person's row of a browser another person now uses.
 */
export function deleteSubscriptionById(db: Db, workspaceId: string, id: string): Promise<number> {
  return db('portal_push_subscriptions').where({ workspace_id: workspaceId, id }).delete();
}

/** Removes the subscriptions made in a session that ended by signing out. */
export function deleteSessionSubscriptions(db: Db, workspaceId: string, clientUserId: string, sessionHash: string): Promise<number> {
  return db('portal_push_subscriptions')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId, session_hash: sessionHash })
    .delete();
}

export function personSubscriptions(db: Db, workspaceId: string, clientUserId: string): Promise<SubscriptionRow[]> {
  return db('portal_push_subscriptions')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('id')
    .select('id', 'endpoint', 'p256dh', 'auth');
}

/** How many devices the person turned push on in: the agency's review of an erasure shows it. */
export function countPersonSubscriptions(db: Knex, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('portal_push_subscriptions').where({ workspace_id: workspaceId, client_user_id: clientUserId }).select(db.raw('count(*)::int'));
}

export function markDelivered(db: Db, workspaceId: string, id: string, at: Date): Promise<number> {
  return db('portal_push_subscriptions').where({ workspace_id: workspaceId, id }).update({ last_success_at: at });
}

/** The person's devices as the export shows them: no endpoint or keys (capabilities, not data about them). */
export function exportSubscriptions(
  db: Db,
  workspaceId: string,
  clientUserId: string,
): Promise<Array<{ device_label: string | null; created_at: Date; last_success_at: Date | null }>> {
  return db('portal_push_subscriptions')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy('id')
    .select('device_label', 'created_at', 'last_success_at');
}

export function deletePersonSubscriptions(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<number> {
  return trx('portal_push_subscriptions').where({ workspace_id: workspaceId, client_user_id: clientUserId }).delete();
}
