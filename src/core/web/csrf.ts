// CSRF protection for the client portal, required on every state-changing request as the `_csrf`
// form field or the `X-CSRF-Token` header (htmx sends the header, set once on <body>), compared in
// constant time. Two kinds of token, so that nobody gets a stored session before signing in:
// - signed in: a random token kept in the session, issued afresh at sign-in;
// - anonymous (sign-in, code, forgot, reset, invitation forms): stateless, an HMAC under the
//   portal secret of a random value in the `portal.csrf` cookie. Another site can neither read that
//   cookie nor compute the HMAC, so it cannot forge the token; nothing is stored on the server.
// A request with a session token is checked against it; any other against the cookie.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../http/http-error.ts';
import { readCookie } from '../http/cookies.ts';
import { cookiePathFor } from '../http/served-host.ts';
import '../sessions/session-data.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const ANONYMOUS_CSRF_COOKIE = 'portal.csrf';
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

export function tokensMatch(expected: string | undefined, given: unknown): boolean {
  if (!expected || typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The tokens a request carries: the htmx header and the form field; one matching is enough. Never
 * the URL: a token there lands in access logs and in the Referer of the next page. A multipart form
 * without JavaScript carries it as its first field, which the route reading that body checks
 * (portalCsrfCheck below).
 */
export function submittedCsrfTokens(req: Request): unknown[] {
  return [req.get('X-CSRF-Token'), (req.body as Record<string, unknown> | undefined)?._csrf].filter((token) => token !== undefined);
}

export const CSRF_MESSAGE = 'This form has expired. Please go back, reload the page and try again.';

/** The refusal of a state change that carried a token, but not the current one; a route that can show its form again answers it so instead. */
export class CsrfMismatch extends HttpError {
  constructor() {
    super(403, CSRF_MESSAGE);
  }
}

export interface PortalCsrf {
  /** The token for this request's forms: the session's when signed in, else the anonymous one (setting its cookie if new). */
  token(req: Request, res: Response): string;
  /** Refuses a state change whose token does not match with 403. */
  verify(req: Request, res: Response, next: NextFunction): void;
}

export function createPortalCsrf(options: { secret: string; cookiePath: string; secure: boolean }): PortalCsrf {
  // A key of its own, derived from the portal secret, so these HMACs mean nothing anywhere else.
  const key = createHmac('sha256', options.secret).update('portal anonymous csrf key').digest();
  const sign = (nonce: string) => createHmac('sha256', key).update(nonce).digest('base64url');
  // The value set on this response, so the page's several forms share one token.
  const issued = new WeakMap<Request, string>();

  const cookieNonce = (req: Request) => {
    const value = issued.get(req) ?? readCookie(req, ANONYMOUS_CSRF_COOKIE);
    return value && COOKIE_VALUE.test(value) ? value : undefined;
  };

  return {
    token(req, res) {
      if (req.session?.csrfToken) return req.session.csrfToken;
      let nonce = cookieNonce(req);
      if (!nonce) {
        nonce = randomBytes(32).toString('base64url');
        issued.set(req, nonce);
        // A browser-session cookie: it holds no identity, only what the token is bound to.
        res.cookie(ANONYMOUS_CSRF_COOKIE, nonce, {
          path: cookiePathFor(req, options.cookiePath),
          httpOnly: true,
          sameSite: 'lax',
          secure: options.secure,
        });
      }
      return sign(nonce);
    },
    verify(req, _res, next) {
      if (SAFE_METHODS.has(req.method)) return next();
      const nonce = cookieNonce(req);
      const expected = req.session?.csrfToken ?? (nonce ? sign(nonce) : undefined);
      const submitted = submittedCsrfTokens(req);
      if (!submitted.some((token) => tokensMatch(expected, token)))
        return next(submitted.length ? new CsrfMismatch() : new HttpError(403, CSRF_MESSAGE));
      next();
    },
  };
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
export function portalCsrfCheck(csrf: PortalCsrf, multipartPaths: ReadonlySet<string>) {
  const matchers = [...multipartPaths].map(pathMatcher);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!SAFE_METHODS.has(req.method) && req.is('multipart/form-data') && matchers.some((matches) => matches(req.path))) next();
    else csrf.verify(req, res, next);
  };
}

/**
 * A path as routes write it, its `:param` segments matching one segment each (a reply form under
 * a ticket's id); a path without parameters matches only itself.
 */
function pathMatcher(path: string): (candidate: string) => boolean {
  if (!path.includes('/:')) return (candidate) => candidate === path;
  const pattern = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  const regex = new RegExp(`^${pattern}$`);
  return (candidate) => regex.test(candidate);
}
