// The client's messages; all behind requireClient (see the workspace router). The section switch
// (allowMessaging) is checked in each handler through the policy, so a switched-off section answers
// 404 like a page that does not exist; sending checks it (and the right to write) in mayWrite,
// before the form's body is read, then streams attachments into storage (receiveForm).
import { Router } from 'express';
import { validateBody } from '../../core/web/validate.ts';
import { MessageEmailsCommand, SendMessageCommand } from './commands.ts';
import type { MessageHandlers } from './handlers.ts';
export function messageRoutes(h: MessageHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/messages', h.show);
  router.post('/messages', h.mayWrite, h.receiveForm, validateBody(SendMessageCommand, h.invalidMessage), h.send);
  router.get('/messages/stream', h.stream);
  router.get('/messages/attachments/:attachmentId', h.attachment);
  router.post('/account/message-emails', validateBody(MessageEmailsCommand), h.setMessageEmails);
  return router;
}
