// SQL for client_two_factor, client_recovery_codes and client_confirmation_codes. Every query takes
// the workspace id and the client user id.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export interface TwoFactorRow {
  client_user_id: string;
  secret_ciphertext: string;
  enabled_at: Date | null;
  last_used_step: string | number | null;
}

export async function findTwoFactor(db: Db, workspaceId: string, clientUserId: string): Promise<TwoFactorRow | null> {
  const row = await db('client_two_factor')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .first('client_user_id', 'secret_ciphertext', 'enabled_at', 'last_used_step');
  return (row as TwoFactorRow | undefined) ?? null;
}

export async function isTwoFactorEnabled(db: Db, workspaceId: string, clientUserId: string): Promise<boolean> {
  const row = await db('client_two_factor')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .whereNotNull('enabled_at')
    .first('client_user_id');
  return Boolean(row);
}

/**
 * Switches two-factor on with the secret the client's app was set up with (kept in the session that
 * started the set-up until now, see TwoFactorService.setup). True only for the request that switched
 * it on: an enabled authenticator is never replaced here. A row left by a set-up begun before the
 * secret was kept per session (enabled_at null) is overwritten.
 */
export async function enableTwoFactor(
  db: Db,
  workspaceId: string,
  clientUserId: string,
  secretCiphertext: string,
  step: number,
): Promise<boolean> {
  // The values themselves: the caller is the signed-in person, read with their session. (Not an
  // insert of a select of their row: a form Citus sends to one shard only sometimes,
  // test/support/shard-routing.ts.)
  const result = await db.raw(
    `insert into client_two_factor (client_user_id, workspace_id, secret_ciphertext, enabled_at, last_used_step)
     values (?, ?, ?, now(), ?)
     on conflict (workspace_id, client_user_id) do update
       set secret_ciphertext = excluded.secret_ciphertext, enabled_at = excluded.enabled_at, last_used_step = excluded.last_used_step, created_at = excluded.created_at
       where client_two_factor.enabled_at is null`,
    [clientUserId, workspaceId, secretCiphertext, step],
  );
  return Number((result as { rowCount?: number }).rowCount ?? 0) > 0;
}

/**
 * Records that a code for `step` was used, atomically: of two requests with the same code only one
 * moves the step forward, and a code of the same or an earlier step is refused afterwards.
 */
export async function claimTotpStep(db: Db, workspaceId: string, clientUserId: string, step: number): Promise<boolean> {
  const updated = await db('client_two_factor')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .whereNotNull('enabled_at')
    .where((q) => q.whereNull('last_used_step').orWhere('last_used_step', '<', step))
    .update({ last_used_step: step });
  return updated > 0;
}

/** Replaces the sealed secret with the same secret sealed under the current key; only if it is still the one read. */
export async function resealTwoFactorSecret(
  db: Db,
  workspaceId: string,
  clientUserId: string,
  previousCiphertext: string,
  secretCiphertext: string,
): Promise<boolean> {
  const updated = await db('client_two_factor')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId, secret_ciphertext: previousCiphertext })
    .update({ secret_ciphertext: secretCiphertext });
  return updated > 0;
}

export async function deleteTwoFactor(db: Db, workspaceId: string, clientUserId: string): Promise<number> {
  await db('client_recovery_codes').where({ workspace_id: workspaceId, client_user_id: clientUserId }).delete();
  return db('client_two_factor').where({ workspace_id: workspaceId, client_user_id: clientUserId }).delete();
}

export async function replaceRecoveryCodes(db: Db, workspaceId: string, clientUserId: string, codeHashes: string[]): Promise<void> {
  await db('client_recovery_codes').where({ workspace_id: workspaceId, client_user_id: clientUserId }).delete();
  await db('client_recovery_codes').insert(
    codeHashes.map((code_hash) => ({ workspace_id: workspaceId, client_user_id: clientUserId, code_hash })),
  );
}

/** Uses a recovery code once: true only for the request that marked it used. */
export async function useRecoveryCode(db: Db, workspaceId: string, clientUserId: string, codeHash: string): Promise<boolean> {
  const updated = await db('client_recovery_codes')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId, code_hash: codeHash })
    .whereNull('used_at')
    .update({ used_at: db.fn.now() });
  return updated > 0;
}

export async function countUnusedRecoveryCodes(db: Db, workspaceId: string, clientUserId: string): Promise<number> {
  const [row] = await db('client_recovery_codes')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .whereNull('used_at')
    .count<{ n: string }[]>({ n: '*' });
  return Number(row?.n ?? 0);
}

export type ConfirmationPurpose = 'step-up' | 'email-change';

export interface ConfirmationCodeRow {
  id: string;
  code_hash: string;
  new_email: string | null;
  attempts: number;
}

/** A new code voids the client's earlier ones for the same purpose. */
export async function insertConfirmationCode(
  db: Db,
  row: {
    workspaceId: string;
    clientUserId: string;
    purpose: ConfirmationPurpose;
    newEmail: string | null;
    codeHash: string;
    expiresAt: Date;
  },
): Promise<void> {
  await db('client_confirmation_codes')
    .where({ workspace_id: row.workspaceId, client_user_id: row.clientUserId, purpose: row.purpose })
    .whereNull('used_at')
    .update({ used_at: db.fn.now() });
  await db('client_confirmation_codes').insert({
    workspace_id: row.workspaceId,
    client_user_id: row.clientUserId,
    purpose: row.purpose,
    new_email: row.newEmail,
    code_hash: row.codeHash,
    expires_at: row.expiresAt,
  });
}

/**
 * Counts one try at the client's newest live code for `purpose` *before* it is compared, and
 * returns the code only when this try is within `maxAttempts` — one atomic UPDATE, as for sign-in
 * codes (claimLoginCodeTry): of any number of guesses at once, only the first `maxAttempts` get a
 * hash to compare. `attempts` counts tries, the right one included.
 */
export async function claimConfirmationTry(
  db: Db,
  workspaceId: string,
  clientUserId: string,
  purpose: ConfirmationPurpose,
  now: Date,
  maxAttempts: number,
): Promise<ConfirmationCodeRow | null> {
  const newest = db('client_confirmation_codes')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId, purpose })
    .whereNull('used_at')
    .where('expires_at', '>', now)
    .orderBy('id', 'desc')
    .limit(1)
    .select('id');
  const [row] = await db('client_confirmation_codes')
    .where({ workspace_id: workspaceId })
    .whereIn('id', newest)
    .whereNull('used_at')
    .where('attempts', '<', maxAttempts)
    .update({ attempts: db.raw('attempts + 1') })
    .returning(['id', 'code_hash', 'new_email', 'attempts']);
  return (row as ConfirmationCodeRow | undefined) ?? null;
}

/** The address the client's newest live email-change code confirms, or null when none is pending. */
export async function findPendingEmailChange(db: Db, workspaceId: string, clientUserId: string, now: Date): Promise<string | null> {
  const row = await db('client_confirmation_codes')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId, purpose: 'email-change' })
    .whereNull('used_at')
    .where('expires_at', '>', now)
    .orderBy('id', 'desc')
    .first('new_email');
  return (row as { new_email: string | null } | undefined)?.new_email ?? null;
}

/** A wrong code at its last try is burnt at once. */
export async function burnConfirmationCode(db: Db, workspaceId: string, id: string): Promise<void> {
  await db('client_confirmation_codes').where({ workspace_id: workspaceId, id }).whereNull('used_at').update({ used_at: db.fn.now() });
}

export async function consumeConfirmationCode(db: Db, workspaceId: string, id: string): Promise<boolean> {
  return (
    (await db('client_confirmation_codes').where({ workspace_id: workspaceId, id }).whereNull('used_at').update({ used_at: db.fn.now() })) >
    0
  );
}

export async function voidConfirmationCodes(db: Db, workspaceId: string, clientUserId: string): Promise<void> {
  await db('client_confirmation_codes')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .whereNull('used_at')
    .update({ used_at: db.fn.now() });
}

/** The client users of a workspace with two-factor switched on (for the admin's client list). */
export async function listTwoFactorUserIds(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db('client_two_factor').where({ workspace_id: workspaceId }).whereNotNull('enabled_at').select('client_user_id');
  return rows.map((row: { client_user_id: string }) => row.client_user_id);
}

/** When the person switched two-factor on (null: never, or set up but not confirmed), for their export. */
export async function twoFactorEnabledAt(db: Db, workspaceId: string, clientUserId: string): Promise<Date | null> {
  const row = await db('client_two_factor')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .first<{ enabled_at: Date | null } | undefined>('enabled_at');
  return row?.enabled_at ?? null;
}

/** Removes, in an erasure's transaction, the person's confirmation and recovery codes and two-factor secret; resolves with how many rows. */
export async function deletePersonTwoFactor(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<number> {
  const own = { workspace_id: workspaceId, client_user_id: clientUserId };
  return (
    (await trx('client_confirmation_codes').where(own).delete()) +
    (await trx('client_recovery_codes').where(own).delete()) +
    (await trx('client_two_factor').where(own).delete())
  );
}
