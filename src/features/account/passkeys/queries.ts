// SQL for client_passkeys. Every query names the workspace; those acting for a person name them too.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export interface PasskeyRow {
  id: string;
  client_user_id: string;
  credential_id: string;
  public_key: string;
  sign_count: string | number;
  transports: string;
  device_type: string;
  backed_up: boolean;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}

const COLUMNS = [
  'id',
  'client_user_id',
  'credential_id',
  'public_key',
  'sign_count',
  'transports',
  'device_type',
  'backed_up',
  'name',
  'created_at',
  'last_used_at',
];

/** A person's passkeys, newest first. */
export async function listPasskeys(db: Db, workspaceId: string, clientUserId: string): Promise<PasskeyRow[]> {
  return db('client_passkeys')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .select(COLUMNS);
}

export async function countPasskeys(db: Db, workspaceId: string, clientUserId: string): Promise<number> {
  const [row] = await db('client_passkeys')
    .where({ workspace_id: workspaceId, client_user_id: clientUserId })
    .count<{ n: string }[]>({ n: '*' });
  return Number(row?.n ?? 0);
}

/** The passkey a sign-in names by its credential id, within this workspace only. */
export async function findPasskeyByCredential(db: Db, workspaceId: string, credentialId: string): Promise<PasskeyRow | null> {
  const row = await db('client_passkeys').where({ workspace_id: workspaceId, credential_id: credentialId }).first(COLUMNS);
  return (row as PasskeyRow | undefined) ?? null;
}

export interface NewPasskey {
  workspaceId: string;
  clientUserId: string;
  credentialId: string;
  publicKey: string;
  signCount: number;
  transports: string;
  deviceType: string;
  backedUp: boolean;
  name: string;
}

/** Stores a new passkey; false when this workspace already has the credential (the same ceremony posted twice). */
export async function insertPasskey(db: Db, passkey: NewPasskey): Promise<boolean> {
  const result = await db.raw(
    `insert into client_passkeys (workspace_id, client_user_id, credential_id, public_key, sign_count, transports, device_type, backed_up, name)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (workspace_id, credential_id) do nothing`,
    [
      passkey.workspaceId,
      passkey.clientUserId,
      passkey.credentialId,
      passkey.publicKey,
      passkey.signCount,
      passkey.transports,
      passkey.deviceType,
      passkey.backedUp,
      passkey.name,
    ],
  );
  return Number((result as { rowCount?: number }).rowCount ?? 0) > 0;
}

/**
 * Records a use, atomically: only if the counter is still the one the signature was checked
 * against, so of two sign-ins with one assertion (or two copies of one authenticator) only one
 * moves it. An authenticator that keeps no counter (always 0) passes with 0.
 */
export async function recordPasskeyUse(
  db: Db,
  workspaceId: string,
  id: string,
  previousCount: number,
  newCount: number,
  backedUp: boolean,
): Promise<boolean> {
  const updated = await db('client_passkeys')
    .where({ workspace_id: workspaceId, id, sign_count: previousCount })
    .update({ sign_count: newCount, backed_up: backedUp, last_used_at: db.fn.now() });
  return updated > 0;
}

export async function deletePasskey(db: Db, workspaceId: string, clientUserId: string, id: string): Promise<boolean> {
  return (await db('client_passkeys').where({ workspace_id: workspaceId, client_user_id: clientUserId, id }).delete()) > 0;
}

export async function findPasskey(db: Db, workspaceId: string, clientUserId: string, id: string): Promise<PasskeyRow | null> {
  const row = await db('client_passkeys').where({ workspace_id: workspaceId, client_user_id: clientUserId, id }).first(COLUMNS);
  return (row as PasskeyRow | undefined) ?? null;
}

/** Removes, in an erasure's transaction, every passkey of the person. */
export async function deletePersonPasskeys(trx: Knex.Transaction, workspaceId: string, clientUserId: string): Promise<number> {
  return trx('client_passkeys').where({ workspace_id: workspaceId, client_user_id: clientUserId }).delete();
}
