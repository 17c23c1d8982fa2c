// The staff record pages, inside the admin router (staff → workspace → flag → policy → CSRF).
// /records/:kind/:clientId/:id, kind = proposal | quotation | invoice; the CRM links here from its
// own record pages. Every staff member of the workspace reads the evidence (recordEvidenceRoutes,
// met before the admin policy); the forms and "view as this client" are the admins' (recordRoutes).
import { Router, type NextFunction, type Request, type Response } from 'express';
import { authorizeReadRecordEvidence, staffContext, validateBody, validateQuery } from '../../../core/index.ts';
import { CreateLinkCommand, RevokeLinkCommand, StaffCommentCommand, ViewAsQuery } from './commands.ts';
import type { RecordHandlers } from './handlers.ts';

const RECORD = '/records/:kind/:clientId/:id';

const readsEvidence = (req: Request, res: Response, next: NextFunction) => {
  const { staff, workspace } = staffContext(res);
  authorizeReadRecordEvidence(staff, workspace.id, String(req.params.kind));
  next();
};

export function recordEvidenceRoutes(h: RecordHandlers): Router {
  const router = Router();
  router.get(RECORD, readsEvidence, h.show);
  router.get(`${RECORD}/signed.pdf`, readsEvidence, h.signedPdf);
  router.get(`${RECORD}/signature.png`, readsEvidence, h.signature);
  return router;
}

export function recordRoutes(h: RecordHandlers): Router {
  const router = Router();
  router.get(`${RECORD}/as-client`, validateQuery(ViewAsQuery), h.viewAs);
  router.post(`${RECORD}/links`, validateBody(CreateLinkCommand), h.createLink);
  router.post(`${RECORD}/comments`, validateBody(StaffCommentCommand, h.invalidComment), h.addComment);
  router.get(`${RECORD}/links/:linkId/revoke`, h.confirmRevoke);
  router.post(`${RECORD}/links/:linkId/revoke`, validateBody(RevokeLinkCommand), h.revokeLink);
  return router;
}
