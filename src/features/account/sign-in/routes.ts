// Sign-in routes of one workspace's portal. Read left to right: path, sign-in method switched on,
// validation, handler.
import { Router } from 'express';
import { validateBody } from '../../../core/index.ts';
import {
  ChooseLanguageCommand,
  ForgotPasswordCommand,
  PasswordSignInCommand,
  RequestCodeCommand,
  SetPasswordCommand,
  VerifyCodeCommand,
} from './commands.ts';
import type { AuthHandlers } from './handlers.ts';

export function authRoutes(h: AuthHandlers): Router {
  const router = Router({ mergeParams: true });
  const code = h.requireMethod('code');
  const password = h.requireMethod('password');

  router.get('/sign-in', h.showSignIn);
  router.post('/sign-in/language', validateBody(ChooseLanguageCommand, h.invalidLanguage), h.chooseLanguage);
  router.get('/sign-in/language', h.toSignIn);
  router.post('/sign-in/code', code, validateBody(RequestCodeCommand, h.invalidSignIn), h.requestCode);
  router.get('/sign-in/code', code, h.showCodeForm);
  router.post('/sign-in/code/verify', code, validateBody(VerifyCodeCommand, h.invalidCode), h.verifyCode);
  router.get('/sign-in/code/verify', code, h.toCodeForm);
  router.post('/sign-in/password', password, validateBody(PasswordSignInCommand, h.invalidSignIn), h.signInWithPassword);
  router.get('/sign-in/password', password, h.toSignIn);

  router.get('/password/forgot', password, h.showForgot);
  router.post('/password/forgot', password, validateBody(ForgotPasswordCommand, h.invalidForgot), h.requestReset);
  router.get('/password/reset/:token', h.showSetPassword('reset'));
  router.post('/password/reset/:token', validateBody(SetPasswordCommand, h.invalidSetPassword('reset')), h.setPassword('reset'));

  router.get('/invitation/:token', h.showSetPassword('invite'));
  router.post('/invitation/:token', validateBody(SetPasswordCommand, h.invalidSetPassword('invite')), h.setPassword('invite'));

  router.post('/sign-out', h.signOut);
  return router;
}
