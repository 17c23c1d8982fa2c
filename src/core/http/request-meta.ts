// Who is asking, for the activity log and the rate limits. `req.ip` honours the host's
// `trust proxy` setting, so behind a load balancer it is the client's address.
import type { Request } from 'express';
import { customOriginOf } from './served-host.ts';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  /**
   * The agency's own domain as the person reached it (scheme, name and any port), when they came in
   * there: a link mailed in answer to what they asked brings them back to the very address they used.
   */
  customOrigin?: string;
}

export function requestMeta(req: Request): RequestMeta {
  const customOrigin = customOriginOf(req);
  return { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null, ...(customOrigin ? { customOrigin } : {}) };
}
