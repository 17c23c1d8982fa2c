// The agency's message pages, behind the staff router's guards (staff → workspace → flag → policy → CSRF).
import { Router } from 'express';
import { validateBody, validateQuery } from '../../core/index.ts';
import { AssignCommand, EmptyCommand, InboxQuery, SendMessageCommand } from './commands.ts';
import type { StaffHandlers } from './staff-handlers.ts';

export function staffMessageRoutes(h: StaffHandlers): Router {
  const router = Router();
  router.get('/', validateQuery(InboxQuery), h.inbox);
  router.get('/stream', h.stream);
  router.get('/:clientId', h.conversation);
  router.post('/:clientId', validateBody(SendMessageCommand, h.invalidReply), h.reply);
  router.post('/:clientId/read', validateBody(EmptyCommand), h.markRead);
  router.post('/:clientId/unread', validateBody(EmptyCommand), h.markUnread);
  router.post('/:clientId/assign', validateBody(AssignCommand), h.assign);
  router.get('/:clientId/attachments/:attachmentId', h.attachment);
  return router;
}
