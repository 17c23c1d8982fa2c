// Requests routes, behind requireClient and the requests section (switched off, or without the
// permission, every page is a 404 like one that does not exist). Sending a request: the
// definition is loaded first (an unknown one is a 404 before the body is read), then the form with
// its files (CSRF token in the body, checked as it is read), then the answers against a schema
// built from the definition's fields. A message in a request's thread: a 404 where requests have
// no thread (ServiceRequestsPort.staffReadsThread), the person's comments limit, then the message
// against the comments' schema (refused: the page again, as typed, 422).
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../core/index.ts';
import { AddCommentCommand } from '../messages/index.ts';
import { MyRequestsQuery } from './commands.ts';
import type { RequestsHandlers } from './handlers.ts';

const FORM_PATH = '/requests/new/:definitionId';
/** The form that may carry files, for the workspace router's multipart list. */
export const REQUESTS_MULTIPART_PATHS = [FORM_PATH];

export function requestsRoutes(h: RequestsHandlers): Router {
  const router = Router({ mergeParams: true });
  const requests = allow.section('requests');
  router.get('/requests', requests, h.catalogue);
  router.get(FORM_PATH, requests, allow.company('requests'), h.newForm);
  router.post(
    FORM_PATH,
    requests,
    allow.company('requests'),
    h.loadDefinition,
    h.receiveForm,
    h.resolvePending,
    h.validateAnswers,
    h.submit,
  );
  router.get('/requests/mine', requests, validateQuery(MyRequestsQuery), h.mine);
  router.get('/requests/mine/:requestId', requests, h.show);
  router.post(
    '/requests/mine/:requestId/comments',
    requests,
    allow.company('requests'),
    h.threadOpen,
    h.limitComments,
    validateBody(AddCommentCommand, h.invalidComment),
    h.addComment,
  );
  router.get('/requests/mine/:requestId/files/:attachmentId', requests, h.attachment);
  return router;
}
