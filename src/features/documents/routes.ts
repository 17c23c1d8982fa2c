// Documents routes; all behind requireClient (see the workspace router). The upload route reads
// its own multipart body as a stream, so the workspace router leaves its CSRF check to it.
import { Router } from 'express';
import { allow, validateQuery } from '../../core/index.ts';
import { DocumentsQuery } from './commands.ts';
import type { DocumentsHandlers } from './handlers.ts';

export const UPLOAD_PATH = '/documents/uploads';

export function documentsRoutes(h: DocumentsHandlers): Router {
  const router = Router({ mergeParams: true });
  const documents = allow.section('documents');
  router.get('/documents', documents, validateQuery(DocumentsQuery), h.show);
  router.get('/documents/shared/:documentId/download', documents, h.downloadShared);
  router.get('/documents/uploads/:uploadId/download', documents, h.downloadUpload);
  router.get(UPLOAD_PATH, documents, h.uploadsAddress);
  router.post(UPLOAD_PATH, documents, allow.company('uploads'), h.upload);
  // Deleting cannot be undone: asked first on a page of its own.
  router.get('/documents/uploads/:uploadId/delete', documents, allow.own('uploads'), h.confirmDeleteUpload);
  router.post('/documents/uploads/:uploadId/delete', documents, allow.own('uploads'), h.deleteUpload);
  return router;
}
