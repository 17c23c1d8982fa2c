// What a client admin may do with a colleague of their own company from the portal's team page,
// decided by the colleague's portal status (null: never invited) and whether it is themselves.
// The page builds its buttons from teamActions(); the service calls authorizeTeamAction() before
// writing, so what the page offers and what the server allows come from the same rules. Roles
// are bounded by the workspace anyway (client-access.ts); what the agency hid from a person stays
// hidden whatever role a client admin gives them.
import type { ClientUserStatus } from './client-user-policy.ts';
import { HttpError } from '../http/http-error.ts';

export type TeamAction = 'invite' | 'resend_invitation' | 'change_role' | 'disable';

/**
 * Why an action is refused, as a code: the team feature puts it in the client's words (its
 * team:refused keys), as it does the access changes' refusals (src/core/access/access-changes.ts).
 */
export type TeamRefusal = 'alreadyInvited' | 'notInvited' | 'disabled' | 'yourself';

const RULES: Record<TeamAction, (status: ClientUserStatus | null, self: boolean) => TeamRefusal | null> = {
  invite: (status) => (status === null ? null : 'alreadyInvited'),
  resend_invitation: (status) => (status === 'invited' ? null : status === 'disabled' ? 'disabled' : 'notInvited'),
  // A disabled colleague is the agency's to re-enable; their role waits until then.
  change_role: (status) => (status === null ? 'notInvited' : status === 'disabled' ? 'disabled' : null),
  disable: (status, self) => (self ? 'yourself' : status === null ? 'notInvited' : status === 'disabled' ? 'disabled' : null),
};

export function teamActions(status: ClientUserStatus | null, self: boolean): Record<TeamAction, boolean> {
  return {
    invite: RULES.invite(status, self) === null,
    resend_invitation: RULES.resend_invitation(status, self) === null,
    change_role: RULES.change_role(status, self) === null,
    disable: RULES.disable(status, self) === null,
  };
}

/** The refusal's code when the action does not fit, for the caller to put in the client's words. */
export function teamRefusal(status: ClientUserStatus | null, self: boolean, action: TeamAction): TeamRefusal | null {
  return RULES[action](status, self);
}

/**
 * A company keeps at least one client admin: the last one cannot be given another role (and
 * cannot disable themselves anyway). `admins` counts the company's admins not disabled, the
 * colleague included, read under a lock by the caller.
 */
export function mayLeaveAdminRole(admins: number): boolean {
  return admins > 1;
}

export function refusal(message: string): HttpError {
  return new HttpError(409, message);
}
