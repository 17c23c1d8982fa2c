// The absolute address of a workspace's portal, for what is read away from a page (emails, a
// payment provider's return): the root of its verified custom domain where it has one, else
// appUrl + portalPath + slug. Pages build their links from the request instead (the portal
// context's base), so a person keeps the host they came in at.
import type { PortalConfig } from '../config.ts';
import { customDomainOrigin } from '../http/served-host.ts';
import type { HostWorkspace } from '../ports/host.ts';

/** What the portal asks of the feature that keeps the custom domains. */
interface VerifiedHostLookup {
  /** The verified domain links read away from a page use; null without one. */
  verifiedHostOf(workspaceId: string): Promise<string | null>;
  /** Every verified domain of the workspace, in the order they were verified. */
  verifiedHostsOf(workspaceId: string): Promise<string[]>;
}

export interface PortalLinks {
  /**
   * The address, without a trailing slash. It may read the database: call it before opening a
   * transaction (on the embedded database a read outside an open transaction waits for it forever).
   */
  baseOf(workspace: Pick<HostWorkspace, 'id' | 'slug'>): Promise<string>;
  /**
   * The root of each verified custom domain the workspace is served at (none without), for what
   * names every address of the portal at once (a SAML service provider's metadata). Read afresh
   * each time, with the same care about transactions as baseOf.
   */
  customDomainBasesOf(workspace: Pick<HostWorkspace, 'id'>): Promise<string[]>;
  /** How the portal learns a workspace's verified custom domains; told once, by the feature that keeps them. */
  useCustomDomains(lookup: VerifiedHostLookup): void;
}

export function createPortalLinks(config: Pick<PortalConfig, 'appUrl' | 'portalPath'>): PortalLinks {
  let domains: VerifiedHostLookup | null = null;
  const rootOf = (host: string) => customDomainOrigin(host, config.appUrl);
  return {
    async baseOf(workspace) {
      const host = domains ? await domains.verifiedHostOf(workspace.id) : null;
      return host ? rootOf(host) : `${config.appUrl}${config.portalPath}/${encodeURIComponent(workspace.slug)}`;
    },
    async customDomainBasesOf(workspace) {
      return domains ? (await domains.verifiedHostsOf(workspace.id)).map(rootOf) : [];
    },
    useCustomDomains(lookup) {
      if (domains) throw new Error('The portal’s custom domains are told once.');
      domains = lookup;
    },
  };
}
