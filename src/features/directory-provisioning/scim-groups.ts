// The groups a company's directory pushes (SCIM Groups), and the one rule they serve: a person's
// client role follows the agency's mapping of their groups' names (the highest mapped role wins:
// client admin, full access, billing, member). Once a company has a mapping, a person in no
// mapped group has the company's default role. The role changes through the core's one access
// change (changePersonAccess), so the last client admin of a company stays one: the directory
// cannot take that role away (the agency names another admin first).
import type { Knex } from 'knex';
import {
  AccessChangeRefused,
  announceAccessChanged,
  type BuiltInRole,
  changePersonAccess,
  type ClientPermission,
  type EventBus,
  findClientUserById,
  insertActivity,
} from '../../core/index.ts';
import {
  addMembers,
  companyPeople,
  deleteGroup,
  findGroup,
  groupMembers,
  type GroupRow,
  insertGroup,
  listGroupRoles,
  lockCompanyRoles,
  lockGroup,
  mappedRolesOf,
  membersOfCompanyGroups,
  removeMembers,
  updateGroup,
} from './group-queries.ts';
import { findCompanySettings } from './queries.ts';
import { notFoundScim, ScimError } from './scim-errors.ts';
import type { ScimActor } from './scim-people.ts';
import type { GroupChange } from './scim-commands.ts';

const RANK: Record<BuiltInRole, number> = { admin: 4, full: 3, billing: 2, member: 1 };

export interface GroupWithMembers extends GroupRow {
  members: Array<{ client_user_id: string; email: string }>;
}

export function createScimGroups(deps: { db: Knex; bus: EventBus; onError: (message: string, err: unknown) => void }) {
  const { db, bus } = deps;

  /**
   * Gives each of these people the role their groups map to; the ids whose role changed. `who`
   * is the token (from SCIM) or nothing (the agency changed the mapping, logged by its page).
   */
  async function rolesFollowGroups(
    trx: Knex.Transaction,
    workspaceId: string,
    clientId: string,
    ids: readonly string[],
    actor: ScimActor | null,
  ) {
    // Each person's role is read after the change before this one is committed, so it is changed, and logged, once.
    await lockCompanyRoles(trx, workspaceId, clientId);
    const mappings = await listGroupRoles(trx, workspaceId, clientId);
    if (mappings.length === 0) return [];
    const settings = await findCompanySettings(trx, workspaceId, clientId);
    const changed: string[] = [];
    for (const id of new Set(ids)) {
      const user = await findClientUserById(trx, workspaceId, id);
      if (!user || user.client_id !== clientId) continue;
      const mapped = await mappedRolesOf(trx, workspaceId, clientId, id);
      const role = mapped.length > 0 ? mapped.reduce((a, b) => (RANK[b] > RANK[a] ? b : a)) : (settings?.default_role ?? 'member');
      if (user.role === role) continue;
      try {
        // In a savepoint: a refusal (the last client admin) leaves the rest of the change standing.
        await trx.transaction((inner) =>
          changePersonAccess(
            inner,
            workspaceId,
            user,
            { role, clientRoleId: null, denied: user.denied_permissions as ClientPermission[] },
            null,
          ),
        );
      } catch (err) {
        if (err instanceof AccessChangeRefused) continue;
        throw err;
      }
      changed.push(id);
      await insertActivity(trx, {
        workspaceId,
        event: 'directory.person_updated',
        clientUserId: id,
        clientId,
        email: user.email,
        details: { role: { from: user.role, to: role }, ...(actor ? { tokenId: actor.token.id, tokenPrefix: actor.token.prefix } : {}) },
        ...(actor ? actor.meta : {}),
      });
    }
    return changed;
  }

  const announce = (workspaceId: string, ids: string[]) => announceAccessChanged(bus, { workspaceId, clientUserIds: ids }, deps.onError);

  async function withMembers(workspaceId: string, group: GroupRow): Promise<GroupWithMembers> {
    const members = await groupMembers(db, workspaceId, [group.id]);
    return { ...group, members };
  }

  /** Applies a change to a group in the caller's transaction; the people whose membership changed. */
  async function applyChange(trx: Knex.Transaction, actor: ScimActor, group: GroupRow, change: GroupChange): Promise<string[]> {
    const { workspace_id: workspaceId, client_id: clientId } = actor.token;
    if (change.displayName !== undefined || change.externalId !== undefined) {
      await updateGroup(trx, workspaceId, group.id, {
        displayName: change.displayName ?? group.display_name,
        externalId: change.externalId === undefined ? group.external_id : change.externalId,
      }).catch((err: unknown) => {
        throw (err as { code?: string }).code === '23505'
          ? new ScimError(409, 'A group with this displayName already exists.', 'uniqueness')
          : err;
      });
    }
    const touched: string[] = [];
    // A new name may map to another role: every member's role is looked at again.
    if (change.displayName !== undefined && change.displayName.toLowerCase() !== group.display_name.toLowerCase()) {
      touched.push(...(await groupMembers(trx, workspaceId, [group.id])).map((m) => m.client_user_id));
    }
    if (change.replace) {
      const before = (await groupMembers(trx, workspaceId, [group.id])).map((m) => m.client_user_id);
      await removeMembers(trx, workspaceId, group.id, 'all');
      const people = await companyPeople(trx, workspaceId, clientId, change.replace);
      await addMembers(trx, workspaceId, group.id, people);
      touched.push(...before, ...people);
    }
    if (change.remove) {
      const before =
        change.remove === 'all' ? (await groupMembers(trx, workspaceId, [group.id])).map((m) => m.client_user_id) : change.remove;
      await removeMembers(trx, workspaceId, group.id, change.remove);
      touched.push(...before);
    }
    if (change.add) {
      const people = await companyPeople(trx, workspaceId, clientId, change.add);
      await addMembers(trx, workspaceId, group.id, people);
      touched.push(...people);
    }
    return touched;
  }

  return {
    rolesFollowGroups,

    async find(actor: ScimActor, id: string): Promise<GroupWithMembers> {
      const group = await findGroup(db, actor.token.workspace_id, actor.token.client_id, id);
      if (!group) throw notFoundScim();
      return withMembers(actor.token.workspace_id, group);
    },

    withMembers: (workspaceId: string, groups: GroupRow[]) =>
      groupMembers(
        db,
        workspaceId,
        groups.map((g) => g.id),
      ).then((members) => groups.map((group) => ({ ...group, members: members.filter((m) => m.group_id === group.id) }))),

    async create(
      actor: ScimActor,
      input: { displayName: string; externalId: string | null; members: string[] },
    ): Promise<GroupWithMembers> {
      const { workspace_id: workspaceId, client_id: clientId } = actor.token;
      let changed: string[] = [];
      const group = await db.transaction(async (trx) => {
        const row = await insertGroup(trx, workspaceId, clientId, input);
        if (!row) throw new ScimError(409, 'A group with this displayName already exists.', 'uniqueness');
        const touched = await applyChange(trx, actor, row, { add: input.members });
        changed = await rolesFollowGroups(trx, workspaceId, clientId, touched, actor);
        return row;
      });
      await announce(workspaceId, changed);
      return withMembers(workspaceId, group);
    },

    async change(actor: ScimActor, id: string, change: (group: GroupRow) => GroupChange): Promise<GroupWithMembers> {
      const { workspace_id: workspaceId, client_id: clientId } = actor.token;
      let changed: string[] = [];
      const group = await db.transaction(async (trx) => {
        const row = await lockGroup(trx, workspaceId, clientId, id);
        if (!row) throw notFoundScim();
        const touched = await applyChange(trx, actor, row, change(row));
        changed = await rolesFollowGroups(trx, workspaceId, clientId, touched, actor);
        return (await findGroup(trx, workspaceId, clientId, id))!;
      });
      await announce(workspaceId, changed);
      return withMembers(workspaceId, group);
    },

    async remove(actor: ScimActor, id: string): Promise<void> {
      const { workspace_id: workspaceId, client_id: clientId } = actor.token;
      let changed: string[] = [];
      await db.transaction(async (trx) => {
        const row = await lockGroup(trx, workspaceId, clientId, id);
        if (!row) throw notFoundScim();
        const members = (await groupMembers(trx, workspaceId, [row.id])).map((m) => m.client_user_id);
        await deleteGroup(trx, workspaceId, row.id);
        changed = await rolesFollowGroups(trx, workspaceId, clientId, members, actor);
      });
      await announce(workspaceId, changed);
    },

    /** After the agency changed the mapping: every member of the company's groups gets the role it now says. */
    async mappingChanged(workspaceId: string, clientId: string): Promise<void> {
      const changed = await db.transaction(async (trx) =>
        rolesFollowGroups(trx, workspaceId, clientId, await membersOfCompanyGroups(trx, workspaceId, clientId), null),
      );
      await announce(workspaceId, changed);
    },
  };
}

export type ScimGroups = ReturnType<typeof createScimGroups>;
