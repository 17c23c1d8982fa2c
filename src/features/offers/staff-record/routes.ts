// The staff record pages, inside the admin router (staff → workspace → flag → admin policy → CSRF).
// /records/:kind/:clientId/:id, kind = proposal | quotation | invoice; the CRM links here from its
// own record pages.
import { Router } from 'express';
import { validateBody, validateQuery } from '../../../core/web/validate.ts';
import { CreateLinkCommand, RevokeLinkCommand, StaffCommentCommand, ViewAsQuery } from './commands.ts';
import type { RecordHandlers } from './handlers.ts';

export function recordRoutes(h: RecordHandlers): Router {
  const router = Router();
  const record = '/records/:kind/:clientId/:id';
  router.get(record, h.show);
  router.get(`${record}/as-client`, validateQuery(ViewAsQuery), h.viewAs);
  router.get(`${record}/signed.pdf`, h.signedPdf);
  router.get(`${record}/signature.png`, h.signature);
  router.post(`${record}/links`, validateBody(CreateLinkCommand), h.createLink);
  router.post(`${record}/comments`, validateBody(StaffCommentCommand, h.invalidComment), h.addComment);
  router.get(`${record}/links/:linkId/revoke`, h.confirmRevoke);
  router.post(`${record}/links/:linkId/revoke`, validateBody(RevokeLinkCommand), h.revokeLink);
  return router;
}
