// Reading a cookie from a request, the way express-session reads its own: with the very `cookie`
// module express-session loads (resolved from its folder, so an upgrade of one is an upgrade of
// both). A guard that parses differently (e.g. not allowing `portal.sid =v`, which `cookie`
// accepts) would judge "no session cookie" where express-session loads the session — a
// session-fixation guard that an odd space walks past.
import type { Request } from 'express';
import { createRequire } from 'node:module';

const fromExpressSession = createRequire(createRequire(import.meta.url).resolve('express-session'));
const cookie = fromExpressSession('cookie') as { parse(header: string): Record<string, string | undefined> };

/** Every cookie of the request (first occurrence of a name wins, values URL-decoded), as express-session sees them. */
function requestCookies(req: Pick<Request, 'headers'>): Record<string, string | undefined> {
  const header = req.headers.cookie;
  return typeof header === 'string' && header !== '' ? cookie.parse(header) : {};
}

export function readCookie(req: Pick<Request, 'headers'>, name: string): string | undefined {
  return requestCookies(req)[name];
}
