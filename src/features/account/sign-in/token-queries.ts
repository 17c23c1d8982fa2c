// SQL for one-time codes (client_login_codes) and link tokens (client_user_tokens). Consuming is a
// single conditional UPDATE, so a code or link works once even when two requests race.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export interface LoginCodeRow {
  id: string;
  client_user_id: string;
  code_hash: string;
  failed_attempts: number;
  expires_at: Date;
}

/**
 * Issues a code. With no client user (an unknown email) the same statements run and change
 * nothing, so the request takes as long either way.
 */
export async function insertLoginCode(
  db: Db,
  workspaceId: string,
  clientUserId: string | null,
  codeHash: string,
  expiresAt: Date,
): Promise<void> {
  // A new code replaces any earlier one: only the latest email works.
  await db('client_login_codes')
    .where({ workspace_id: workspaceId })
    .whereRaw('client_user_id = ?', [clientUserId])
    .whereNull('consumed_at')
    .update({ consumed_at: db.fn.now() });
  // The values themselves, none with no client user: the key (workspace_id, client_user_id) holds
  // the code to the workspace's person. (Not an insert of a select of their row: a form Citus sends
  // to one shard only sometimes, test/support/shard-routing.ts.)
  await db.raw(
    `insert into client_login_codes (workspace_id, client_user_id, code_hash, expires_at)
     select ?, ?::uuid, ?, ? where ?::uuid is not null`,
    [workspaceId, clientUserId, codeHash, expiresAt, clientUserId],
  );
}

/**
 * Counts one try at the client's newest live code *before* the code is compared, and returns the
 * code only when this try is within `maxAttempts`: one atomic UPDATE, so of any number of guesses
 * sent at once only the first `maxAttempts` get a hash to compare (reading the code and counting a
 * miss afterwards let every guess in flight be compared). `failed_attempts` thus counts tries,
 * the right one included.
 */
export async function claimLoginCodeTry(
  db: Db,
  workspaceId: string,
  clientUserId: string,
  now: Date,
  maxAttempts: number,
): Promise<LoginCodeRow | null> {
  const newest = db('client_login_codes')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .whereNull('consumed_at')
    .andWhere('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(1)
    .select('id');
  const [row] = await db('client_login_codes')
    .where({ workspace_id: workspaceId })
    .whereIn('id', newest)
    .whereNull('consumed_at')
    .andWhere('failed_attempts', '<', maxAttempts)
    .update({ failed_attempts: db.raw('failed_attempts + 1') })
    .returning(['id', 'client_user_id', 'code_hash', 'failed_attempts', 'expires_at']);
  return (row as LoginCodeRow | undefined) ?? null;
}

/** A wrong code at its last try is burnt at once, so the code no longer shows as live. */
export async function burnLoginCode(db: Db, workspaceId: string, codeId: string): Promise<void> {
  await db('client_login_codes')
    .where({ workspace_id: workspaceId, id: codeId })
    .whereNull('consumed_at')
    .update({ consumed_at: db.fn.now() });
}

export async function consumeLoginCode(db: Db, workspaceId: string, codeId: string): Promise<boolean> {
  const updated = await db('client_login_codes')
    .where({ workspace_id: workspaceId, id: codeId })
    .whereNull('consumed_at')
    .update({ consumed_at: db.fn.now() });
  return updated === 1;
}

export type TokenPurpose = 'reset' | 'invite';

/** Issues a link token; like insertLoginCode, with no client user the same statements change nothing. */
export async function insertUserToken(
  db: Db,
  workspaceId: string,
  clientUserId: string | null,
  purpose: TokenPurpose,
  tokenHash: string,
  expiresAt: Date,
): Promise<void> {
  // Only the newest link of a purpose works.
  await db('client_user_tokens')
    .where({ workspace_id: workspaceId })
    .whereRaw('client_user_id = ?', [clientUserId])
    .andWhere({ purpose })
    .whereNull('used_at')
    .update({ used_at: db.fn.now() });
  // The values themselves, none with no client user, as a sign-in code's (above).
  await db.raw(
    `insert into client_user_tokens (workspace_id, client_user_id, purpose, token_hash, expires_at)
     select ?, ?::uuid, ?, ?, ? where ?::uuid is not null`,
    [workspaceId, clientUserId, purpose, tokenHash, expiresAt, clientUserId],
  );
}

/** The one voiding of a person's links and codes, kept in the core beside disabling them. */
export { voidClientUserLinks as voidUserLinks } from '../../../core/index.ts';

export interface UserTokenRow {
  id: string;
  client_user_id: string;
  purpose: TokenPurpose;
  expires_at: Date;
}

/** A usable token for this workspace: unused, unexpired, and belonging to one of its client users. */
export async function findLiveUserToken(
  db: Db,
  workspaceId: string,
  purpose: TokenPurpose,
  tokenHash: string,
  now: Date,
): Promise<UserTokenRow | null> {
  const row = await db('client_user_tokens as t')
    .where({ 't.workspace_id': workspaceId, 't.token_hash': tokenHash, 't.purpose': purpose })
    .whereNull('t.used_at')
    .andWhere('t.expires_at', '>', now)
    .first('t.id', 't.client_user_id', 't.purpose', 't.expires_at');
  return (row as UserTokenRow | undefined) ?? null;
}

export async function consumeUserToken(db: Db, workspaceId: string, tokenId: string): Promise<boolean> {
  const updated = await db('client_user_tokens')
    .where({ workspace_id: workspaceId, id: tokenId })
    .whereNull('used_at')
    .update({ used_at: db.fn.now() });
  return updated === 1;
}

/** Removes, in an erasure's transaction, the person's sign-in codes and link tokens; resolves with how many. */
export async function deletePersonCodesAndTokens(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<number> {
  const own = { workspace_id: workspaceId, client_user_id: clientUserId };
  return (await trx('client_login_codes').where(own).delete()) + (await trx('client_user_tokens').where(own).delete());
}
