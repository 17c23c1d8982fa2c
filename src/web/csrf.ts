// CSRF protection for the client portal: a random token kept in the portal session, required on
// every state-changing request as the `_csrf` form field or the `X-CSRF-Token` header (htmx sends
// the header, set once on <body>). Compared in constant time.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from './http-error.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionCsrfToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

export function tokensMatch(expected: string | undefined, given: unknown): boolean {
  if (!expected || typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The tokens a request carries: the htmx header and the form field; one matching is enough. */
export function submittedCsrfTokens(req: Request): unknown[] {
  // A multipart form's body is parsed by its own route, after this check: a form without
  // JavaScript carries the token on its action URL instead (htmx sends the header).
  const fromQuery = req.is('multipart/form-data') ? req.query?._csrf : undefined;
  return [req.get('X-CSRF-Token'), (req.body as Record<string, unknown> | undefined)?._csrf, fromQuery].filter((token) => token !== undefined);
}

export const CSRF_MESSAGE = 'This form has expired. Please go back, reload the page and try again.';

export function verifySessionCsrf(req: Request, _res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method)) return next();
  if (!submittedCsrfTokens(req).some((token) => tokensMatch(req.session.csrfToken, token))) return next(new HttpError(403, CSRF_MESSAGE));
  next();
}

/** True when the htmx header carries this session's token. */
export function verifySessionCsrfHeader(req: Request): boolean {
  return tokensMatch(req.session.csrfToken, req.get('X-CSRF-Token'));
}

/**
 * The CSRF check for the workspace router. A multipart body is not parsed up front (uploads are
 * streamed), so for the few paths that read their own multipart body the check moves into that
 * route, which verifies the form's `_csrf` field (sent before the file) or the htmx header before
 * storing a byte. Everything else, multipart or not, is checked here.
 */
export function sessionCsrf(multipartPaths: ReadonlySet<string>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!SAFE_METHODS.has(req.method) && req.is('multipart/form-data') && multipartPaths.has(req.path)) return next();
    verifySessionCsrf(req, res, next);
  };
}
