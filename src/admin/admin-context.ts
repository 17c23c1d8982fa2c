// The admin side's per-request context, under its own res.locals key.
import type { Response } from 'express';
import type { HostLayoutPort, HostStaffUser, HostWorkspace } from '../ports/host.ts';

export interface AdminContext {
  staff: HostStaffUser;
  workspace: HostWorkspace;
  csrfToken: string;
  /** Where the admin router is mounted, e.g. /settings/client-portal. */
  base: string;
  /** The portal's static assets (CSS, htmx), served by the client router. */
  assets: string;
  /** This workspace's portal, e.g. /portal/acme: where its clients sign in and its logo is served. */
  portalBase: string;
  /** The host's page around the admin pages, when the host offers one. */
  hostLayout?: HostLayoutPort;
}

export function adminContext(res: Response): AdminContext {
  const context = res.locals.customerPortalAdmin as AdminContext | undefined;
  if (!context) throw new Error('admin context used before the staff user was loaded');
  return context;
}

/** The context when the guards got that far; error pages use it to show the admin navigation. */
export function maybeAdminContext(res: Response): AdminContext | null {
  return (res.locals.customerPortalAdmin as AdminContext | undefined) ?? null;
}
