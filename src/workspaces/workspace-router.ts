// Everything under /portal/:workspaceSlug, in the order a request meets it:
// workspace → feature flag → settings and branding → language (workspace and browser) →
// provider callbacks (signed, sessionless) → session →
// CSRF → signed-in client (and their own language) → public sign-in routes → routes for signed-in
// clients → branded 404.
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Knex } from 'knex';
import type { HostAdapter } from '../ports/host.ts';
import type { FeatureFlags } from '../ports/services.ts';
import type { PortalConfig } from '../config.ts';
import { buildBranding, brandingStylesheet } from '../branding/branding.ts';
import { findClientUserById } from '../client-users/queries.ts';
import { mayUsePortal } from '../policies/portal-policy.ts';
import { findSettings } from '../settings/queries.ts';
import { verifySessionCsrf } from '../web/csrf.ts';
import { HttpError, notFound } from '../web/http-error.ts';
import { portalContext, type PortalContext } from '../web/portal-context.ts';
import { isFragmentRequest } from '../web/render.ts';
import type { FileStorage } from '../ports/services.ts';
import { PORTAL_FLAG } from '../flags/flag-names.ts';
import { requestI18n } from '../i18n/request-i18n.ts';
import { PORTAL_SECTIONS, type PortalSection } from '../policies/portal-policy.ts';
import { routeTable } from '../web/route-table.ts';
import '../sessions/session-data.ts';

export interface WorkspaceRouterDeps {
  db: Knex;
  adapter: HostAdapter;
  flags: FeatureFlags;
  storage: FileStorage;
  config: PortalConfig;
  session: RequestHandler;
  /** Routes anyone may reach (sign-in, links from emails). */
  publicRoutes: Router[];
  /** Routes for signed-in clients only. */
  clientRoutes: Router[];
  /** Server-to-server callbacks (payment providers): no session, no CSRF token; they prove themselves by signature. */
  callbackRoutes?: Router[];
}

export function workspaceRouter(deps: WorkspaceRouterDeps): Router {
  const router = Router({ mergeParams: true });
  const assets = `${deps.config.portalPath}/assets`;
  const clientPages = new Set(routeTable(deps.clientRoutes).filter((route) => route.method === 'GET').map((route) => route.path));
  const sectionPages: ReadonlySet<PortalSection> = new Set(PORTAL_SECTIONS.filter((section) => clientPages.has(`/${section}`)));

  const loadWorkspace = async (req: Request, res: Response, next: NextFunction) => {
    const slug = String(req.params.workspaceSlug ?? '');
    const workspace = /^[a-z0-9][a-z0-9-]{0,59}$/i.test(slug) ? await deps.adapter.workspaces.findBySlug(slug) : null;
    // A workspace without the portal switched on is indistinguishable from one that does not exist.
    if (!workspace || !deps.flags.isEnabled(PORTAL_FLAG, { workspaceId: workspace.id, workspaceSlug: workspace.slug })) {
      return next(notFound());
    }
    const settings = await findSettings(deps.db, workspace.id);
    const base = `${deps.config.portalPath}/${encodeURIComponent(workspace.slug)}`;
    const uploadedLogo = settings.logoFileId ? `${base}/branding/logo?v=${settings.logoFileId.slice(0, 8)}` : null;
    const i18n = requestI18n(req, { workspaceLocale: settings.defaultLocale, workspaceTimeZone: settings.defaultTimeZone });
    const context: PortalContext = { workspace, settings, branding: buildBranding(workspace, settings, uploadedLogo), base, assets, sectionPages, i18n };
    res.locals.customerPortal = context;
    next();
  };

  const loadClient = async (req: Request, res: Response, next: NextFunction) => {
    const context = portalContext(res);
    const auth = req.session.portal;
    if (!auth || auth.workspaceId !== context.workspace.id) return next();
    const user = await findClientUserById(deps.db, context.workspace.id, auth.clientUserId);
    const contact = user && mayUsePortal(user.status) ? await deps.adapter.contacts.findById(context.workspace.id, user.contact_id) : null;
    if (!user || !contact) {
      // Disabled, removed, or its contact is gone: the session no longer signs anyone in.
      delete req.session.portal;
      return next();
    }
    context.client = { user, contact };
    if (user.locale || user.time_zone) {
      context.i18n = requestI18n(req, {
        clientLocale: user.locale,
        clientTimeZone: user.time_zone,
        workspaceLocale: context.settings.defaultLocale,
        workspaceTimeZone: context.settings.defaultTimeZone,
      });
    }
    next();
  };

  const requireClient = (req: Request, res: Response, next: NextFunction) => {
    const context = portalContext(res);
    if (context.client) return next();
    const signIn = `${context.base}/sign-in?next=${encodeURIComponent(req.originalUrl)}`;
    if (req.method === 'GET' && !isFragmentRequest(req)) return res.redirect(303, signIn);
    res.set('HX-Redirect', signIn);
    next(new HttpError(401, 'Your session has ended. Please sign in again.'));
  };

  router.use(loadWorkspace);

  // Branding assets need no session: they are the same for every visitor of the workspace.
  router.get('/branding.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'no-cache').send(brandingStylesheet(portalContext(res).branding));
  });
  router.get('/branding/logo', async (_req, res, next) => {
    const { workspace, settings } = portalContext(res);
    const file = settings.logoFileId ? await deps.storage.get(workspace.id, settings.logoFileId) : null;
    if (!file) return next(notFound());
    res.type(file.contentType).set('Cache-Control', 'public, max-age=86400').set('X-Content-Type-Options', 'nosniff').send(file.content);
  });

  for (const routes of deps.callbackRoutes ?? []) router.use(routes);

  router.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 50 }));
  router.use(deps.session);
  router.use(verifySessionCsrf);
  router.use(loadClient);
  for (const routes of deps.publicRoutes) router.use(routes);
  router.use(requireClient);
  for (const routes of deps.clientRoutes) router.use(routes);
  router.use((_req, _res, next) => next(notFound()));
  return router;
}
