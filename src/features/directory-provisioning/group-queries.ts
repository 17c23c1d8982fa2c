// SQL of the directory's groups: the groups a company's directory pushed, their members, and the
// agency's mapping of a group's name to a client role. Every statement names its workspace, and
// every read of groups its client company too.
import type { Knex } from 'knex';
import type { BuiltInRole } from '../../core/index.ts';

type Db = Knex | Knex.Transaction;

export interface GroupRow {
  id: string;
  client_id: string;
  display_name: string;
  external_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const GROUP_COLUMNS = ['id', 'client_id', 'display_name', 'external_id', 'created_at', 'updated_at'];

export async function findGroup(db: Db, workspaceId: string, clientId: string, id: string): Promise<GroupRow | null> {
  const row = await db('portal_scim_groups').where({ workspace_id: workspaceId, client_id: clientId, id }).first(GROUP_COLUMNS);
  return (row as GroupRow | undefined) ?? null;
}

/**
 * The company's group, locked until the transaction ends: the same change of one group sent at
 * once is made in turn, each reading what the one before left (a deleted group is not found).
 */
export async function lockGroup(trx: Knex.Transaction, workspaceId: string, clientId: string, id: string): Promise<GroupRow | null> {
  const row = await trx('portal_scim_groups')
    .where({ workspace_id: workspaceId, client_id: clientId, id })
    .forUpdate()
    .first(GROUP_COLUMNS);
  return (row as GroupRow | undefined) ?? null;
}

export async function listGroups(
  db: Db,
  workspaceId: string,
  clientId: string,
  filter: { displayName?: string; externalId?: string },
  page: { offset: number; limit: number },
): Promise<{ rows: GroupRow[]; total: number }> {
  const matching = () => {
    const q = db('portal_scim_groups').where({ workspace_id: workspaceId, client_id: clientId });
    if (filter.displayName !== undefined) q.whereRaw('lower(display_name) = lower(?)', [filter.displayName]);
    if (filter.externalId !== undefined) q.where('external_id', filter.externalId);
    return q;
  };
  const [rows, [count]] = await Promise.all([
    page.limit > 0 ? matching().orderBy(['created_at', 'id']).offset(page.offset).limit(page.limit).select(GROUP_COLUMNS) : [],
    matching().count<{ count: string }[]>({ count: '*' }),
  ]);
  return { rows: rows as GroupRow[], total: Number(count?.count ?? 0) };
}

/** The new group, or null when the company already has a group of that name. */
export async function insertGroup(
  db: Db,
  workspaceId: string,
  clientId: string,
  group: { displayName: string; externalId: string | null },
): Promise<GroupRow | null> {
  const [row] = await db('portal_scim_groups')
    .insert({ workspace_id: workspaceId, client_id: clientId, display_name: group.displayName, external_id: group.externalId })
    .onConflict(db.raw('(workspace_id, client_id, lower(display_name))'))
    .ignore()
    .returning(GROUP_COLUMNS);
  return (row as GroupRow | undefined) ?? null;
}

export async function updateGroup(db: Db, workspaceId: string, id: string, group: { displayName: string; externalId: string | null }) {
  await db('portal_scim_groups')
    .where({ workspace_id: workspaceId, id })
    .update({ display_name: group.displayName, external_id: group.externalId, updated_at: db.fn.now() });
}

export async function deleteGroup(db: Db, workspaceId: string, id: string): Promise<void> {
  await db('portal_scim_groups').where({ workspace_id: workspaceId, id }).delete();
}

export async function groupMembers(
  db: Db,
  workspaceId: string,
  groupIds: readonly string[],
): Promise<Array<{ group_id: string; client_user_id: string; email: string }>> {
  if (groupIds.length === 0) return [];
  return db('portal_scim_group_members as m')
    .join('client_users as u', function () {
      this.on('u.workspace_id', 'm.workspace_id').andOn('u.id', 'm.client_user_id');
    })
    .where('m.workspace_id', workspaceId)
    .where('u.workspace_id', workspaceId)
    .whereIn('m.group_id', [...groupIds])
    .orderBy('u.email')
    .select('m.group_id', 'm.client_user_id', 'u.email');
}

/** Of these ids, the client users of the company (a member must be one). */
export async function companyPeople(db: Db, workspaceId: string, clientId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db('client_users')
    .where({ workspace_id: workspaceId, client_id: clientId })
    .whereIn('id', [...ids])
    .select('id');
  return rows.map((row: { id: string }) => row.id);
}

export async function addMembers(db: Db, workspaceId: string, groupId: string, clientUserIds: readonly string[]): Promise<void> {
  if (clientUserIds.length === 0) return;
  await db('portal_scim_group_members')
    .insert(clientUserIds.map((id) => ({ workspace_id: workspaceId, group_id: groupId, client_user_id: id })))
    .onConflict(['workspace_id', 'group_id', 'client_user_id'])
    .ignore();
}

export async function removeMembers(db: Db, workspaceId: string, groupId: string, clientUserIds: readonly string[] | 'all'): Promise<void> {
  const q = db('portal_scim_group_members').where({ workspace_id: workspaceId, group_id: groupId });
  if (clientUserIds !== 'all') q.whereIn('client_user_id', [...clientUserIds]);
  await q.delete();
}

/**
 * Serialises, per company, giving its people the roles their groups map to, until the transaction
 * ends: two at once (the agency's mapping saved from two tabs, a directory's group changes) would
 * each read a role the other is changing, and change and log it twice.
 */
export async function lockCompanyRoles(trx: Knex.Transaction, workspaceId: string, clientId: string): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?), hashtext(?))', [workspaceId, `scim-roles:${clientId}`]);
}

/** The roles the person's groups are mapped to, by the agency's mapping of their company. */
export async function mappedRolesOf(db: Db, workspaceId: string, clientId: string, clientUserId: string): Promise<BuiltInRole[]> {
  const rows = await db('portal_scim_group_members as m')
    .join('portal_scim_groups as g', function () {
      this.on('g.workspace_id', 'm.workspace_id').andOn('g.id', 'm.group_id');
    })
    .join('portal_scim_group_roles as r', function () {
      this.on('r.workspace_id', 'g.workspace_id')
        .andOn('r.client_id', 'g.client_id')
        .andOn('r.group_name', db.raw('lower(g.display_name)'));
    })
    .where({
      'm.workspace_id': workspaceId,
      'g.workspace_id': workspaceId,
      'r.workspace_id': workspaceId,
      'g.client_id': clientId,
      'm.client_user_id': clientUserId,
    })
    .select('r.role');
  return rows.map((row: { role: BuiltInRole }) => row.role);
}

export async function listGroupRoles(
  db: Db,
  workspaceId: string,
  clientId: string,
): Promise<Array<{ group_name: string; role: BuiltInRole }>> {
  return db('portal_scim_group_roles')
    .where({ workspace_id: workspaceId, client_id: clientId })
    .orderBy('group_name')
    .select('group_name', 'role');
}

export async function saveGroupRole(db: Db, workspaceId: string, clientId: string, groupName: string, role: BuiltInRole): Promise<void> {
  await db('portal_scim_group_roles')
    .insert({ workspace_id: workspaceId, client_id: clientId, group_name: groupName.toLowerCase(), role })
    .onConflict(['workspace_id', 'client_id', 'group_name'])
    .merge({ role });
}

export async function deleteGroupRole(db: Db, workspaceId: string, clientId: string, groupName: string): Promise<boolean> {
  return (
    (await db('portal_scim_group_roles')
      .where({ workspace_id: workspaceId, client_id: clientId, group_name: groupName.toLowerCase() })
      .delete()) > 0
  );
}

/** The company's people in any of its groups (their role follows the mapping). */
export async function membersOfCompanyGroups(db: Db, workspaceId: string, clientId: string): Promise<string[]> {
  const rows = await db('portal_scim_group_members as m')
    .join('portal_scim_groups as g', function () {
      this.on('g.workspace_id', 'm.workspace_id').andOn('g.id', 'm.group_id');
    })
    .where({ 'm.workspace_id': workspaceId, 'g.workspace_id': workspaceId, 'g.client_id': clientId })
    .distinct('m.client_user_id');
  return rows.map((row: { client_user_id: string }) => row.client_user_id);
}

/** The names of the directory groups a person is in, for their data export. */
export async function personGroups(db: Db, workspaceId: string, clientUserId: string): Promise<string[]> {
  const rows = await db('portal_scim_group_members as m')
    .join('portal_scim_groups as g', function () {
      this.on('g.workspace_id', 'm.workspace_id').andOn('g.id', 'm.group_id');
    })
    .where({ 'm.workspace_id': workspaceId, 'g.workspace_id': workspaceId, 'm.client_user_id': clientUserId })
    .orderBy('g.display_name')
    .select('g.display_name');
  return rows.map((row: { display_name: string }) => row.display_name);
}

export async function deletePersonMemberships(db: Db, workspaceId: string, clientUserId: string): Promise<number> {
  return db('portal_scim_group_members').where({ workspace_id: workspaceId, client_user_id: clientUserId }).delete();
}

export function countPersonMemberships(db: Db, workspaceId: string, clientUserId: string): Knex.QueryBuilder {
  return db('portal_scim_group_members').where({ workspace_id: workspaceId, client_user_id: clientUserId }).select(db.raw('count(*)::int'));
}
