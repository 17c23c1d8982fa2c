// CSRF protection with a token kept in the CRM session. Every request other than GET/HEAD/OPTIONS
// must echo it: as the X-CSRF-Token header (htmx) or as a `_csrf` form field. A multipart upload's
// body is read later, by its route: only the routes named here as taking one wait for it, and they
// check the field as the body is read (`csrfFileFilter`: before the first file is kept, so the form
// puts `_csrf` first) and once it is read (`csrfInBody`: a form sent without a file). The token
// never travels in an address, where logs, history and Referer headers would keep it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { forbiddenCsrf } from './errors.ts';
import { crmSession } from './session.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The session's token, created on first use (for forms shown before sign-in). */
export function ensureCsrfToken(req: Request): string {
  const session = crmSession(req);
  if (!session) throw new Error('The CRM session middleware must run before a CSRF token is issued.');
  session.csrfToken ??= newCsrfToken();
  return session.csrfToken;
}

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sentToken(req: Request): string | undefined {
  const header = req.get('x-csrf-token');
  if (header) return header;
  const body: unknown = req.body;
  if (body && typeof body === 'object' && typeof (body as { _csrf?: unknown })._csrf === 'string') {
    return (body as { _csrf: string })._csrf;
  }
  return undefined;
}

function tokenHolds(req: Request): boolean {
  const expected = crmSession(req)?.csrfToken;
  const sent = sentToken(req);
  return Boolean(expected && sent && sameToken(sent, expected));
}

/** A route path (`/tickets/:id/messages`) as a pattern of the whole path. */
function pathPattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

/**
 * The check for every form. `multipartPaths`: the POST routes that read a multipart body themselves
 * and check its token as they do (`csrfFileFilter`, `csrfInBody`); a multipart body sent anywhere
 * else is refused unless the header carries the token, as its fields are never read.
 */
export function csrfProtection(options: { multipartPaths: readonly string[] }): RequestHandler {
  const waitForBody = options.multipartPaths.map(pathPattern);
  return (req, res, next) => {
    const expected = crmSession(req)?.csrfToken;
    if (expected) res.locals.csrfToken = expected;
    if (SAFE_METHODS.has(req.method)) return next();
    if (req.method === 'POST' && req.is('multipart/form-data') && !req.get('x-csrf-token') && waitForBody.some((p) => p.test(req.path)))
      return next();
    if (!tokenHolds(req)) return next(forbiddenCsrf());
    next();
  };
}

/** multer's file filter for those routes: no file is kept before the form's token is read and holds. */
export function csrfFileFilter(req: Request, _file: unknown, accept: (error: Error | null, keep?: boolean) => void): void {
  if (tokenHolds(req)) accept(null, true);
  else accept(forbiddenCsrf());
}

/** After such a route has read its body: the token of a form sent without a file. */
export const csrfInBody: RequestHandler = (req, _res, next) => next(tokenHolds(req) ? undefined : forbiddenCsrf());
