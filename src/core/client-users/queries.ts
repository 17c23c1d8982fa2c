// SQL for client_users: the portal's sign-in identities, each linked to one host contact in one
// workspace. Every query takes the workspace id.
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export type ClientUserStatus = 'invited' | 'active' | 'disabled';

export interface ClientUserRow {
  id: string;
  workspace_id: string;
  client_id: string;
  contact_id: string;
  email: string;
  password_hash: string | null;
  status: ClientUserStatus;
  invited_at: Date | null;
  last_sign_in_at: Date | null;
  password_changed_at: Date | null;
  created_at: Date;
  /** The client's own language and time zone; null follows the workspace and the browser. */
  locale: string | null;
  time_zone: string | null;
}

const COLUMNS = [
  'id',
  'workspace_id',
  'client_id',
  'contact_id',
  'email',
  'password_hash',
  'status',
  'invited_at',
  'last_sign_in_at',
  'password_changed_at',
  'created_at',
  'locale',
  'time_zone',
];
/** The columns of a ClientUserRow, for the read of a session with its client user (sessions/queries.ts). */
export const CLIENT_USER_COLUMNS: readonly string[] = COLUMNS;

export async function findClientUserByEmail(db: Db, workspaceId: string, email: string): Promise<ClientUserRow | null> {
  const row = await db('client_users').where({ workspace_id: workspaceId, email: email.toLowerCase() }).first(COLUMNS);
  return (row as ClientUserRow | undefined) ?? null;
}

export async function findClientUserById(db: Db, workspaceId: string, id: string): Promise<ClientUserRow | null> {
  const row = await db('client_users').where({ workspace_id: workspaceId, id }).first(COLUMNS);
  return (row as ClientUserRow | undefined) ?? null;
}

export async function findClientUserByContact(db: Db, workspaceId: string, contactId: string): Promise<ClientUserRow | null> {
  const row = await db('client_users').where({ workspace_id: workspaceId, contact_id: contactId }).first(COLUMNS);
  return (row as ClientUserRow | undefined) ?? null;
}

export async function listClientUsers(db: Db, workspaceId: string): Promise<ClientUserRow[]> {
  return db('client_users').where({ workspace_id: workspaceId }).orderBy('email').select(COLUMNS);
}

/** The client users behind a page of rows (the activity log), by id: never the whole workspace. */
export async function findClientUsersByIds(db: Db, workspaceId: string, ids: readonly string[]): Promise<ClientUserRow[]> {
  if (ids.length === 0) return [];
  return db('client_users')
    .where({ workspace_id: workspaceId })
    .whereIn('id', [...new Set(ids)])
    .select(COLUMNS);
}

export async function insertClientUser(
  db: Db,
  user: { workspaceId: string; clientId: string; contactId: string; email: string; status: ClientUserStatus; passwordHash?: string | null },
): Promise<ClientUserRow> {
  const [row] = await db('client_users')
    .insert({
      workspace_id: user.workspaceId,
      client_id: user.clientId,
      contact_id: user.contactId,
      email: user.email.toLowerCase(),
      status: user.status,
      password_hash: user.passwordHash ?? null,
      invited_at: user.status === 'invited' ? db.fn.now() : null,
      password_changed_at: user.passwordHash ? db.fn.now() : null,
    })
    .returning(COLUMNS);
  return row as ClientUserRow;
}

export async function updateClientUserEmail(db: Db, workspaceId: string, id: string, email: string): Promise<void> {
  await db('client_users').where({ workspace_id: workspaceId, id }).update({ email: email.toLowerCase(), updated_at: db.fn.now() });
}

export async function markInvited(db: Db, workspaceId: string, id: string): Promise<void> {
  await db('client_users').where({ workspace_id: workspaceId, id }).update({ invited_at: db.fn.now(), updated_at: db.fn.now() });
}

export async function setClientUserStatus(db: Db, workspaceId: string, id: string, status: ClientUserStatus): Promise<void> {
  await db('client_users').where({ workspace_id: workspaceId, id }).update({ status, updated_at: db.fn.now() });
}

/** Setting a password also activates an invited user; a disabled one stays disabled. */
export async function setPassword(db: Db, workspaceId: string, id: string, passwordHash: string): Promise<void> {
  await db('client_users')
    .where({ workspace_id: workspaceId, id })
    .update({
      password_hash: passwordHash,
      password_changed_at: db.fn.now(),
      updated_at: db.fn.now(),
      status: db.raw("case when status = 'disabled' then 'disabled' else 'active' end"),
    });
}

/** An invited user whose password lives in the host becomes active when they accept. */
export async function activate(db: Db, workspaceId: string, id: string): Promise<void> {
  await db('client_users')
    .where({ workspace_id: workspaceId, id })
    .update({ status: db.raw("case when status = 'disabled' then 'disabled' else 'active' end"), updated_at: db.fn.now() });
}

export async function recordSignIn(db: Db, workspaceId: string, id: string): Promise<void> {
  await db('client_users')
    .where({ workspace_id: workspaceId, id })
    .update({
      last_sign_in_at: db.fn.now(),
      status: db.raw("case when status = 'invited' then 'active' else status end"),
    });
}

/** The client's own language and time zone; null follows the workspace and the browser. */
export async function setClientUserPreferences(
  db: Db,
  workspaceId: string,
  id: string,
  preferences: { locale: string | null; timeZone: string | null },
): Promise<void> {
  await db('client_users').where({ workspace_id: workspaceId, id }).update({ locale: preferences.locale, time_zone: preferences.timeZone });
}
