// Single sign-on: clients of a company the agency bound to an identity provider sign in through it
// (OpenID Connect, authorization code with PKCE; or SAML 2.0); staff add the providers and bind companies.
import { type CoreServices, type Feature, inProduction } from '../../core/index.ts';
import type { CompleteSignIn, SingleSignOnHooks } from '../account/index.ts';
import { createSingleSignOnAdminHandlers } from './admin-handlers.ts';
import { createSingleSignOnHandlers } from './handlers.ts';
import { singleSignOnManifest } from './manifest.ts';
import { createIssuerNetwork } from './issuer-network.ts';
import { createOpenId } from './openid.ts';
import { singleSignOnPersonalData } from './personal-data.ts';
import { createProviders } from './providers.ts';
import { samlCallbackRoutes, singleSignOnAdminRoutes, singleSignOnRoutes } from './routes.ts';
import { createSamlProtocol } from './saml.ts';
import { createSamlHandlers } from './saml-handlers.ts';
import { createSamlSignIn } from './saml-sign-in.ts';
import { createSingleSignOnMatcher } from './sign-in-service.ts';

/**
 * The feature, and its answers for the account feature's sign-in page and rules. `completeSignIn`
 * is the account feature's end of a sign-in, which itself asks these answers: called only per
 * request, so either may be created first.
 */
export function singleSignOnFeature(core: CoreServices, deps: { completeSignIn: CompleteSignIn }): Feature & { signIn: SingleSignOnHooks } {
  const { db, adapter, staffAdapter, config, sessionLifecycle, logger, now, events, limiter, links } = core;
  const providers = createProviders({ db, config, bus: events });
  const network = createIssuerNetwork(config.singleSignOn);
  const matcher = createSingleSignOnMatcher({ db, adapter });
  // In production SAML assertions must be signed themselves, whatever a provider's row says: decided
  // by the portal's config (secure cookies), as its other production rules are.
  const production = inProduction(config);
  const protocol = createSamlProtocol({ production, now });
  const saml = createSamlSignIn({ db, config, links, providers, protocol, matcher, now });
  const samlHandlers = createSamlHandlers({ db, config, saml, limiter, completeSignIn: deps.completeSignIn });
  const handlers = createSingleSignOnHandlers({
    db,
    config,
    providers,
    openId: createOpenId({ network }),
    matcher,
    saml,
    sessions: sessionLifecycle,
    completeSignIn: deps.completeSignIn,
    logger,
    now,
    limiter,
  });
  return {
    name: singleSignOnManifest.name,
    needs: { ports: [] },
    signIn: { signInOptions: handlers.signInOptions, passwordAndCodeAllowed: handlers.passwordAndCodeAllowed },
    personalData: singleSignOnPersonalData({ db }),
    publicRoutes: [singleSignOnRoutes(handlers, samlHandlers)],
    callbackRoutes: [samlCallbackRoutes(samlHandlers)],
    adminRoutes: [
      singleSignOnAdminRoutes(createSingleSignOnAdminHandlers({ providers, network, adapter: staffAdapter, config, saml, production })),
    ],
  };
}
