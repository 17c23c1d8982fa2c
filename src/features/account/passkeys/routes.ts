// Passkey routes. Signing in with one, or using one as the second factor, is public (its options
// and its answer); the list, adding and
// removing are the signed-in person's own, and exist only for those who may use passkeys.
import { type NextFunction, type Request, type Response, Router } from 'express';
import { allow, notFound, validateBody } from '../../../core/index.ts';
import { AddPasskeyCommand, PasskeySignInCommand, RegistrationOptionsCommand } from './commands.ts';
import type { PasskeyHandlers } from './handlers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A passkey's address names it by its id; anything else names none. */
function passkeyId(_req: Request, _res: Response, next: NextFunction, id: string) {
  next(UUID.test(id) ? undefined : notFound());
}

export function passkeySignInRoutes(h: PasskeyHandlers): Router {
  const router = Router({ mergeParams: true });
  router.post('/sign-in/passkey/options', h.signInOptions);
  router.get('/sign-in/passkey/options', h.toSignIn);
  router.post('/sign-in/passkey', validateBody(PasskeySignInCommand, h.invalidSignIn), h.signIn);
  router.get('/sign-in/passkey', h.toSignIn);
  router.post('/sign-in/two-factor/passkey/options', h.secondFactorOptions);
  router.get('/sign-in/two-factor/passkey/options', h.toSecondFactor);
  router.post('/sign-in/two-factor/passkey', validateBody(PasskeySignInCommand, h.toSecondFactor), h.secondFactor);
  router.get('/sign-in/two-factor/passkey', h.toSecondFactor);
  return router;
}

export function passkeyAccountRoutes(h: PasskeyHandlers): Router {
  const router = Router({ mergeParams: true });
  router.param('passkeyId', passkeyId);
  router.get('/account/passkeys', allow.signedIn, h.requireAllowed, h.showList);
  router.post('/account/passkeys', allow.self, h.requireAllowed, validateBody(AddPasskeyCommand, h.invalidAdd), h.add);
  router.post('/account/passkeys/options', allow.self, h.requireAllowed, validateBody(RegistrationOptionsCommand), h.registrationOptions);
  router.get('/account/passkeys/options', allow.signedIn, h.toList);
  router.get('/account/passkeys/:passkeyId/remove', allow.signedIn, h.requireAllowed, h.showRemove);
  router.post('/account/passkeys/:passkeyId/remove', allow.self, h.requireAllowed, h.remove);
  return router;
}
