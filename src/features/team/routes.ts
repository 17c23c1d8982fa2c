// The team page: for client admins only (anyone else gets 404, as for a page that does not exist).
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../core/index.ts';
import {
  AddColleagueCommand,
  ChangeRoleCommand,
  ColleagueRequestsQuery,
  DeclineColleagueCommand,
  DisableColleagueCommand,
  InviteColleagueCommand,
  RequestColleagueCommand,
  TeamQuery,
} from './commands.ts';
import type { ColleagueRequestAdminHandlers } from './admin-handlers.ts';
import type { TeamHandlers } from './handlers.ts';

export function teamRoutes(h: TeamHandlers): Router {
  const router = Router({ mergeParams: true });
  const admins = allow.clientAdmin;
  router.get('/team', admins, validateQuery(TeamQuery), h.show);
  router.post('/team/invite', admins, validateBody(InviteColleagueCommand), h.invite);
  router.post('/team/:clientUserId/role', admins, validateBody(ChangeRoleCommand), h.changeRole);
  router.get('/team/:clientUserId/disable', admins, h.confirmDisable);
  router.post('/team/:clientUserId/disable', admins, validateBody(DisableColleagueCommand), h.disable);
  router.post('/team/requests', admins, validateBody(RequestColleagueCommand, h.invalidRequest), h.requestColleague);
  return router;
}

/** The agency's side: client admins' requests for new colleagues, under the admin router. */
export function colleagueRequestAdminRoutes(h: ColleagueRequestAdminHandlers): Router {
  const router = Router();
  router.get('/colleague-requests', validateQuery(ColleagueRequestsQuery), h.list);
  router.get('/colleague-requests/:requestId', h.show);
  router.post('/colleague-requests/:requestId/add', validateBody(AddColleagueCommand, h.invalid), h.add);
  router.post('/colleague-requests/:requestId/decline', validateBody(DeclineColleagueCommand, h.invalid), h.decline);
  return router;
}
