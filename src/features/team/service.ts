// A client admin's work on their own company's people: who is there (the company's contacts in the
// CRM, with their portal status, role and last sign-in), inviting a contact, changing a colleague's
// role, disabling a colleague. Every change is checked by the team policy, written in one
// transaction with its activity row (which is also the agency's notification: notifications/rules.ts)
// and announced after the commit (live streams follow a new role; a disabled colleague's end).
import type { Knex } from 'knex';
import {
  AccessChangeRefused,
  accessOf,
  announceAccessChanged,
  announceSessionsEnded,
  changePersonAccess,
  type ClientAccess,
  type ClientPermission,
  type ClientUserRow,
  type CustomRole,
  disablePerson,
  type EventBus,
  findClientUserByContact,
  findClientUserById,
  findClientUserWithAccess,
  findSettings,
  grantableRoles,
  type HostAdapter,
  type HostContact,
  type HostWorkspace,
  insertClientActivity,
  listClientUsers,
  listRoles,
  notFound,
  refusal,
  type RequestMeta,
  type RoleChoice,
  roleFromForm,
  roleName,
  type TeamAction,
  teamRefusal,
  type Translate,
} from '../../core/index.ts';
import type { AuthService } from '../account/index.ts';

/** The signed-in client admin, as the service needs them. */
export interface TeamActor {
  workspace: HostWorkspace;
  user: ClientUserRow;
  /** Their own access: they grant a colleague nothing beyond it. */
  access: ClientAccess;
  name: string;
  meta: RequestMeta;
  t: Translate;
}

export interface TeamMember {
  contact: HostContact;
  user: ClientUserRow | null;
  self: boolean;
}

export interface TeamDeps {
  db: Knex;
  adapter: HostAdapter;
  auth: AuthService;
  bus?: EventBus;
  onError: (message: string, err: unknown) => void;
}

export function createTeam(deps: TeamDeps) {
  const { db, adapter, auth } = deps;

  const refuse = (actor: TeamActor, status: ClientUserRow['status'] | null, self: boolean, action: TeamAction) => {
    const why = teamRefusal(status, self, action);
    if (why) throw refusal(actor.t(`team:refused.${why}`));
  };

  /** The access service's refusal, in the client's words. */
  const worded = (actor: TeamActor) => (err: unknown) => {
    if (err instanceof AccessChangeRefused) throw refusal(actor.t(`team:refused.${err.reason}`));
    throw err;
  };

  /** A colleague of the actor's own company; anyone else is simply not found. */
  async function colleague(actor: TeamActor, id: string): Promise<ClientUserRow> {
    const user = await findClientUserById(db, actor.workspace.id, id);
    if (!user || user.client_id !== actor.user.client_id) throw notFound(actor.t('team:notFound'));
    return user;
  }

  /** The role the form chose: a built-in one, or one of the workspace's roles. */
  function chosenRole(
    actor: TeamActor,
    value: string,
    roles: readonly CustomRole[],
  ): { choice: RoleChoice; customRole: CustomRole | null } {
    const chosen = roleFromForm(value, roles);
    if (!chosen) throw refusal(actor.t('team:refused.roleGone'));
    const { customRole, ...choice } = chosen;
    return { choice, customRole };
  }

  return {
    /** The company's contacts, each with their portal user (if any), and the workspace's roles. */
    async overview(workspaceId: string, clientId: string, selfId: string): Promise<{ members: TeamMember[]; roles: CustomRole[] }> {
      const [contacts, users, roles] = await Promise.all([
        adapter.contacts.list(workspaceId, { clientId }),
        listClientUsers(db, workspaceId, { clientId }),
        listRoles(db, workspaceId),
      ]);
      const byContact = new Map(users.map((user) => [user.contact_id, user]));
      const members = contacts
        .map((contact) => {
          const user = byContact.get(contact.id) ?? null;
          return { contact, user, self: user?.id === selfId };
        })
        .sort((a, b) => a.contact.name.localeCompare(b.contact.name));
      return { members, roles };
    },

    /**
     * Invites a contact of the company with a role the client admin may give (grantableRoles), or
     * sends a pending invitation again, which keeps the role given with it.
     */
    async invite(actor: TeamActor, contactId: string, roleValue: string): Promise<'invited' | 'resent'> {
      const contact = await adapter.contacts.findById(actor.workspace.id, contactId);
      if (!contact || contact.clientId !== actor.user.client_id) throw notFound(actor.t('team:notFound'));
      if (!contact.email.trim()) throw refusal(actor.t('team:refused.noEmail', { name: contact.name }));
      const existing = await findClientUserByContact(db, actor.workspace.id, contact.id);
      refuse(actor, existing?.status ?? null, false, existing ? 'resend_invitation' : 'invite');
      let role: RoleChoice | undefined;
      if (!existing) {
        const [roles, settings] = await Promise.all([listRoles(db, actor.workspace.id), findSettings(db, actor.workspace.id)]);
        role = chosenRole(actor, roleValue, roles).choice;
        if (!grantableRoles(settings, actor.access, roles).includes(roleValue)) throw refusal(actor.t('team:refused.beyondOwnAccess'));
      }
      const invited = await auth
        .invite(actor.workspace, contact.id, { clientUserId: actor.user.id, name: actor.name }, actor.meta, role ? { role } : {})
        .catch(worded(actor));
      if (!invited) throw notFound(actor.t('team:notFound'));
      await db.transaction((trx) =>
        insertClientActivity(trx, actor, 'team.invited', {
          colleagueId: invited.id,
          colleagueEmail: invited.email,
          resent: Boolean(existing),
        }),
      );
      return existing ? 'resent' : 'invited';
    },

    /** Gives a colleague another role; what the agency hid from them stays hidden. */
    async changeRole(actor: TeamActor, colleagueId: string, roleValue: string): Promise<void> {
      const target = await colleague(actor, colleagueId);
      refuse(actor, target.status, target.id === actor.user.id, 'change_role');
      const [roles, settings, withAccess] = await Promise.all([
        listRoles(db, actor.workspace.id),
        findSettings(db, actor.workspace.id),
        findClientUserWithAccess(db, actor.workspace.id, target.id),
      ]);
      if (!withAccess) throw notFound(actor.t('team:notFound'));
      const { choice, customRole } = chosenRole(actor, roleValue, roles);
      const before = roleName({ role: target.role, customRole: roles.find((role) => role.id === target.client_role_id) ?? null });
      const after = roleName({ role: choice.role, customRole });
      const access = accessOf(withAccess);
      const grant = { settings, grantor: actor.access, before: access, after: { ...access, role: choice.role, customRole } };
      await db.transaction(async (trx) => {
        await changePersonAccess(
          trx,
          actor.workspace.id,
          target,
          { ...choice, denied: target.denied_permissions as ClientPermission[] },
          grant,
        ).catch(worded(actor));
        await insertClientActivity(trx, actor, 'team.role_changed', {
          colleagueId: target.id,
          colleagueEmail: target.email,
          role: { from: target.role === 'custom' ? `custom:${target.client_role_id}` : target.role, to: roleValue },
          roleName: after,
          previousRoleName: before,
        });
      });
      await announceAccessChanged(deps.bus, { workspaceId: actor.workspace.id, clientUserIds: [target.id] }, deps.onError);
    },

    /** What the confirmation needs: the colleague, if the action fits. */
    async colleagueToDisable(actor: TeamActor, colleagueId: string): Promise<ClientUserRow> {
      const target = await colleague(actor, colleagueId);
      refuse(actor, target.status, target.id === actor.user.id, 'disable');
      return target;
    },

    /** Disables a colleague: signed out everywhere, their links void; the agency can re-enable them. */
    async disable(actor: TeamActor, colleagueId: string): Promise<void> {
      const target = await colleague(actor, colleagueId);
      refuse(actor, target.status, target.id === actor.user.id, 'disable');
      await db.transaction(async (trx) => {
        const { sessionsEnded } = await disablePerson(trx, actor.workspace.id, target).catch(worded(actor));
        await insertClientActivity(trx, actor, 'team.disabled', { colleagueId: target.id, colleagueEmail: target.email, sessionsEnded });
      });
      await announceSessionsEnded(
        deps.bus,
        { workspaceId: actor.workspace.id, clientUserId: target.id, reason: 'user-disabled' },
        deps.onError,
      );
    },
  };
}

export type Team = ReturnType<typeof createTeam>;
