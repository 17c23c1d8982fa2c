// Approvals routes, behind requireClient and the approvals section (switched off, or without the
// permission, every page is a 404 like one that does not exist). Deciding acts for the company
// (allow.company). The decision form posts, then redirects (PRG).
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../core/index.ts';
import { ApprovalsQuery, DecisionCommand, FileQuery } from './commands.ts';
import type { ApprovalsHandlers } from './handlers.ts';

export function approvalsRoutes(h: ApprovalsHandlers): Router {
  const router = Router({ mergeParams: true });
  const approvals = allow.section('approvals');
  router.get('/approvals', approvals, validateQuery(ApprovalsQuery), h.list);
  router.get('/approvals/:approvalId', approvals, h.show);
  router.get('/approvals/:approvalId/versions/:version/file', approvals, validateQuery(FileQuery), h.file);
  router.post(
    '/approvals/:approvalId/decision',
    approvals,
    allow.company('approvals'),
    validateBody(DecisionCommand, h.invalidDecision),
    h.decide,
  );
  return router;
}
