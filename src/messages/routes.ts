// The client's messages; all behind requireClient (see the workspace router). The section switch
// (allowMessaging) is checked in each handler through the policy, so a switched-off section answers
// 404 like a page that does not exist.
import { Router, type Response } from 'express';
import { portalI18n } from '../web/portal-context.ts';
import { validateBody } from '../web/validate.ts';
import { MessageEmailsCommand, SendMessageCommand } from './commands.ts';
import type { MessageHandlers } from './handlers.ts';
import { parseMessageForm } from './uploads.ts';
import { ATTACHMENT_MAX_BYTES } from './attachments.ts';

// Over-size files stop at multer's fixed cap; the workspace's own (lower) limit is checked after.
const translate = (res: Response, key: string) => portalI18n(res).t(key, { mb: ATTACHMENT_MAX_BYTES / (1024 * 1024) });

export function messageRoutes(h: MessageHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/messages', h.show);
  router.post('/messages', parseMessageForm(translate), validateBody(SendMessageCommand, h.invalidMessage), h.send);
  router.get('/messages/stream', h.stream);
  router.get('/messages/attachments/:attachmentId', h.attachment);
  router.post('/account/message-emails', validateBody(MessageEmailsCommand), h.setMessageEmails);
  return router;
}
