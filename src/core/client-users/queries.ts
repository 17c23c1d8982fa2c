// SQL for client_users: the portal's sign-in identities, each linked to one host contact in one
// workspace. Every query takes the workspace id.
import type { Knex } from 'knex';
import {
  BUILT_IN_ROLE_KEYS,
  BUILT_IN_ROLES,
  type BuiltInRole,
  type ClientAccess,
  type ClientPermission,
  type ClientRoleKey,
  type CustomRole,
} from '../policies/client-access.ts';
import type { ClientUserStatus } from '../policies/client-user-policy.ts';

type Db = Knex | Knex.Transaction;

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
  /** Built-in role, or 'custom' with client_role_id naming the workspace's role. */
  role: ClientRoleKey;
  client_role_id: string | null;
  /** What the agency hides from this person (client permissions). */
  denied_permissions: string[];
}

/** A client user with what their company's and their role's rows say: everything their access resolves from. */
export interface ClientUserWithAccessRow extends ClientUserRow {
  client_denied_permissions: string[] | null;
  custom_role: CustomRole | null;
  /**
   * The person's unread notifications per record type (of the newest 100 at most), read with them
   * for the navigation's count, which counts only the types their settings let them see.
   */
  unread_notifications: Record<string, number> | null;
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
  'role',
  'client_role_id',
  'denied_permissions',
];
/** The columns of a ClientUserRow, for the read of a session with its client user (sessions/queries.ts). */
export const CLIENT_USER_COLUMNS: readonly string[] = COLUMNS;

/**
 * The two values beside a client user's row that its access needs, as subselects on the user's
 * alias: what the agency hides from the company, and the custom role. `workspace` is the SQL of
 * the workspace id (a parameter): a subselect that names its workspace by value, not through the
 * outer row, is one Citus routes to the user's node rather than to every shard.
 */
export const accessColumns = (
  alias: string,
  workspace: string,
): Record<'client_denied_permissions' | 'custom_role' | 'unread_notifications', string> => ({
  client_denied_permissions: `(select a.denied_permissions from portal_client_access a where a.workspace_id = ${workspace} and a.client_id = ${alias}.client_id)`,
  custom_role: `(select json_build_object('id', r.id, 'name', r.name, 'permissions', r.permissions) from client_roles r where r.workspace_id = ${workspace} and r.id = ${alias}.client_role_id)`,
  // Counted up to 100 (the badge shows "99+" past 99): an index range, however many there are; per
  // record type, as the list shows only the types the person may see now.
  unread_notifications: `(select json_object_agg(t.subject_type, t.count) from (select unread.subject_type, count(*)::int as count from (select n.subject_type from portal_client_notifications n where n.workspace_id = ${workspace} and n.client_user_id = ${alias}.id and n.read_at is null limit 100) unread group by unread.subject_type) t)`,
});

/** The access a client user's row (with its company's and role's values) stands for. */
export function accessOf(row: ClientUserWithAccessRow): ClientAccess {
  return {
    role: row.role,
    customRole: row.custom_role,
    clientDenied: row.client_denied_permissions ?? [],
    personDenied: row.denied_permissions ?? [],
  };
}

/**
 * SQL true when the client user `alias` is allowed `permission` by every layer above the
 * workspace: their company's, their role's (built-in ones from the policy's table) and their own.
 * For the mail that goes to people without a request (reminders, digests); the workspace switch is
 * the caller's to check. test/security-core/client-access.test.ts holds it to resolveAccess.
 */
export function personMay(db: Db, alias: string, workspaceId: string, permission: ClientPermission): Knex.Raw {
  const granting = BUILT_IN_ROLE_KEYS.filter((role) => BUILT_IN_ROLES[role].permissions.includes(permission));
  // The subselects name the workspace by value (see accessColumns).
  return db.raw(
    `(${alias}.role = any(?::text[])
       or (${alias}.role = 'custom' and exists (select 1 from client_roles r where r.workspace_id = ? and r.id = ${alias}.client_role_id and ? = any(r.permissions))))
      and not (? = any(${alias}.denied_permissions))
      and not exists (select 1 from portal_client_access a where a.workspace_id = ? and a.client_id = ${alias}.client_id and ? = any(a.denied_permissions))`,
    [granting, workspaceId, permission, permission, workspaceId, permission],
  );
}

/** A client user by id with what their access resolves from: the signed-in person, in one statement. */
export async function findClientUserWithAccess(db: Db, workspaceId: string, id: string): Promise<ClientUserWithAccessRow | null> {
  const extra = accessColumns('u', '?');
  const row = await db('client_users as u')
    .where({ 'u.workspace_id': workspaceId, 'u.id': id })
    .first([
      ...COLUMNS.map((column) => `u.${column}`),
      db.raw(`${extra.client_denied_permissions} as client_denied_permissions`, [workspaceId]),
      db.raw(`${extra.custom_role} as custom_role`, [workspaceId]),
      db.raw(`${extra.unread_notifications} as unread_notifications`, [workspaceId]),
    ]);
  return (row as ClientUserWithAccessRow | undefined) ?? null;
}

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

export async function listClientUsers(db: Db, workspaceId: string, filter: { clientId?: string } = {}): Promise<ClientUserRow[]> {
  const query = db('client_users').where({ workspace_id: workspaceId });
  if (filter.clientId !== undefined) query.andWhere({ client_id: filter.clientId });
  return query.orderBy('email').select(COLUMNS);
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
  user: {
    workspaceId: string;
    clientId: string;
    contactId: string;
    email: string;
    status: ClientUserStatus;
    passwordHash?: string | null;
    /** A built-in role; without it the column's default. */
    role?: BuiltInRole;
  },
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
      ...(user.role ? { role: user.role } : {}),
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

/**
 * Voids every outstanding reset and invitation link of a client user, and any unused sign-in
 * code: after a password change, an accepted invitation or a disable/enable, nothing sent before
 * may still open the account. The links' count.
 */
export async function voidClientUserLinks(db: Db, workspaceId: string, clientUserId: string): Promise<number> {
  const owned = { workspace_id: workspaceId, client_user_id: clientUserId };
  const links = await db('client_user_tokens').where(owned).whereNull('used_at').update({ used_at: db.fn.now() });
  await db('client_login_codes').where(owned).whereNull('consumed_at').update({ consumed_at: db.fn.now() });
  return links;
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

/** Removes the client user row, last of an erasure (what still references it cascades). */
export function deleteClientUser(trx: Knex.Transaction, workspaceId: string, id: string): Promise<number> {
  return trx('client_users').where({ workspace_id: workspaceId, id }).delete();
}
