// The staff pages of approvals the portal keeps, below the admin path's /approvals: every staff
// member of the workspace may use them (authorizeShareApprovals), behind the admin router's staff
// chain (staff → workspace → flag), then the form bodies (a share is multipart) and CSRF.
import { type Request, type Response, type NextFunction, Router } from 'express';
import { authorizeShareApprovals, staffContext, type StaffWorkRoutes, validateBody, validateQuery } from '../../core/index.ts';
import { NextVersionCommand, ShareCommand, StaffApprovalQuery, StaffApprovalsQuery } from './staff-commands.ts';
import type { StaffApprovalsHandlers } from './staff-handlers.ts';
import { parseSharedFileForm } from './staff-uploads.ts';

export function staffApprovalsRoutes(h: StaffApprovalsHandlers): StaffWorkRoutes {
  const router = Router();
  router.get('/approvals', validateQuery(StaffApprovalsQuery), h.list);
  router.get('/approvals/new', h.newForm);
  router.post('/approvals', validateBody(ShareCommand, h.invalidShare), h.share);
  router.get('/approvals/:approvalId', validateQuery(StaffApprovalQuery), h.show);
  router.post('/approvals/:approvalId/versions', validateBody(NextVersionCommand, h.invalidVersion), h.shareNext);
  router.get('/approvals/:approvalId/versions/:version/file', h.file);
  return {
    path: '/approvals',
    authorize: (_req: Request, res: Response, next: NextFunction) => {
      const { staff, workspace } = staffContext(res);
      authorizeShareApprovals(staff, workspace.id);
      next();
    },
    multipart: parseSharedFileForm(),
    router,
  };
}
