// CSRF for the admin pages. They live inside the host's session, which the portal does not
// write to, so the token is an HMAC of the staff user's id under the portal secret: stable for
// that user, unforgeable without the secret, checked on every state change.
import { createHmac } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { CSRF_MESSAGE, CsrfMismatch, submittedCsrfTokens, tokensMatch } from '../web/csrf.ts';
import { HttpError } from '../web/http-error.ts';
import { adminContext } from './admin-context.ts';

export function adminCsrfToken(secret: string, staffId: string, workspaceId: string): string {
  return createHmac('sha256', secret).update(`admin-csrf:${workspaceId}:${staffId}`).digest('base64url');
}

export function verifyAdminCsrf(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  const expected = adminContext(res).csrfToken;
  const submitted = submittedCsrfTokens(req);
  if (!submitted.some((token) => tokensMatch(expected, token))) return next(submitted.length ? new CsrfMismatch() : new HttpError(403, CSRF_MESSAGE));
  next();
}
