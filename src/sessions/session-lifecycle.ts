// Signing a client in and out of the portal session. Sign-in gives a visitor who came with a
// session cookie a new session id (no fixation) and issues a fresh CSRF token. The session row is
// written once, by express-session as the response ends (before the redirect reaches the browser).
import type { Request } from 'express';
import type { ClientUserRow } from '../client-users/queries.ts';
import { sessionCsrfToken } from '../web/csrf.ts';
import { requestMeta } from '../web/request-meta.ts';
import { SESSION_COOKIE } from './session-data.ts';
import './session-data.ts';

const call = (fn: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

const SESSION_COOKIE_SENT = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE.replace('.', '\\.')}=`);

export async function startClientSession(req: Request, user: ClientUserRow): Promise<void> {
  // Without a session cookie the id was generated for this request and names no stored row:
  // nothing to destroy, nothing an attacker could have planted. With one, start afresh.
  if (SESSION_COOKIE_SENT.test(req.headers.cookie ?? '')) await call((cb) => req.session.regenerate(cb));
  const meta = requestMeta(req);
  req.session.portal = {
    workspaceId: user.workspace_id,
    clientUserId: user.id,
    signedInAt: new Date().toISOString(),
    ip: meta.ip,
    userAgent: meta.userAgent,
  };
  delete req.session.csrfToken;
  sessionCsrfToken(req);
}

export async function endClientSession(req: Request): Promise<void> {
  await call((cb) => req.session.destroy(cb));
}
