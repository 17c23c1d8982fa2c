// The admin side, mounted by the host inside its settings area (behind its own staff sign-in):
// security headers and no-store → staff → workspace → feature flag → admin policy → form bodies → CSRF →
// settings routes.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { HostAdapter } from '../ports/host.ts';
import type { FeatureFlags } from '../ports/services.ts';
import type { PortalConfig } from '../config.ts';
import { PORTAL_FLAG } from '../flags/flag-names.ts';
import { authorizeManagePortal } from '../policies/portal-policy.ts';
import { HttpError, notFound } from '../web/http-error.ts';
import { securityHeaders } from '../web/security-headers.ts';
import { noStore } from '../web/cache-control.ts';
import type { AdminContext } from './admin-context.ts';
import { CsrfMismatch } from '../web/csrf.ts';
import { markCsrfRetry, postRouteMatcher, rerendersForm } from '../web/csrf-retry.ts';
import { adminCsrfToken, verifyAdminCsrf } from './admin-csrf.ts';
import { parseMultipartForm } from './uploads.ts';

export interface AdminRouterDeps {
  adapter: HostAdapter;
  flags: FeatureFlags;
  config: PortalConfig;
  routes: Router[];
}

const ADMIN_CSRF_RETRY = 'These settings were not saved: someone signed in or out of the CRM in another tab, or the page was open for a long time. Check what you entered and save again.';

export function adminRouter(deps: AdminRouterDeps): Router {
  const router = Router();

  const loadStaffWorkspace = async (req: Request, res: Response, next: NextFunction) => {
    const staff = await deps.adapter.staff.current(req);
    if (!staff) return next(new HttpError(401, 'Please sign in to the CRM first.'));
    const workspace = await deps.adapter.workspaces.findById(staff.workspaceId);
    if (!workspace || !deps.flags.isEnabled(PORTAL_FLAG, { workspaceId: workspace.id, workspaceSlug: workspace.slug })) return next(notFound());
    authorizeManagePortal(staff, workspace.id);
    const context: AdminContext = {
      staff,
      workspace,
      csrfToken: adminCsrfToken(deps.config.sessionSecret, staff, workspace.id),
      base: deps.config.adminPath,
      assets: `${deps.config.portalPath}/assets`,
      portalBase: `${deps.config.portalPath}/${encodeURIComponent(workspace.slug)}`,
      hostLayout: deps.adapter.layout,
    };
    res.locals.customerPortalAdmin = context;
    next();
  };

  // The same strict CSP as the client portal: the admin pages have no inline script or style either.
  router.use(securityHeaders({ secure: deps.config.secureCookies }));
  router.use(noStore);
  router.use(loadStaffWorkspace);
  router.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 100 }));
  // Parsed before the CSRF check: a multipart form carries its _csrf field inside the same body.
  router.use(parseMultipartForm());
  // A stale token (another staff user signed in in another tab): the settings form shows itself
  // again with a fresh token and what was typed; other actions are refused as before.
  const retryableForm = postRouteMatcher(deps.routes, rerendersForm);
  router.use((req, res, next) =>
    verifyAdminCsrf(req, res, (err?: unknown) => {
      if (!(err instanceof CsrfMismatch)) return next(err);
      retryableForm(req, res).then((retry) => {
        if (!retry) return next(err);
        markCsrfRetry(req, ADMIN_CSRF_RETRY);
        next();
      }, next);
    }),
  );
  for (const routes of deps.routes) router.use(routes);
  router.use((_req, _res, next) => next(notFound()));
  return router;
}
