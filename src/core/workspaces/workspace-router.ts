// Everything under /portal/:workspaceSlug, in the order a request meets it:
// provider callbacks (signed, sessionless; their workspace looked up whatever the feature flag says:
// they report money a checkout the portal started has already taken) →
// no-store (branding assets replace it with their own caching) → workspace with its settings and branding (from the per-instance cache;
// at a workspace's own domain only that workspace, its links starting at the root) → feature flag →
// language (workspace and browser) → one form at a time per session (web/one-write-per-session.ts) → form bodies (32 KB;
// the accept forms, carrying a drawn signature, their own larger cap) → session →
// CSRF (streamed uploads check theirs in their route) → signed-in client (their contact and the
// host's client permissions, read together; their own language) →
// public sign-in routes → routes for signed-in clients → branded 404.
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Knex } from 'knex';
import type { HostAdapter } from '../ports/host.ts';
import type { FeatureFlags } from '../ports/services.ts';
import type { PortalConfig } from '../config.ts';
import { brandingStylesheet } from '../branding/branding.ts';
import { accessOf, findClientUserWithAccess } from '../client-users/queries.ts';
import { effectiveSettings } from '../policies/client-access.ts';
import { clientUserReadWithSession } from '../sessions/portal-sessions.ts';
import { countVisible, mayUsePortal } from '../policies/portal-policy.ts';
import { CsrfMismatch, portalCsrfCheck, type PortalCsrf } from '../web/csrf.ts';
import { markCsrfRetry, postRouteMatcher, rerendersForm } from '../web/csrf-retry.ts';
import { oneWritePerSession } from '../web/one-write-per-session.ts';
import { safeNext } from '../web/safe-next.ts';
import { HttpError, notFound } from '../http/http-error.ts';
import { servedHostOf } from '../http/served-host.ts';
import { portalContext, type PortalContext } from '../web/portal-context.ts';
import { isFragmentRequest } from '../web/render.ts';
import { noStore } from '../web/cache-control.ts';
import type { FileStorage } from '../ports/services.ts';
import { PORTAL_FLAG } from '../flags/flag-names.ts';
import { chosenLocale } from '../i18n/chosen-language.ts';
import { requestI18n } from '../i18n/request-i18n.ts';
import { PORTAL_SECTIONS, type PortalSection } from '../policies/portal-policy.ts';
import { enteredByFirstSegment, routeTable } from '../web/route-table.ts';
import { inSequence, onlyFor } from '../web/in-sequence.ts';
import '../sessions/session-data.ts';
import type { WorkspaceCache } from './workspace-cache.ts';

/**
 * A session's forms that may wait for the one under way before further ones are refused (409):
 * far more than a person sends by double clicks and a second tab, so a burst a script sends is
 * answered form by form (each as it would be alone) and only a flood is refused. Waiting, they hold
 * no connection; refused at once, a burst of forty rendered its refusals together and held the
 * event loop from other companies' pages longer (bench/approval-burst.ts, 8 waiting against all).
 */
const WRITES_WAITING_PER_SESSION = 50;

export interface WorkspaceRouterDeps {
  db: Knex;
  adapter: HostAdapter;
  workspaces: WorkspaceCache;
  flags: FeatureFlags;
  storage: FileStorage;
  config: PortalConfig;
  session: RequestHandler;
  csrf: PortalCsrf;
  /** Routes anyone may reach (sign-in, links from emails). */
  publicRoutes: Router[];
  /** Routes for signed-in clients only. */
  clientRoutes: Router[];
  /** Client routes that stream their own multipart body and check its CSRF field themselves. */
  multipartPaths?: string[];
  /**
   * POST routes whose form may be larger than the 32 KB every other form is held to (a drawn
   * signature's strokes), with their own cap; Express path patterns.
   */
  largeForms?: { paths: string[]; limit: string; refusedUrl: (path: string) => string };
  /** Server-to-server callbacks (payment providers): no session, no CSRF token; they prove themselves by signature. */
  callbackRoutes?: Router[];
  /** Server-to-server APIs with bearer tokens (SCIM): no session, no CSRF token, every method. */
  apiRoutes?: Router[];
}

/**
 * The GET page a request belongs to: itself for a page view, else the same-origin page it came
 * from. The portal sends no Referer (its pages say no-referrer, to keep reset tokens private), so
 * that page is htmx's HX-Current-URL; a form sent without JavaScript falls back to the home page.
 */
function returnPage(req: Request, base: string): string {
  if (req.method === 'GET' && !isFragmentRequest(req)) return req.originalUrl;
  for (const from of [req.get('HX-Current-URL'), req.get('Referer')]) {
    if (!from) continue;
    try {
      const url = new URL(from);
      if (url.host === req.get('host')) return safeNext(base, `${url.pathname}${url.search}`);
    } catch {
      // not a URL: try the next source
    }
  }
  return req.method === 'GET' ? req.originalUrl : `${base}/`;
}

export function workspaceRouter(deps: WorkspaceRouterDeps): Router {
  const router = Router({ mergeParams: true });
  const assets = `${deps.config.portalPath}/assets`;
  const clientPages = new Set(
    routeTable(deps.clientRoutes)
      .filter((route) => route.method === 'GET')
      .map((route) => route.path),
  );
  const sectionPages: ReadonlySet<PortalSection> = new Set(PORTAL_SECTIONS.filter((section) => clientPages.has(`/${section}`)));

  const workspaceLoader = (askFlag: boolean) => async (req: Request, res: Response, next: NextFunction) => {
    const slug = String(req.params.workspaceSlug ?? '');
    const cached = /^[a-z0-9][a-z0-9-]{0,59}$/i.test(slug) ? await deps.workspaces.get(slug) : null;
    // At a workspace's own domain the request was rewritten to this workspace's path; one that
    // reached another (it cannot, but a rewrite is a rule, not a proof) is not found.
    const servedHost = servedHostOf(req);
    if (cached && servedHost && servedHost.workspaceId !== cached.workspace.id) return next(notFound());
    // A workspace without the portal switched on is indistinguishable from one that does not exist.
    // The flag is asked on every request (in memory): switching it off takes effect at once.
    if (
      !cached ||
      (askFlag && !deps.flags.isEnabled(PORTAL_FLAG, { workspaceId: cached.workspace.id, workspaceSlug: cached.workspace.slug }))
    ) {
      return next(notFound());
    }
    const { workspace, settings, branding } = cached;
    // Its pages start at the root of its own domain, so every link, redirect and form action does.
    const base = servedHost ? '' : cached.base;
    const i18n = requestI18n(req, {
      chosenLocale: chosenLocale(req),
      workspaceLocale: settings.defaultLocale,
      workspaceTimeZone: settings.defaultTimeZone,
    });
    // A fresh object per request (the signed-in client is added to it); the cached parts are frozen.
    const context: PortalContext = {
      workspace,
      settings,
      branding,
      base,
      assets,
      sectionPages,
      i18n,
      demoPaymentBanner: deps.config.demoPaymentBanner,
    };
    res.locals.customerPortal = context;
    next();
  };

  const loadClient = async (req: Request, res: Response, next: NextFunction) => {
    const context = portalContext(res);
    // No session at all for a visitor who brought no cookie to a page (portal-sessions.ts).
    const auth = req.session?.portal;
    if (!auth || auth.workspaceId !== context.workspace.id) return next();
    // Read with the session when its store does that (one round trip less), else on its own.
    const read = clientUserReadWithSession(req);
    const user =
      read && read.workspaceId === auth.workspaceId && read.clientUserId === auth.clientUserId
        ? read.user
        : await findClientUserWithAccess(deps.db, context.workspace.id, auth.clientUserId);
    const signedIn = user && mayUsePortal(user.status) ? user : null;
    // The host's own client permissions are read with the contact, on every request: a role changed
    // in the host counts from the person's next page.
    const [contact, hostGrants] = signedIn
      ? await Promise.all([
          deps.adapter.contacts.findById(context.workspace.id, signedIn.contact_id),
          deps.adapter.clientPermissions?.of(context.workspace.id, [signedIn.contact_id]),
        ])
      : [null, undefined];
    if (!user || !contact) {
      // Disabled, removed, or its contact is gone: the session no longer signs anyone in.
      delete req.session.portal;
      return next();
    }
    const access = hostGrants ? { ...accessOf(user), hostGrants: hostGrants.get(user.contact_id) ?? new Set<string>() } : accessOf(user);
    const workspaceSettings = context.settings;
    // From here on every check, the navigation and the dashboard see the person's own switches.
    context.settings = effectiveSettings(context.settings, access);
    const unreadNotifications = countVisible(user.unread_notifications, context.settings);
    const unreadMessages = countVisible({ message: user.unread_notifications?.message ?? 0 }, context.settings);
    context.client = { user, contact, access, workspaceSettings, unreadNotifications, unreadMessages };
    if (user.locale || user.time_zone) {
      // The person's saved language wins over the one this browser chose before signing in.
      context.i18n = requestI18n(req, {
        clientLocale: user.locale,
        chosenLocale: chosenLocale(req),
        clientTimeZone: user.time_zone,
        workspaceLocale: context.settings.defaultLocale,
        workspaceTimeZone: context.settings.defaultTimeZone,
      });
    }
    next();
  };

  /**
   * To sign-in, then back. `next` is always a GET page: the page itself for a GET, and for a form
   * the page it was sent from (its Referer, when inside this portal), so signing in again leads
   * back to the form rather than to a POST-only address.
   */
  const toSignIn = (req: Request, res: Response, next: NextFunction) => {
    const context = portalContext(res);
    const signIn = `${context.base}/sign-in?next=${encodeURIComponent(returnPage(req, context.base))}`;
    if (!isFragmentRequest(req)) return res.redirect(303, signIn);
    res.set('HX-Redirect', signIn);
    next(new HttpError(401, context.i18n.t('common:sessionEnded')));
  };

  const requireClient = (req: Request, res: Response, next: NextFunction) => {
    if (portalContext(res).client) return next();
    toSignIn(req, res, next);
  };

  // A stale CSRF token (the person signed in or out in another tab): a form that can show itself
  // again does so with a fresh token and what was typed; a signed-in-only form whose session has
  // ended goes to sign-in; anything else is refused as before. Nothing reaches a handler.
  const retryableForm = postRouteMatcher([...deps.publicRoutes, ...deps.clientRoutes], rerendersForm);
  const clientForm = postRouteMatcher(deps.clientRoutes, () => true);
  const publicForm = postRouteMatcher(deps.publicRoutes, () => true);
  const staleToken = async (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof CsrfMismatch)) return next(err);
    const context = portalContext(res);
    const signedIn = req.session.portal?.workspaceId === context.workspace.id;
    if (!signedIn && !(await publicForm(req, res)) && (await clientForm(req, res))) return toSignIn(req, res, next);
    if (await retryableForm(req, res)) {
      markCsrfRetry(req, context.i18n.t('common:csrfRetry'));
      return next();
    }
    next(err);
  };

  const loadWorkspace = workspaceLoader(true);

  // A provider's callback reports money a checkout the portal started has taken: it is recorded
  // whatever the flag says now (the flag governs new checkouts). Its workspace must still exist.
  const callbackRoutes = deps.callbackRoutes ?? [];
  if (callbackRoutes.length > 0) {
    const callbacks = Router({ mergeParams: true });
    callbacks.use(inSequence([noStore, workspaceLoader(false)]));
    for (const routes of callbackRoutes) callbacks.use(routes);
    const segments = new Set(routeTable(callbackRoutes).map((route) => route.path.split('/')[1]?.toLowerCase() ?? ''));
    router.use((req, res, next) =>
      req.method === 'POST' && segments.has(req.path.split('/')[1]?.toLowerCase() ?? '') ? callbacks(req, res, next) : next(),
    );
  }

  // An API of the workspace (a company's directory provisioning its people) brings its own bearer
  // token: it is met before the form parser, the session and the CSRF check, and only while the
  // workspace's portal is on, like its pages.
  const apiRoutes = deps.apiRoutes ?? [];
  if (apiRoutes.length > 0) {
    const api = Router({ mergeParams: true });
    api.use(inSequence([noStore, workspaceLoader(true)]));
    for (const routes of apiRoutes) api.use(routes);
    const segments = new Set(routeTable(apiRoutes).map((route) => route.path.split('/')[1]?.toLowerCase() ?? ''));
    router.use((req, res, next) => (segments.has(req.path.split('/')[1]?.toLowerCase() ?? '') ? api(req, res, next) : next()));
  }

  // Branding assets need no session: they are the same for every visitor of the workspace.
  const branding = Router();
  branding.get('/branding.css', (_req, res) => {
    res
      .type('text/css')
      .set('Cache-Control', 'no-cache')
      .send(brandingStylesheet(portalContext(res).branding));
  });
  branding.get('/branding/logo', async (_req, res, next) => {
    const { workspace, settings } = portalContext(res);
    const file = settings.logoFileId ? await deps.storage.get(workspace.id, settings.logoFileId) : null;
    if (!file) return next(notFound());
    res.type(file.contentType).set('Cache-Control', 'public, max-age=86400').set('X-Content-Type-Options', 'nosniff').send(file.content);
  });

  // A body read here is not read again by the 32 KB parser after it (the request has finished).
  const largeForms: RequestHandler[] = [];
  if (deps.largeForms) {
    const { paths, limit, refusedUrl } = deps.largeForms;
    const parse = express.urlencoded({ extended: false, limit, parameterLimit: 50 });
    const largeForm = Router();
    largeForm.post(paths, (req, res, next) =>
      parse(req, res, (err?: unknown) => {
        // Past even this cap nothing of the form was read, so nothing can be kept: back to the form's
        // page with a message saying so, rather than a bare 413 page.
        if ((err as { type?: string } | undefined)?.type !== 'entity.too.large') return next(err);
        res.set('Connection', 'close').redirect(303, `${portalContext(res).base}${refusedUrl(req.path)}`);
      }),
    );
    largeForms.push(onlyFor('POST', largeForm));
  }
  const checkCsrf = portalCsrfCheck(deps.csrf, new Set(deps.multipartPaths ?? []));
  const csrf: RequestHandler = (req, res, next) => {
    portalContext(res).csrfToken = () => deps.csrf.token(req, res);
    checkCsrf(req, res, (err?: unknown) => (err ? staleToken(err, req, res, next).catch(next) : next()));
  };
  // A session's forms in turn: its burst holds one of the pools' connections, not all of them.
  const oneWriteAtATime = oneWritePerSession({ maxWaiting: WRITES_WAITING_PER_SESSION });
  // The workspace is looked up before anything else, so a 404 for an unknown slug looks like any
  // other page.
  router.use(
    inSequence([
      noStore,
      loadWorkspace,
      enteredByFirstSegment(branding),
      oneWriteAtATime,
      ...largeForms,
      express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 50 }),
      deps.session,
      csrf,
      loadClient,
      ...deps.publicRoutes.map(enteredByFirstSegment),
      requireClient,
      ...deps.clientRoutes.map(enteredByFirstSegment),
      (_req, _res, next) => next(notFound()),
    ]),
  );
  return router;
}
