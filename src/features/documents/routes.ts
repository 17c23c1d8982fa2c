// Documents routes; all behind requireClient (see the workspace router). The upload route reads
// its own multipart body as a stream, so the workspace router leaves its CSRF check to it.
import { Router } from 'express';
import { validateQuery } from '../../core/web/validate.ts';
import { DocumentsQuery } from './commands.ts';
import type { DocumentsHandlers } from './handlers.ts';

export const UPLOAD_PATH = '/documents/uploads';

export function documentsRoutes(h: DocumentsHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/documents', validateQuery(DocumentsQuery), h.show);
  router.get('/documents/shared/:documentId/download', h.downloadShared);
  router.get('/documents/uploads/:uploadId/download', h.downloadUpload);
  router.get(UPLOAD_PATH, h.uploadsAddress);
  router.post(UPLOAD_PATH, h.upload);
  router.post('/documents/uploads/:uploadId/delete', h.deleteUpload);
  return router;
}
