// What the portal keeps in its own session (never the host's).
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import 'express-session';
import { readCookie } from '../http/cookies.ts';

/** The portal's own session cookie, apart from the host's. */
export const SESSION_COOKIE = 'portal.sid';

/**
 * Whether the request brings the portal's session cookie (whatever it names): exactly when
 * express-session would read one, by the same parser (it ignores an empty value too).
 */
export const bringsSessionCookie = (req: Pick<Request, 'headers'>): boolean => Boolean(readCookie(req, SESSION_COOKIE));

/**
 * What a way of signing in keeps in the session it starts, for what comes later in that session
 * (an identity provider's sign-in: the provider, whose end-session the sign-out offers). Each
 * feature that signs people in adds its own optional fields here (`declare module`), as it adds
 * its port to HostAdapter; SessionLifecycle.start keeps them, from a held second factor too.
 */
// biome-ignore lint/suspicious/noEmptyInterface: each feature adds its own fields
export interface SignInDetails {}

/**
 * The ways a first factor is passed, by the names the sign-in log keeps: added by the features that
 * sign people in (`declare module`, so nothing imports it by name).
 * @public
 */
// biome-ignore lint/suspicious/noEmptyInterface: each feature adds its own ways
export interface FirstFactors {}
export type FirstFactor = keyof FirstFactors;

export interface PortalSessionAuth extends SignInDetails {
  workspaceId: string;
  clientUserId: string;
  signedInAt: string;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Between a right first factor and the second one: names who is signing in and grants nothing
 * else (the signed-in client comes only from `portal`).
 */
export interface PendingSecondFactor extends SignInDetails {
  workspaceId: string;
  clientUserId: string;
  method: FirstFactor;
  next?: string;
  startedAt: string;
}

/** What a held second factor keeps for the session it leads to: its SignInDetails, without the hold's own fields. */
export function signInDetailsOf(pending: PendingSecondFactor): SignInDetails {
  const { workspaceId: _workspace, clientUserId: _user, method: _method, next: _next, startedAt: _started, ...details } = pending;
  return details;
}

/**
 * What a feature keeps in the visitor's session while a step of its own is under way at one
 * workspace (a sign-in sent to an identity provider and not yet back), by the session key it is
 * kept under. Each feature adds its own key here where it declares the value (`declare module`),
 * as it adds its port to HostAdapter. The session keeps each key as a record by workspace id: every
 * workspace's portal shares the one session cookie (its path is the portal's mount), so a step
 * under way at one workspace is never another's to use up. SessionLifecycle keeps and takes them.
 */
// biome-ignore lint/suspicious/noEmptyInterface: each feature adds its own key
export interface AwaitedInSession {}

/** Each awaited step's record by workspace id, as the session keeps it. */
export type AwaitedSteps = { [Key in keyof AwaitedInSession]?: Record<string, AwaitedInSession[Key]> };

/** A passkey ceremony's challenge, bound to its workspace, its purpose and (registering, or as a second factor) its person. */
export interface PasskeyChallenge {
  workspaceId: string;
  purpose: 'register' | 'sign-in' | 'second-factor';
  clientUserId?: string;
  challenge: string;
  startedAt: string;
}

declare module 'express-session' {
  interface SessionData extends AwaitedSteps {
    portal?: PortalSessionAuth;
    pendingSecondFactor?: PendingSecondFactor;
    /** Recovery codes just made, kept until the page that shows them once has been rendered. */
    recoveryCodesToShow?: string[];
    /** The codes to show replace earlier ones (made anew from the status page), not a first set-up's. */
    recoveryCodesRenewed?: boolean;
    /**
     * A two-factor set-up this session started and has not confirmed: the TOTP secret, sealed
     * (two-factor/secret-box.ts). Kept here, not in the database, so it belongs to this session
     * only and ends with it (sign-out, "sign out other sessions", a password change).
     */
    twoFactorSetup?: { workspaceId: string; clientUserId: string; sealed: string };
    /**
     * The challenge of a passkey ceremony this session started (registration on the passkeys page,
     * or a sign-in): made here, never taken from the browser, used once and for a few minutes.
     */
    passkeyChallenge?: PasskeyChallenge;
    /** When the client last confirmed it is them (password or emailed code) for a change on the account page. */
    identityConfirmedAt?: string;
    csrfToken?: string;
  }
}

/** The signed-in session's CSRF token (web/csrf.ts checks it), made on first use and kept with the session. */
export function sessionCsrfToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}
