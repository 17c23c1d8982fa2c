// Single sign-on's routes. The client's, on the public chain (no session needed before it): the
// start posts from the sign-in page (CSRF-checked like every anonymous form), the callback is the
// provider's redirect (a GET; the state kept in the session is its protection). The staff's, in
// the admin router behind the staff chain and the admin policy. Each line: path, validation, handler.
import { Router } from 'express';
import { validateBody, validateQuery } from '../../core/index.ts';
import {
  BindingCommand,
  CallbackQuery,
  ProviderActionCommand,
  ProviderCommand,
  ProvidersQuery,
  RefusedQuery,
  StartCommand,
} from './commands.ts';
import type { SingleSignOnAdminHandlers } from './admin-handlers.ts';
import type { SingleSignOnHandlers } from './handlers.ts';

export function singleSignOnRoutes(h: SingleSignOnHandlers): Router {
  const router = Router({ mergeParams: true });
  router.post('/sign-in/sso', validateBody(StartCommand), h.start);
  router.get('/sign-in/sso/callback', validateQuery(CallbackQuery), h.callback);
  router.get('/sign-in/sso/refused', validateQuery(RefusedQuery), h.refused);
  return router;
}

export function singleSignOnAdminRoutes(h: SingleSignOnAdminHandlers): Router {
  const router = Router();
  router.get('/single-sign-on', validateQuery(ProvidersQuery), h.list);
  router.get('/single-sign-on/new', h.showNew);
  router.post('/single-sign-on', validateBody(ProviderCommand, h.invalidNew), h.add);
  router.get('/single-sign-on/:providerId', validateQuery(ProvidersQuery), h.show);
  router.post('/single-sign-on/:providerId', validateBody(ProviderCommand, h.invalidProvider), h.save);
  router.post('/single-sign-on/:providerId/disable', validateBody(ProviderActionCommand), h.setEnabled(false));
  router.post('/single-sign-on/:providerId/enable', validateBody(ProviderActionCommand), h.setEnabled(true));
  router.post('/single-sign-on/:providerId/bindings', validateBody(BindingCommand, h.invalidBinding), h.bind);
  router.post('/single-sign-on/:providerId/bindings/:clientId/remove', validateBody(ProviderActionCommand), h.unbind);
  return router;
}
