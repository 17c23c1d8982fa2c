// CSRF protection with a token kept in the CRM session. Every request other than GET/HEAD/OPTIONS
// must echo it: as the X-CSRF-Token header (htmx), as a `_csrf` form field, or — for multipart
// uploads only, whose body is parsed later by the route — as a `_csrf` query parameter.
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
  if (req.is('multipart/form-data')) {
    const query = req.query._csrf;
    if (typeof query === 'string') return query;
  }
  return undefined;
}

export function csrfProtection(): RequestHandler {
  return (req, res, next) => {
    const expected = crmSession(req)?.csrfToken;
    if (expected) res.locals.csrfToken = expected;
    if (SAFE_METHODS.has(req.method)) return next();
    const sent = sentToken(req);
    if (!expected || !sent || !sameToken(sent, expected)) return next(forbiddenCsrf());
    next();
  };
}
