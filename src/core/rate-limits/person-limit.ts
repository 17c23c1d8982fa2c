// A route step that holds one signed-in client user to a rule (POSTING_LIMITS), before the step
// that reads or stores anything of the request: a refused post has cost one counter's upsert and
// stored nothing. Keyed by workspace and person, so colleagues of the same company have their own.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { tooManyRequests } from './too-many-requests.ts';
import { portalContext, portalI18n, signedInClient } from '../web/portal-context.ts';
import type { LimitRule, RateLimiter } from './limiter.ts';

export function limitPerPerson(limiter: RateLimiter, rule: LimitRule): RequestHandler {
  return async (_req: Request, res: Response, next: NextFunction) => {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    const limit = await limiter.consume(rule, `${workspace.id}:${user.id}`);
    if (!limit.allowed) return next(tooManyRequests(limit.retryAfterSeconds, portalI18n(res).t, 'common:errors.messages.tooManyPosts'));
    next();
  };
}
