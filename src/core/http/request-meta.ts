// Who is asking, for the activity log and the rate limits. `req.ip` honours the host's
// `trust proxy` setting, so behind a load balancer it is the client's address.
import type { Request } from 'express';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export function requestMeta(req: Request): RequestMeta {
  return { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
}
