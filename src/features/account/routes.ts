// Account routes; all behind requireClient (see the workspace router).
import { Router } from 'express';
import { allow, validateBody } from '../../core/index.ts';
import { ChangePasswordCommand, PreferencesCommand, UpdateProfileCommand } from './commands.ts';
import type { AccountHandlers } from './handlers.ts';

export function accountRoutes(h: AccountHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/account', allow.signedIn, h.show);
  router.post('/account/profile', allow.self, validateBody(UpdateProfileCommand, h.invalidProfile), h.updateProfile);
  router.get('/account/profile', allow.signedIn, h.toAccount);
  router.post(
    '/account/password',
    allow.self,
    h.requirePasswordSignIn,
    validateBody(ChangePasswordCommand, h.invalidPassword),
    h.changePassword,
  );
  router.get('/account/password', allow.signedIn, h.toAccount);
  router.post('/account/preferences', allow.self, validateBody(PreferencesCommand, h.invalidPreferences), h.savePreferences);
  router.get('/account/preferences', allow.signedIn, h.toAccount);
  router.post('/account/sessions/:sessionId/revoke', allow.self, h.revokeSession);
  router.get('/account/sessions/revoke-others', allow.signedIn, h.confirmRevokeOthers);
  router.post('/account/sessions/revoke-others', allow.self, h.revokeOtherSessions);
  return router;
}
