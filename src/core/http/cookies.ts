// Reading a cookie from a request with the `cookie` module express-session loads (resolved from its
// folder: the hosts' staff sessions run on express-session), so the portal's sessions, their
// fixation guard and a host's own sessions all read a Cookie header alike. A guard that parsed
// differently (e.g. not allowing `portal.sid =v`, which `cookie` accepts) would judge "no session
// cookie" where the session is loaded: a session-fixation guard that an odd space walks past.
import type { Request } from 'express';
import { createRequire } from 'node:module';

const fromExpressSession = createRequire(createRequire(import.meta.url).resolve('express-session'));
const cookie = fromExpressSession('cookie') as { parse(header: string): Record<string, string | undefined> };

/** Every cookie of the request (first occurrence of a name wins, values URL-decoded). */
function requestCookies(req: Pick<Request, 'headers'>): Record<string, string | undefined> {
  const header = req.headers.cookie;
  return typeof header === 'string' && header !== '' ? cookie.parse(header) : {};
}

export function readCookie(req: Pick<Request, 'headers'>, name: string): string | undefined {
  return requestCookies(req)[name];
}
