// A visitor who brings no session cookie has no session to read, and on a GET or HEAD nothing
// starts one (sign-in, its second step and sign-out are POSTs). express-session would still build
// a session for the request (a random id, a cookie object, a hash of it to find it unchanged when
// the answer ends) and then drop it: about a tenth of the sign-in page's time. Such a request goes
// on without `req.session`; what reads the session on those paths allows for that.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bringsSessionCookie } from './session-data.ts';

const READS = new Set(['GET', 'HEAD']);

export function sessionsOnlyWhenBrought(sessions: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (READS.has(req.method) && !bringsSessionCookie(req)) return next();
    sessions(req, res, next);
  };
}
