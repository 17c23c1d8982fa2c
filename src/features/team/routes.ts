// The team page: for client admins only (anyone else gets 404, as for a page that does not exist).
import { Router } from 'express';
import { allow } from '../../core/policies/route-steps.ts';
import { validateBody, validateQuery } from '../../core/web/validate.ts';
import { ChangeRoleCommand, DisableColleagueCommand, InviteColleagueCommand, TeamQuery } from './commands.ts';
import type { TeamHandlers } from './handlers.ts';

export function teamRoutes(h: TeamHandlers): Router {
  const router = Router({ mergeParams: true });
  const admins = allow.clientAdmin;
  router.get('/team', admins, validateQuery(TeamQuery), h.show);
  router.post('/team/invite', admins, validateBody(InviteColleagueCommand), h.invite);
  router.post('/team/:clientUserId/role', admins, validateBody(ChangeRoleCommand), h.changeRole);
  router.get('/team/:clientUserId/disable', admins, h.confirmDisable);
  router.post('/team/:clientUserId/disable', admins, validateBody(DisableColleagueCommand), h.disable);
  return router;
}
