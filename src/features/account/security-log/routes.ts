// The sign-in and security log: each person's own, and the company's for its client admins only
// (anyone else gets 404, as for a page that does not exist).
import { Router } from 'express';
import { allow, validateQuery } from '../../../core/index.ts';
import { SecurityLogQuery } from '../commands.ts';
import type { SecurityLogHandlers } from './handlers.ts';

export function securityLogRoutes(h: SecurityLogHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/account/security-log', allow.signedIn, validateQuery(SecurityLogQuery), h.own);
  router.get('/account/security-log/company', allow.clientAdmin, validateQuery(SecurityLogQuery), h.company);
  return router;
}
