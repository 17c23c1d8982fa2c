// The admin side, mounted by the host inside its settings area (behind its own staff sign-in):
// security headers and no-store → staff → workspace → feature flag → pages every staff member may
// read (each with its own policy) → pages and forms every staff member may use, each below a path
// of its own (its policy → form bodies → CSRF → its routes; nothing below that path goes further) →
// admin policy → form bodies → CSRF → settings routes.
import express, { Router } from 'express';
import {
  authorizeManagePortal,
  CsrfMismatch,
  type FeatureFlags,
  type HostAdapter,
  markCsrfRetry,
  notFound,
  type PortalConfig,
  type StaffWorkRoutes,
  postRouteMatcher,
  rerendersForm,
  staffChain,
  staffContext,
  verifyAdminCsrf,
  type WorkspaceCache,
  type StaffPage,
} from '../../core/index.ts';
import { parseMultipartForm } from './uploads.ts';

export interface AdminRouterDeps {
  /** The workspace cache: a staff page reads its workspace and the staff member's language from it. */
  workspaces: Pick<WorkspaceCache, 'byId'>;
  adapter: HostAdapter;
  /** The features' staff pages the navigation links (CoreServices.staffPagesShown). */
  staffPagesShown: readonly StaffPage[];
  flags: FeatureFlags;
  config: PortalConfig;
  /** GET pages every staff member of the workspace may read (record evidence); their routes authorize themselves. */
  readRoutes?: Router[];
  /** Pages and forms every staff member of the workspace may use (sharing work for approval), each below its own path. */
  staffRoutes?: StaffWorkRoutes[];
  routes: Router[];
}

const ADMIN_CSRF_RETRY =
  'These settings were not saved: someone signed in or out of the CRM in another tab, or the page was open for a long time. Check what you entered and save again.';

export function adminRouter(deps: AdminRouterDeps): Router {
  const router = Router();

  router.use(staffChain(deps, { base: deps.config.adminPath }));
  for (const routes of deps.readRoutes ?? []) router.use(routes);
  for (const staff of deps.staffRoutes ?? []) router.use(staffWorkRouter(staff));
  // Everything past the read-only pages, and every form, is the admins'.
  router.use((_req, res, next) => {
    const { staff, workspace } = staffContext(res);
    authorizeManagePortal(staff, workspace.id);
    next();
  });
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

/**
 * One feature's staff work pages, entered only below their path: its policy, the form bodies, CSRF
 * (a stale token is refused), its routes, else 404. Mounted without a path, so the route table reads
 * the routes as they are declared (in full).
 */
function staffWorkRouter(staff: StaffWorkRoutes): Router {
  const router = Router();
  const base = staff.path.toLowerCase();
  router.use((req, _res, next) => {
    const path = req.path.toLowerCase();
    next(path === base || path.startsWith(`${base}/`) ? undefined : 'router');
  });
  router.use(staff.authorize);
  router.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 100 }));
  if (staff.multipart) router.use(staff.multipart);
  router.use(verifyAdminCsrf);
  router.use(staff.router);
  router.use((_req, _res, next) => next(notFound()));
  return router;
}
