// Account routes; all behind requireClient (see the workspace router).
import { Router } from 'express';
import { validateBody } from '../../core/web/validate.ts';
import { ChangePasswordCommand, PreferencesCommand, UpdateProfileCommand } from './commands.ts';
import type { AccountHandlers } from './handlers.ts';

export function accountRoutes(h: AccountHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/account', h.show);
  router.post('/account/profile', validateBody(UpdateProfileCommand, h.invalidProfile), h.updateProfile);
  router.get('/account/profile', h.toAccount);
  router.post('/account/password', h.requirePasswordSignIn, validateBody(ChangePasswordCommand, h.invalidPassword), h.changePassword);
  router.get('/account/password', h.toAccount);
  router.post('/account/preferences', validateBody(PreferencesCommand, h.invalidPreferences), h.savePreferences);
  router.get('/account/preferences', h.toAccount);
  router.post('/account/sessions/:sessionId/revoke', h.revokeSession);
  router.get('/account/sessions/revoke-others', h.confirmRevokeOthers);
  router.post('/account/sessions/revoke-others', h.revokeOtherSessions);
  return router;
}
