// Single sign-on's routes. The client's, on the public chain (no session needed before it): the
// start posts from the sign-in page (CSRF-checked like every anonymous form), the callback is the
// provider's redirect (a GET; the state kept in the session is its protection). SAML's consumer
// service is a callback route (samlCallbackRoutes), its metadata and continue page public. The staff's, in
// the admin router behind the staff chain and the admin policy. Each line: path, validation, handler.
import { Router } from 'express';
import { validateBody, validateQuery } from '../../core/index.ts';
import {
  AcsCommand,
  BindingCommand,
  CallbackQuery,
  ProviderActionCommand,
  ProviderCommand,
  ProvidersQuery,
  RefusedQuery,
  SamlContinueQuery,
  SamlProviderCommand,
  StartCommand,
} from './commands.ts';
import type { SingleSignOnAdminHandlers } from './admin-handlers.ts';
import type { SingleSignOnHandlers } from './handlers.ts';
import type { SamlHandlers } from './saml-handlers.ts';

export function singleSignOnRoutes(h: SingleSignOnHandlers, saml: SamlHandlers): Router {
  const router = Router({ mergeParams: true });
  router.post('/sign-in/sso', validateBody(StartCommand), h.start);
  router.get('/sign-in/sso/callback', validateQuery(CallbackQuery), h.callback);
  router.get('/sign-in/sso/refused', validateQuery(RefusedQuery), h.refused);
  router.get('/sign-in/sso/saml/continue', validateQuery(SamlContinueQuery), saml.showContinue);
  router.post('/sign-in/sso/saml/continue', validateBody(SamlContinueQuery), saml.continue);
  router.get('/saml/metadata', saml.metadata);
  return router;
}

/** The identity provider's form post: with the providers' callbacks, before the session and the CSRF check (see saml-handlers.ts). */
export function samlCallbackRoutes(saml: SamlHandlers): Router {
  const router = Router({ mergeParams: true });
  router.post('/saml/acs', saml.acsBody, validateBody(AcsCommand), saml.acs);
  return router;
}

export function singleSignOnAdminRoutes(h: SingleSignOnAdminHandlers): Router {
  const router = Router();
  router.get('/single-sign-on', validateQuery(ProvidersQuery), h.list);
  router.get('/single-sign-on/new', h.showNew);
  router.post('/single-sign-on', validateBody(ProviderCommand, h.invalidNew), h.add);
  router.get('/single-sign-on/new-saml', h.showNewSaml);
  router.post('/single-sign-on/saml', validateBody(SamlProviderCommand, h.invalidNewSaml), h.addSaml);
  router.get('/single-sign-on/:providerId', validateQuery(ProvidersQuery), h.show);
  router.post('/single-sign-on/:providerId', validateBody(ProviderCommand, h.invalidProvider), h.save);
  router.post('/single-sign-on/:providerId/saml', validateBody(SamlProviderCommand, h.invalidSamlProvider), h.saveSaml);
  router.post('/single-sign-on/:providerId/disable', validateBody(ProviderActionCommand), h.setEnabled(false));
  router.post('/single-sign-on/:providerId/enable', validateBody(ProviderActionCommand), h.setEnabled(true));
  router.post('/single-sign-on/:providerId/bindings', validateBody(BindingCommand, h.invalidBinding), h.bind);
  router.post('/single-sign-on/:providerId/bindings/:clientId/remove', validateBody(ProviderActionCommand), h.unbind);
  return router;
}
