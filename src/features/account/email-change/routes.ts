// Changing the sign-in email; behind requireClient (see the workspace router).
import { Router } from 'express';
import { allow, validateBody } from '../../../core/index.ts';
import { ChangeEmailCommand, ConfirmEmailCommand } from '../two-factor/commands.ts';
import type { EmailChangeHandlers } from './handlers.ts';

export function emailChangeRoutes(h: EmailChangeHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/account/email', allow.signedIn, h.show);
  router.post('/account/email', allow.self, validateBody(ChangeEmailCommand, h.invalid), h.request);
  router.get('/account/email/confirm', allow.signedIn, h.showConfirm);
  router.post('/account/email/confirm', allow.self, validateBody(ConfirmEmailCommand, h.invalidConfirm), h.confirm);
  return router;
}
