// The absolute address of a workspace's portal, for what is read away from a page (emails, a
// payment provider's return): the root of its verified custom domain where it has one, else
// appUrl + portalPath + slug. Pages build their links from the request instead (the portal
// context's base), so a person keeps the host they came in at.
import type { PortalConfig } from '../config.ts';
import type { HostWorkspace } from '../ports/host.ts';

export interface PortalLinks {
  /**
   * The address, without a trailing slash. It may read the database: call it before opening a
   * transaction (on the embedded database a read outside an open transaction waits for it forever).
   */
  baseOf(workspace: Pick<HostWorkspace, 'id' | 'slug'>): Promise<string>;
  /** How the portal learns a workspace's verified custom domain; told once, by the feature that keeps them. */
  useCustomDomains(verifiedHostOf: (workspaceId: string) => Promise<string | null>): void;
}

export function createPortalLinks(config: Pick<PortalConfig, 'appUrl' | 'portalPath'>): PortalLinks {
  let verifiedHostOf: ((workspaceId: string) => Promise<string | null>) | null = null;
  // A custom domain is served by the same server as the portal's own address, so over its scheme
  // (https in production) and at its port (none in production; the one a server run by hand listens on).
  const own = new URL(config.appUrl);
  const scheme = own.protocol;
  const port = own.port ? `:${own.port}` : '';
  return {
    async baseOf(workspace) {
      const host = verifiedHostOf ? await verifiedHostOf(workspace.id) : null;
      return host ? `${scheme}//${host}${port}` : `${config.appUrl}${config.portalPath}/${encodeURIComponent(workspace.slug)}`;
    },
    useCustomDomains(lookup) {
      if (verifiedHostOf) throw new Error('The portal’s custom domains are told once.');
      verifiedHostOf = lookup;
    },
  };
}
