// express-session, when its store cannot be read (the database restarting), passes the error on
// and leaves the request without a session; with `unset: 'destroy'` it then also deletes the
// session when the error page ends, which fails again and cuts the error page off mid-answer (and,
// had the database come back in between, would sign the client out). Forgetting the session id
// for that request lets the error page be answered whole and keeps the stored session.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export function keepSessionOnStoreError(sessions: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    sessions(req, res, (err?: unknown) => {
      if (err && !req.session) (req as { sessionID?: string }).sessionID = undefined;
      next(err as Error | undefined);
    });
  };
}
