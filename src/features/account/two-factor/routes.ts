// Two-factor routes. The second-factor page is public (the client is not signed in yet; the session
// only names who passed the first factor). The gate that sends clients of a workspace requiring
// two-factor to set-up comes first among the client routes, so it runs before any page; it is a
// router of its own, so the routes under /account are entered only by a path under /account
// (enteredByFirstSegment), not tried by every page.
import { Router } from 'express';
import { allow, validateBody } from '../../../core/index.ts';
import { ConfirmationCodeCommand, RemoveCommand, RenewRecoveryCodesCommand, SecondFactorCommand, SetupCommand } from './commands.ts';
import type { TwoFactorHandlers } from './handlers.ts';

export function twoFactorSignInRoutes(h: TwoFactorHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/sign-in/two-factor', h.showSecondFactor);
  router.post('/sign-in/two-factor', validateBody(SecondFactorCommand, h.invalidSecondFactor), h.verifySecondFactor);
  return router;
}

export function twoFactorGate(h: TwoFactorHandlers): Router {
  const router = Router({ mergeParams: true });
  router.use(h.gate);
  return router;
}

export function twoFactorAccountRoutes(h: TwoFactorHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/account/two-factor', allow.signedIn, h.showStatus);
  router.get('/account/two-factor/setup', allow.signedIn, h.showSetup);
  router.post('/account/two-factor/setup', allow.self, validateBody(SetupCommand, h.invalidSetup), h.confirmSetup);
  router.get('/account/two-factor/recovery-codes', allow.signedIn, h.showRecoveryCodes);
  router.post(
    '/account/two-factor/recovery-codes',
    allow.self,
    validateBody(RenewRecoveryCodesCommand, h.invalidRenewRecoveryCodes),
    h.renewRecoveryCodes,
  );
  router.post('/account/two-factor/remove', allow.self, validateBody(RemoveCommand, h.invalidRemove), h.remove);
  router.get('/account/two-factor/remove', allow.signedIn, h.toStatus);
  router.post('/account/confirmation-code', allow.self, validateBody(ConfirmationCodeCommand), h.sendConfirmationCode);
  router.get('/account/confirmation-code', allow.signedIn, h.toStatus);
  return router;
}
