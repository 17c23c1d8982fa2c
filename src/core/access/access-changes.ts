// The one place a person's role, overrides or status change, for the client admin's team page and
// the agency's person pages alike, so both sides hold the same rules: a company keeps at least one
// client admin (the last cannot be given another role or disabled, from either side), and a client
// admin grants a colleague nothing they do not have themselves. Each runs in the caller's
// transaction, beside its activity row; the caller announces the change after the commit.
import type { Knex } from 'knex';
import { grantsWithin, type ClientAccess, type ClientPermission } from '../policies/client-access.ts';
import { mayLeaveAdminRole } from '../policies/team-policy.ts';
import type { PortalSettings } from '../settings/portal-settings.ts';
import { deleteOtherSessions } from '../sessions/queries.ts';
import { lockCompanyAdmins, lockRole, setPersonAccess, type RoleChoice } from './access-queries.ts';
import { setClientUserStatus, voidClientUserLinks, type ClientUserRow } from '../client-users/queries.ts';

/** Why a change is refused; each side puts it in its reader's words. */
export type AccessRefusal = 'lastAdmin' | 'roleGone' | 'beyondOwnAccess';

export class AccessChangeRefused extends Error {
  constructor(readonly reason: AccessRefusal) {
    super(`access change refused: ${reason}`);
  }
}

type Person = Pick<ClientUserRow, 'id' | 'client_id' | 'role' | 'status'>;

/** A client admin changing a colleague from the portal: what they have, and what the colleague has now and would have. */
export interface Grant {
  settings: PortalSettings;
  grantor: ClientAccess;
  before: ClientAccess;
  after: ClientAccess;
}

/** The last client admin of a company who is not disabled stays one: refused when `person` is that admin. */
async function keepAnAdmin(trx: Knex.Transaction, workspaceId: string, person: Person): Promise<void> {
  if (person.role !== 'admin' || person.status === 'disabled') return;
  const admins = await lockCompanyAdmins(trx, workspaceId, person.client_id);
  if (!mayLeaveAdminRole(admins.length)) throw new AccessChangeRefused('lastAdmin');
}

/** Gives a person a role and what is hidden from them. `grant` is set when a client admin makes the change. */
export async function changePersonAccess(
  trx: Knex.Transaction,
  workspaceId: string,
  person: Person,
  change: RoleChoice & { denied: readonly ClientPermission[] },
  grant: Grant | null,
): Promise<void> {
  if (change.role !== 'admin') await keepAnAdmin(trx, workspaceId, person);
  // The role is locked while it is given, so it cannot be removed in between (roles-handlers.ts).
  if (change.clientRoleId && !(await lockRole(trx, workspaceId, change.clientRoleId))) throw new AccessChangeRefused('roleGone');
  if (grant && !grantsWithin(grant.settings, grant.grantor, grant.before, grant.after)) throw new AccessChangeRefused('beyondOwnAccess');
  await setPersonAccess(trx, workspaceId, person.id, change);
}

/**
 * The one way a person is disabled, from the team page, the agency's person pages and the
 * company's directory (SCIM) alike: disabled, every session deleted (the next request of each is
 * signed out: sessions are read from the database on every request), and every invitation, reset
 * link and sign-in code sent before voided, so none works again once the person is re-enabled.
 * The caller announces the ended sessions after the commit (announceSessionsEnded), which ends
 * the open live streams on every instance.
 *
 * `keepAnAdmin: false` is the directory's: a person who left the company is disabled even when
 * they are its last client admin (the agency names another), where a person's own colleague or
 * the agency is refused.
 */
export async function disablePerson(
  trx: Knex.Transaction,
  workspaceId: string,
  person: Person,
  options: { keepAnAdmin?: boolean } = {},
): Promise<{ sessionsEnded: number; linksVoided: number }> {
  if (options.keepAnAdmin !== false) await keepAnAdmin(trx, workspaceId, person);
  await setClientUserStatus(trx, workspaceId, person.id, 'disabled');
  const sessionsEnded = await deleteOtherSessions(trx, workspaceId, person.id, null);
  const linksVoided = await voidClientUserLinks(trx, workspaceId, person.id);
  return { sessionsEnded, linksVoided };
}
