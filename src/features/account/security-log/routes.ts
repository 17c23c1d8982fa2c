// The sign-in and security log: each person's own, and the company's for its client admins only
// (anyone else gets 404, as for a page that does not exist). The agency's page of one person's log
// is an admin page, behind the admin router's staff chain and the admin policy, as every other
// staff page about a client user is.
import { Router } from 'express';
import { allow, validateQuery } from '../../../core/index.ts';
import { SecurityLogQuery } from '../commands.ts';
import type { SecurityLogHandlers, StaffSecurityLogHandlers } from './handlers.ts';

export function securityLogRoutes(h: SecurityLogHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/account/security-log', allow.signedIn, validateQuery(SecurityLogQuery), h.own);
  router.get('/account/security-log/company', allow.clientAdmin, validateQuery(SecurityLogQuery), h.company);
  return router;
}

export function securityLogStaffRoutes(h: StaffSecurityLogHandlers): Router {
  const router = Router();
  router.get('/clients/:clientUserId/security-log', validateQuery(SecurityLogQuery), h.person);
  return router;
}
