// "Your data" for every signed-in person, whatever their role: their own data is always theirs.
// And the agency's erasure requests, under the admin router.
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../core/index.ts';
import type { ErasureAdminHandlers } from './admin-handlers.ts';
import {
  ApproveErasureCommand,
  DeclineErasureCommand,
  ErasureRequestCommand,
  ErasureRequestsQuery,
  ExportCommand,
  PrivacyQuery,
  WithdrawErasureCommand,
} from './commands.ts';
import type { PrivacyHandlers } from './handlers.ts';

export function privacyRoutes(h: PrivacyHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/account/data', allow.signedIn, validateQuery(PrivacyQuery), h.show);
  router.post('/account/data/export', allow.self, validateBody(ExportCommand), h.requestExport);
  router.get('/account/data/exports/:exportId/download', allow.signedIn, h.download);
  router.get('/account/data/erasure', allow.signedIn, h.confirmErasure);
  router.post('/account/data/erasure', allow.self, validateBody(ErasureRequestCommand, h.invalidErasure), h.requestErasure);
  router.post('/account/data/erasure/withdraw', allow.self, validateBody(WithdrawErasureCommand), h.withdrawErasure);
  return router;
}

export function erasureAdminRoutes(h: ErasureAdminHandlers): Router {
  const router = Router();
  router.get('/erasure-requests', validateQuery(ErasureRequestsQuery), h.list);
  router.get('/erasure-requests/:requestId', h.show);
  router.post('/erasure-requests/:requestId/approve', validateBody(ApproveErasureCommand, h.invalid), h.approve);
  router.post('/erasure-requests/:requestId/decline', validateBody(DeclineErasureCommand, h.invalid), h.decline);
  return router;
}
