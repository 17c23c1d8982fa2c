// One form at a time per browser session, in this instance. A second POST of the same session (a
// double click, a form sent again and again, a script) waits here until the one before it has
// answered, before it reads its session or takes a pooled connection; past `maxWaiting` waiting
// ones it is refused at once (409). So one person's burst takes the pools and the event loop in
// turn, one request at a time, and another company's pages keep theirs (bench/approval-burst.ts
// measures it). A request sent in order after the one before it is answered as it would be alone
// (a double click's second decision finds the first and says "already decided").
//
// Keyed by the session cookie as sent (the portal's, or a host staff app's), so no database read is needed to know whose it is; a
// request without one passes. Uploads (multipart) pass too: they stream their body for as long as
// the person's connection takes, and another form of theirs should not wait for it. What two
// writes at once may do is still decided by the database (locks, unique keys), across instances.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from '../http/http-error.ts';
import { readCookie } from '../http/cookies.ts';
import { SESSION_COOKIE } from '../sessions/session-data.ts';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What a request refused here is told (also a key of common:errors.messages, for its translation). */
export const TOO_MANY_AT_ONCE = 'Your earlier requests are still being handled. Please wait a moment, reload the page and try again.';

/** `cookie`: the session cookie that says whose a request is (the portal's, unless a host's staff app names its own). */
export function oneWritePerSession(options: { maxWaiting: number; cookie?: string }): RequestHandler {
  const cookie = options.cookie ?? SESSION_COOKIE;
  /** Per session with a request under way: the requests waiting for their turn, in order. */
  const lanes = new Map<string, Array<() => void>>();

  return (req: Request, res: Response, next: NextFunction) => {
    const key = READS.has(req.method) || req.is('multipart/form-data') ? undefined : readCookie(req, cookie);
    if (!key) return next();
    const handOn = () => {
      const waiting = lanes.get(key);
      const following = waiting?.shift();
      if (following) following();
      else lanes.delete(key);
    };
    // Its turn ends when its answer is sent, or its connection is gone.
    const run = () => {
      res.once('close', handOn);
      next();
    };
    const waiting = lanes.get(key);
    if (!waiting) {
      lanes.set(key, []);
      return run();
    }
    if (waiting.length >= options.maxWaiting) return next(new HttpError(409, TOO_MANY_AT_ONCE));
    waiting.push(run);
    // Gone before its turn (the browser gave up on it): it leaves the line.
    res.once('close', () => {
      const at = waiting.indexOf(run);
      if (at >= 0) waiting.splice(at, 1);
    });
  };
}
