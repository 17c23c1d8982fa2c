// The start of every staff router (settings, inbox, notifications), written once. In the order a
// request meets it: security headers (the client portal's strict CSP: no inline script or style
// here either) and no-store → the host's signed-in staff user (401 without) → their workspace and
// the portal flag (404 where either is missing) → the router's own policy (403) → the staff
// context every staff page reads. Body parsing and the CSRF check follow in each router, as their
// forms differ (multipart settings and attachments, small notification forms).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { PortalConfig } from '../config.ts';
import { PORTAL_FLAG } from '../flags/flag-names.ts';
import type { StaffPage } from '../host/feature-ports.ts';
import type { HostAdapter, HostStaffUser, HostWorkspace } from '../ports/host.ts';
import type { FeatureFlags } from '../ports/services.ts';
import { adminCsrfToken } from './admin-csrf.ts';
import { noStore } from '../web/cache-control.ts';
import { HttpError, notFound } from '../http/http-error.ts';
import { securityHeaders } from '../web/security-headers.ts';
import { setStaffContext } from './staff-context.ts';
import { staffRequestI18n } from '../i18n/request-i18n.ts';
import type { Locale } from '../i18n/translations.ts';

export interface StaffChainDeps {
  /**
   * The workspace with its staff's languages, from memory (the workspace cache, whose entry has
   * these two and more; named by shape so the staff folder does not import the workspaces one).
   */
  workspaces: {
    byId(workspaceId: string): Promise<{ workspace: HostWorkspace; staffLocales: ReadonlyMap<string, Locale> } | null>;
  };
  adapter: HostAdapter;
  flags: FeatureFlags;
  config: PortalConfig;
  /** The features' staff pages this host has the ports for (CoreServices.staffPagesShown): the navigation links them. */
  staffPagesShown: readonly StaffPage[];
}

export interface StaffChainOptions {
  /** Where the router is mounted. */
  base: string;
  /** The policy step: throws a 403 when this staff user may not use the router. */
  authorize?: (staff: HostStaffUser, workspaceId: string) => void;
}

export function staffChain(deps: StaffChainDeps, options: StaffChainOptions): RequestHandler[] {
  const { adapter, flags, config } = deps;
  const loadStaff = async (req: Request, res: Response, next: NextFunction) => {
    const staff = await adapter.staff.current(req);
    if (!staff) return next(new HttpError(401, 'Please sign in to the CRM first.'));
    const entry = await deps.workspaces.byId(staff.workspaceId);
    const workspace = entry?.workspace ?? null;
    if (!entry || !workspace || !flags.isEnabled(PORTAL_FLAG, { workspaceId: workspace.id, workspaceSlug: workspace.slug }))
      return next(notFound());
    options.authorize?.(staff, workspace.id);
    // The language chosen in the portal comes first, then the host's own setting, then the browser.
    const chosenLocale = entry.staffLocales.get(staff.id) ?? null;
    setStaffContext(res, {
      staff,
      workspace,
      csrfToken: adminCsrfToken(config.sessionSecret, staff, workspace.id),
      base: options.base,
      assets: `${config.portalPath}/assets`,
      portalBase: `${config.portalPath}/${encodeURIComponent(workspace.slug)}`,
      hostLayout: adapter.layout,
      i18n: staffRequestI18n(req, { ...staff, locale: chosenLocale ?? staff.locale ?? null }),
      languageUrl: `${config.notificationsPath}/language`,
      chosenLocale,
      pagesShown: deps.staffPagesShown,
    });
    next();
  };
  return [securityHeaders({ secure: config.secureCookies }), noStore, loadStaff];
}
