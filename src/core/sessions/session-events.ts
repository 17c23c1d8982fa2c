// Sessions of a client user ended (signed out, signed out everywhere, a new password or email, two-
// factor reset by staff) or the client user was disabled: told on the event bus once the change has
// committed, so every instance ends the live streams those sessions hold (stream-sessions.ts checks
// which). The event names the client user only; each instance asks the database which of its
// streams' sessions still sign someone in, so one event serves every reason.
import type { EventBus } from '../events/event-bus.ts';

export const SESSIONS_ENDED = 'portal.sessions.ended';

type SessionsEndedReason = 'signed-out' | 'revoked' | 'password-changed' | 'email-changed' | 'two-factor-reset' | 'user-disabled';

export interface SessionsEnded {
  workspaceId: string;
  clientUserId: string;
  reason: SessionsEndedReason;
}

/**
 * Publishes after the caller's commit. A failure is reported, never thrown: the sessions are gone
 * already, and each instance's periodic check ends their streams within a minute anyway.
 */
export async function announceSessionsEnded(
  bus: EventBus | undefined,
  ended: SessionsEnded,
  onError?: (message: string, err: unknown) => void,
): Promise<void> {
  if (!bus) return;
  try {
    await bus.publish(SESSIONS_ENDED, ended);
  } catch (err) {
    (onError ?? ((message, e) => console.error(`[sessions] ${message}`, e)))('could not announce ended sessions', err);
  }
}

/**
 * A staff member signed out of the host (or the host ended their sessions): every instance checks
 * that person's open live streams against the host at once (stream-sessions.ts). Published through
 * `CustomerPortal.staffSignedOut`, which the host calls after its sign-out.
 */
export const STAFF_SIGNED_OUT = 'portal.staff.signed-out';

export interface StaffSignedOut {
  workspaceId: string;
  staffId: string;
}
