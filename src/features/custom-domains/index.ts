// Custom domains: staff add the agency's own domain for the workspace's portal, create the DNS
// records the page shows, and check them; once the TXT token is found the portal is served at that
// host (hostRouting, mounted by the host before its routers), and a TLS proxy may get it a
// certificate (tlsAsk). Links, redirects and cookies there start at the host's root.
import type { RequestHandler } from 'express';
import type { CoreServices, Feature } from '../../core/index.ts';
import { dnsTxtLookup } from './dns-check.ts';
import { createCustomDomainHandlers } from './handlers.ts';
import { hostRouting, tlsAskHandler } from './host-routing.ts';
import { customDomainsManifest } from './manifest.ts';
import { customDomainAdminRoutes } from './routes.ts';
import { createCustomDomains } from './service.ts';

export interface CustomDomainsFeature extends Feature {
  /** Mounted on the host's app before every router: a verified domain's requests become its workspace's. */
  hostRouting: RequestHandler;
  /** The on-demand TLS question: 200 for a verified domain, 404 for any other name. */
  tlsAsk: RequestHandler;
}

export function customDomainsFeature(core: CoreServices): CustomDomainsFeature {
  const { db, config, now, workspaces, limiter } = core;
  const appHost = new URL(config.appUrl).hostname;
  const target = config.customDomains.target ?? appHost;
  const ownHosts = [appHost, target];
  const domains = createCustomDomains({
    db,
    now,
    target,
    ownHosts,
    lookup: dnsTxtLookup(config.customDomains.resolvers),
  });
  // Emails and other links read away from a page name the workspace's verified domain; a SAML
  // service provider's metadata names each of them.
  core.links.useCustomDomains({
    verifiedHostOf: (workspaceId) => domains.verifiedHostOf(workspaceId),
    verifiedHostsOf: (workspaceId) => domains.verifiedHostsOf(workspaceId),
  });
  return {
    name: customDomainsManifest.name,
    needs: { ports: [] },
    adminRoutes: [customDomainAdminRoutes(createCustomDomainHandlers(domains))],
    hostRouting: hostRouting({ domains, workspaces, portalPath: config.portalPath, ownHosts, appUrl: config.appUrl }),
    tlsAsk: tlsAskHandler({ domains, limiter }),
  };
}
