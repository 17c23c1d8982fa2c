// The client's messages; all behind requireClient (see the workspace router). Each route's first
// step checks the section switch (allowMessaging): a switched-off section answers 404 like a page
// that does not exist; sending checks the right to write and the person's sending limit, before the
// form's body is read, then streams attachments into storage (receiveForm), checking the CSRF token the form carries first.
import { Router } from 'express';
import { allow, validateBody } from '../../core/index.ts';
import { MessageEmailsCommand, SendMessageCommand } from './commands.ts';
import type { MessageHandlers } from './handlers.ts';

export const MESSAGES_PATH = '/messages';

export function messageRoutes(h: MessageHandlers): Router {
  const router = Router({ mergeParams: true });
  const messages = allow.section('messages');
  router.get(MESSAGES_PATH, messages, h.show);
  router.post(
    MESSAGES_PATH,
    messages,
    allow.write('message'),
    allow.company('messages'),
    h.limitSending,
    h.receiveForm,
    validateBody(SendMessageCommand, h.invalidMessage),
    h.send,
  );
  router.get('/messages/stream', messages, h.stream);
  router.get('/messages/attachments/:attachmentId', messages, h.attachment);
  // The person's own email preference, kept whatever the section's switch says.
  router.post('/account/message-emails', allow.self, validateBody(MessageEmailsCommand), h.setMessageEmails);
  return router;
}
