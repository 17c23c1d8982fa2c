// Signing a client in and out of the portal session. Sign-in regenerates the session id (no
// fixation) and issues a fresh CSRF token.
import type { Request } from 'express';
import type { ClientUserRow } from '../client-users/queries.ts';
import { sessionCsrfToken } from '../web/csrf.ts';
import { requestMeta } from '../web/request-meta.ts';
import './session-data.ts';

const call = (fn: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

export async function startClientSession(req: Request, user: ClientUserRow): Promise<void> {
  await call((cb) => req.session.regenerate(cb));
  const meta = requestMeta(req);
  req.session.portal = {
    workspaceId: user.workspace_id,
    clientUserId: user.id,
    signedInAt: new Date().toISOString(),
    ip: meta.ip,
    userAgent: meta.userAgent,
  };
  sessionCsrfToken(req);
  await call((cb) => req.session.save(cb));
}

export async function endClientSession(req: Request): Promise<void> {
  await call((cb) => req.session.destroy(cb));
}
