// Signing a client in and out of the portal session. A session exists only from sign-in on
// (anonymous forms use the stateless CSRF token), so a visitor costs no row. Sign-in gives a
// visitor who came with a session cookie a new session id (no fixation), issues a fresh CSRF token,
// and keeps at most MAX_SESSIONS_PER_USER live sessions per client user by dropping the oldest.
// The row is written here, beside the pruning of the oldest ones, rather than as the answer ends
// (which would also be before the redirect leaves: see portal-sessions.ts).
import type { Request } from 'express';
import type { Knex } from 'knex';
import type { ClientUserRow } from '../client-users/queries.ts';
import { requestMeta } from '../http/request-meta.ts';
import { cookiePathFor } from '../http/served-host.ts';
import { destroySession, hashSessionId, regenerateSession, saveSession, takeFromSession } from './portal-sessions.ts';
import { deleteOldestSessions } from './queries.ts';
import { announceSessionsEnded } from './session-events.ts';
import type { EventBus } from '../events/event-bus.ts';
import {
  type AwaitedInSession,
  type AwaitedSteps,
  bringsSessionCookie,
  SESSION_COOKIE,
  sessionCsrfToken,
  type PasskeyChallenge,
  type PendingSecondFactor,
  type SignInDetails,
} from './session-data.ts';

export const MAX_SESSIONS_PER_USER = 50;

export interface SessionLifecycle {
  /** `details`: what the way of signing in keeps for later in the session (SignInDetails). */
  start(req: Request, user: ClientUserRow, details?: SignInDetails): Promise<void>;
  /** A session that only remembers who passed the first factor (see PendingSecondFactor). */
  hold(req: Request, pending: PendingSecondFactor): Promise<void>;
  end(req: Request): Promise<void>;
  /**
   * Runs `listener` after each sign-out of a signed-in session, with the session's hash: what a
   * feature tied to that session (one device's push subscription) ends with it. The listener logs
   * its own failures; the sign-out has happened either way.
   */
  whenSignedOut(listener: SignedOutListener): void;
  /**
   * Keeps what a feature's step under way must find when it comes back (AwaitedInSession: a
   * sign-in's answer from an identity provider), in the visitor's session, before the browser
   * leaves: one per key and workspace, replacing an earlier one of the same workspace.
   */
  awaitStep<Key extends keyof AwaitedInSession>(req: Request, key: Key, workspaceId: string, value: AwaitedInSession[Key]): Promise<void>;
  /**
   * What this workspace's step under way must find, taken out of the session for good before it
   * is used: of the same answer brought at once to several instances (each read the session before
   * any wrote it), only one gets it, so each answer is tried once. Another workspace's step under
   * way is left as it is.
   */
  takeStep<Key extends keyof AwaitedInSession>(req: Request, key: Key, workspaceId: string): Promise<AwaitedInSession[Key] | null>;
  /**
   * The passkey ceremony's challenge this session holds, taken out of it for good: of the same
   * answer posted at once to several instances (each read the session before any wrote it), only
   * one gets the challenge. A synced passkey keeps no signature counter, so this is all that
   * makes its assertion good for one sign-in.
   */
  takePasskeyChallenge(req: Request): Promise<PasskeyChallenge | null>;
}

type SignedOutListener = (ended: { workspaceId: string; clientUserId: string; sessionHash: string }) => Promise<void>;

export function createSessionLifecycle(deps: { db: Knex; cookiePath: string; maxPerUser?: number; bus?: EventBus }): SessionLifecycle {
  const maxPerUser = deps.maxPerUser ?? MAX_SESSIONS_PER_USER;
  const signedOutListeners: SignedOutListener[] = [];
  return {
    whenSignedOut(listener) {
      signedOutListeners.push(listener);
    },
    async start(req, user, details) {
      // Without a session cookie the id was generated for this request and names no stored row:
      // nothing to destroy, nothing an attacker could have planted. With one, start afresh.
      if (bringsSessionCookie(req)) await regenerateSession(req);
      const meta = requestMeta(req);
      // The session is new (regenerated, or made by this request): a feature's awaited step of
      // before (AwaitedInSession) is not in it.
      delete req.session.pendingSecondFactor;
      req.session.portal = {
        workspaceId: user.workspace_id,
        clientUserId: user.id,
        signedInAt: new Date().toISOString(),
        ip: meta.ip,
        userAgent: meta.userAgent,
        ...details,
      };
      delete req.session.csrfToken;
      sessionCsrfToken(req);
      // Saved here, the session is not written again when the response ends.
      // Room for the new one, in the same breath: a stolen-cookie spree or a script signing in in a
      // loop cannot pile up rows. The delete leaves the new row out of its count, so whether or not
      // it already sees it, exactly the maxPerUser - 1 newest others stay beside it.
      await Promise.all([
        deleteOldestSessions(deps.db, user.workspace_id, user.id, maxPerUser - 1, hashSessionId(req.sessionID)),
        saveSession(req),
      ]);
    },
    async hold(req, pending) {
      if (bringsSessionCookie(req)) await regenerateSession(req);
      delete req.session.portal;
      req.session.pendingSecondFactor = pending;
      delete req.session.csrfToken;
      sessionCsrfToken(req);
      await saveSession(req);
    },
    async awaitStep(req, key, workspaceId, value) {
      // A visitor already signed in keeps that session as it is until the step comes back.
      const steps = req.session as AwaitedSteps;
      steps[key] = { ...steps[key], [workspaceId]: value };
      await saveSession(req);
    },
    async takeStep(req, key, workspaceId) {
      // A request without the session cookie has no session object at all (a GET reads none).
      if (!(req.session as AwaitedSteps | undefined)?.[key]?.[workspaceId]) return null;
      return ((await takeFromSession(req, key, workspaceId)) as AwaitedInSession[typeof key] | undefined) ?? null;
    },
    async takePasskeyChallenge(req) {
      // A request without a session cookie has a session of its own, new and empty: nothing to take.
      if (!req.session?.passkeyChallenge) return null;
      return ((await takeFromSession(req, 'passkeyChallenge')) as PasskeyChallenge | undefined) ?? null;
    },
    async end(req) {
      const signedIn = req.session.portal;
      const sessionHash = hashSessionId(req.sessionID);
      await destroySession(req);
      if (signedIn)
        for (const listener of signedOutListeners)
          await listener({ workspaceId: signedIn.workspaceId, clientUserId: signedIn.clientUserId, sessionHash });
      // This session's live streams, in other tabs and on other instances, end with it.
      if (signedIn)
        await announceSessionsEnded(deps.bus, {
          workspaceId: signedIn.workspaceId,
          clientUserId: signedIn.clientUserId,
          reason: 'signed-out',
        });
      // The browser stops sending a cookie that names nothing: later anonymous pages read no session.
      req.res?.clearCookie(SESSION_COOKIE, { path: cookiePathFor(req, deps.cookiePath) });
    },
  };
}
