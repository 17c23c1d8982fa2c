// What a workspace admin may do with a contact's portal access, decided by its client user's status
// (null: the contact was never invited). The clients page builds its buttons from
// clientUserActions(); the handlers call authorizeClientUserAction() before writing, so what the
// page offers and what the server allows come from the same rules.
import { HttpError } from '../http/http-error.ts';

/** A client user's status: invited until they first sign in, active, or disabled by the agency. */
export type ClientUserStatus = 'invited' | 'active' | 'disabled';

export type ClientUserAction = 'invite' | 'resend_invitation' | 'disable' | 'enable';

const RULES: Record<ClientUserAction, (status: ClientUserStatus | null) => boolean> = {
  invite: (status) => status === null,
  resend_invitation: (status) => status === 'invited',
  disable: (status) => status === 'invited' || status === 'active',
  enable: (status) => status === 'disabled',
};

/** Why an action is refused, in words for the admin who pressed the button (e.g. on a stale page). */
const REFUSALS: Record<ClientUserAction, (status: ClientUserStatus | null) => string> = {
  invite: () => 'This contact has already been invited.',
  resend_invitation: (status) =>
    status === 'disabled'
      ? 'Their portal access is disabled. Re-enable it before sending an invitation.'
      : 'They already use the portal, so there is no invitation to send again.',
  disable: () => 'Their portal access is already disabled.',
  enable: (status) => (status === null ? 'This contact has not been invited yet.' : 'Their portal access is already enabled.'),
};

export function canClientUser(status: ClientUserStatus | null, action: ClientUserAction): boolean {
  return RULES[action](status);
}

export function authorizeClientUserAction(status: ClientUserStatus | null, action: ClientUserAction): void {
  if (!canClientUser(status, action)) throw new HttpError(409, REFUSALS[action](status));
}

export function clientUserActions(status: ClientUserStatus | null): Record<ClientUserAction, boolean> {
  return {
    invite: canClientUser(status, 'invite'),
    resend_invitation: canClientUser(status, 'resend_invitation'),
    disable: canClientUser(status, 'disable'),
    enable: canClientUser(status, 'enable'),
  };
}

/**
 * The status a re-enabled client user returns to: active when they had already set a password or
 * signed in, invited when they still have to accept the invitation.
 */
export function statusWhenReenabled(user: { password_hash: string | null; last_sign_in_at: Date | null }): ClientUserStatus {
  return user.password_hash || user.last_sign_in_at ? 'active' : 'invited';
}
