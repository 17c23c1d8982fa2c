// CSRF for the admin pages. They live inside the host's session, which the portal does not
// write to, so the token is an HMAC under the portal secret of the staff user's id and the host's
// session key (HostStaffUser.sessionKey): unforgeable without the secret, checked on every state
// change, and new with every staff session (a sign-in or session regeneration), so a token seen
// in one session is worthless in the next.
import { createHmac } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { HostStaffUser } from '../ports/host.ts';
import { CSRF_MESSAGE, CsrfMismatch, submittedCsrfTokens, tokensMatch } from '../web/csrf.ts';
import { HttpError } from '../http/http-error.ts';
import { staffContext } from './staff-context.ts';

export function adminCsrfToken(secret: string, staff: Pick<HostStaffUser, 'id' | 'sessionKey'>, workspaceId: string): string {
  // The session key is hashed in, never shown: the token cannot give the host's session id away.
  return createHmac('sha256', secret)
    .update(`admin-csrf:${workspaceId}:${staff.id}:${staff.sessionKey ?? ''}`)
    .digest('base64url');
}

export function verifyAdminCsrf(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    next();
    return;
  }
  const expected = staffContext(res).csrfToken;
  const submitted = submittedCsrfTokens(req);
  if (submitted.some((token) => tokensMatch(expected, token))) next();
  else next(submitted.length ? new CsrfMismatch() : new HttpError(403, CSRF_MESSAGE));
}
