// SQL for what the agency decides about client access: a person's role and what is hidden from
// them (client_users), what is hidden from a whole company (portal_client_access), and the
// workspace's own roles (client_roles). Every query takes the workspace id.
import type { Knex } from 'knex';
import type { BuiltInRole, ClientPermission, CustomRole } from '../policies/client-access.ts';

type Db = Knex | Knex.Transaction;

/** A person's role: a built-in one, or the workspace's role with this id. */
export type RoleChoice = { role: BuiltInRole; clientRoleId: null } | { role: 'custom'; clientRoleId: string };

export async function setPersonAccess(
  db: Db,
  workspaceId: string,
  clientUserId: string,
  access: RoleChoice & { denied: readonly ClientPermission[] },
): Promise<void> {
  await db('client_users')
    .where({ workspace_id: workspaceId, id: clientUserId })
    .update({ role: access.role, client_role_id: access.clientRoleId, denied_permissions: [...access.denied], updated_at: db.fn.now() });
}

/** What is hidden from every person of a company; none when the agency never chose. */
export async function findClientDenied(db: Db, workspaceId: string, clientId: string): Promise<ClientPermission[]> {
  const row = await db('portal_client_access').where({ workspace_id: workspaceId, client_id: clientId }).first('denied_permissions');
  return (row?.denied_permissions as ClientPermission[] | undefined) ?? [];
}

export async function saveClientDenied(
  db: Db,
  workspaceId: string,
  clientId: string,
  denied: readonly ClientPermission[],
  staffId: string,
): Promise<void> {
  await db('portal_client_access')
    .insert({
      workspace_id: workspaceId,
      client_id: clientId,
      denied_permissions: [...denied],
      updated_by: staffId,
      updated_at: db.fn.now(),
    })
    .onConflict(['workspace_id', 'client_id'])
    .merge(['denied_permissions', 'updated_by', 'updated_at']);
}

/** The ids of a company's client users, for telling their live streams that access changed. */
export async function clientUserIdsOf(db: Db, workspaceId: string, clientId: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await db('client_users').where({ workspace_id: workspaceId, client_id: clientId }).select('id');
  return rows.map((row) => row.id);
}

export async function listRoles(db: Db, workspaceId: string): Promise<CustomRole[]> {
  return db('client_roles').where({ workspace_id: workspaceId }).orderBy('name').select<CustomRole[]>(['id', 'name', 'permissions']);
}

export async function findRole(db: Db, workspaceId: string, id: string): Promise<CustomRole | null> {
  const row = await db('client_roles').where({ workspace_id: workspaceId, id }).first(['id', 'name', 'permissions']);
  return (row as CustomRole | undefined) ?? null;
}

/** The role, locked until the transaction ends: no one is given it while it is being removed. */
export async function lockRole(db: Knex.Transaction, workspaceId: string, id: string): Promise<CustomRole | null> {
  const row = await db('client_roles').where({ workspace_id: workspaceId, id }).forUpdate().first(['id', 'name', 'permissions']);
  return (row as CustomRole | undefined) ?? null;
}

/** Another role of the workspace with this name (names are unique per workspace, case aside). */
export async function roleNamed(db: Db, workspaceId: string, name: string, exceptId: string | null): Promise<boolean> {
  const query = db('client_roles').where({ workspace_id: workspaceId }).whereRaw('lower(name) = lower(?)', [name]);
  if (exceptId) query.whereNot('id', exceptId);
  return Boolean(await query.first('id'));
}

export async function insertRole(db: Db, workspaceId: string, role: CustomRole): Promise<void> {
  await db('client_roles').insert({ workspace_id: workspaceId, id: role.id, name: role.name, permissions: [...role.permissions] });
}

export async function updateRole(db: Db, workspaceId: string, role: CustomRole): Promise<void> {
  await db('client_roles')
    .where({ workspace_id: workspaceId, id: role.id })
    .update({ name: role.name, permissions: [...role.permissions], updated_at: db.fn.now() });
}

export async function deleteRole(db: Db, workspaceId: string, id: string): Promise<void> {
  await db('client_roles').where({ workspace_id: workspaceId, id }).delete();
}

/** How many client users hold each of the workspace's roles. */
export async function roleHolderCounts(db: Db, workspaceId: string): Promise<Map<string, number>> {
  const rows: Array<{ client_role_id: string; holders: number }> = await db('client_users')
    .where({ workspace_id: workspaceId })
    .whereNotNull('client_role_id')
    .groupBy('client_role_id')
    .select('client_role_id', db.raw('count(*)::int as holders'));
  return new Map(rows.map((row) => [row.client_role_id, row.holders]));
}

/** The ids of the client users holding a role. */
export async function holdersOf(db: Db, workspaceId: string, roleId: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await db('client_users').where({ workspace_id: workspaceId, client_role_id: roleId }).select('id');
  return rows.map((row) => row.id);
}

/**
 * The company's client admins who are not disabled, locked until the transaction ends: two client
 * admins demoting each other at once cannot both pass the last-admin rule.
 */
export async function lockCompanyAdmins(db: Knex.Transaction, workspaceId: string, clientId: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await db('client_users')
    .where({ workspace_id: workspaceId, client_id: clientId, role: 'admin' })
    .whereNot('status', 'disabled')
    .orderBy('id')
    .forUpdate()
    .select('id');
  return rows.map((row) => row.id);
}
