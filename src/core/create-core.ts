// The core, built once per portal from the host's dependencies: the services every feature is
// created with (CoreServices), and what the core itself puts around the features' routes: the
// client router's chain (request ids and metrics, security headers, health, assets, the workspace
// router with its session and CSRF check, the error page), the staff routers' error pages, the
// housekeeping job, and shutting all of it down. The composition root (src/portal.ts) builds the
// core, creates the features on it and mounts what they return.
import { type StaffPage, staffPagesShown } from './host/feature-ports.ts';
import express, { Router, type Request, type Response } from 'express';
import { createRequire } from 'node:module';
import path from 'node:path';
import { acceptedSessionSecrets } from './config.ts';
import type { PortalDeps } from './deps.ts';
import type { BackgroundJob, CoreServices } from './feature.ts';
import { countPendingMessages } from './mail/outbox-queries.ts';
import { MailOutbox } from './mail/outbox.ts';
import { portalMigrated } from './db/migration-state.ts';
import { createDatabaseStorage } from './files/database-storage.ts';
import { createDirectoryStorage } from './files/directory-storage.ts';
import { PORTAL_FLAG } from './flags/flag-names.ts';
import { lazyEventBus } from './events/choose-event-bus.ts';
import { notFound } from './http/http-error.ts';
import { requestI18n } from './i18n/request-i18n.ts';
import { translateErrorMessage } from './i18n/validation.ts';
import { announceHostChange, type HostRecordChange } from './live/host-changes.ts';
import { attachLiveStreams, createLiveStreams } from './live/live-streams.ts';
import { clientStreamRules } from './live/client-streams.ts';
import { deleteLiveEventsBefore } from './live/queries.ts';
import { liveRoutes } from './live/routes.ts';
import { watchStreamSessions } from './live/stream-sessions.ts';
import { inBackground } from './ops/background.ts';
import { healthRoutes, RESERVED_SLUGS } from './ops/health.ts';
import { createPortalLogger, type PortalLogger } from './ops/logging.ts';
import { createPortalMetrics } from './ops/metrics.ts';
import { markWorkspaceRequest, requestContext, requestIdOf, requestLog, routePattern } from './ops/request-context.ts';
import type { HostAdapter, HostLayoutPort, HostWorkspace } from './ports/host.ts';
import type { FeatureFlags } from './ports/services.ts';
import { RateLimiter } from './rate-limits/limiter.ts';
import { deleteExpiredCounters, deleteExpiredGuards } from './rate-limits/queries.ts';
import { RepeatGuard } from './rate-limits/repeat-guard.ts';
import { portalSessions } from './sessions/portal-sessions.ts';
import { deleteExpiredSessions } from './sessions/queries.ts';
import { deleteKeptSummariesBefore } from './summaries/queries.ts';
import { STAFF_SIGNED_OUT, type StaffSignedOut } from './sessions/session-events.ts';
import { createSessionLifecycle } from './sessions/session-lifecycle.ts';
import { adminErrorPage } from './staff/admin-page.ts';
import { createPortalCsrf } from './web/csrf.ts';
import { createPortalLinks } from './web/portal-links.ts';
import { errorHandler } from './web/error-handler.ts';
import { ASSETS_PATH, HTMX_SCRIPT_FILE, sendHtmxScript } from './web/htmx-script.ts';
import { portalI18n, renderPortalPage } from './web/portal-context.ts';
import { renderTemplate } from './web/render.ts';
import { enteredByFirstSegment } from './web/route-table.ts';
import { inSequence } from './web/in-sequence.ts';
import { securityHeaders } from './web/security-headers.ts';
import { createWorkspaceCache, type WorkspaceCacheDeps } from './workspaces/workspace-cache.ts';
import { workspaceRouter, type WorkspaceRouterDeps } from './workspaces/workspace-router.ts';

const PUBLIC_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../public');
const LIVE_EVENTS_KEPT_MS = 7 * 24 * 3600_000;
// The package exports only its UMD build's unminified name; the minified one sits beside it.
const SIGNATURE_PAD_FILE = path.join(path.dirname(createRequire(import.meta.url).resolve('signature_pad')), 'signature_pad.umd.min.js');
// The browser half of passkeys, as its own bundle (a global, SimpleWebAuthnBrowser): public/passkeys.js calls it.
const WEBAUTHN_BROWSER_FILE = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')),
  '../dist/bundle/index.umd.min.js',
);
const HOUSEKEEPING_INTERVAL_MS = 15 * 60_000;

/** What a feature decides for the core before the features exist. */
interface CoreHooks {
  /** The settings in force for a workspace (the payments turn online payment off where no provider is ready). */
  settingsInForce?: WorkspaceCacheDeps['settingsInForce'];
  /** The features' staff pages that only a host with their ports has (their manifests' staffPages). */
  staffPages?: readonly StaffPage[];
}

/** The features' routes of the client portal, as the workspace router mounts them. */
interface ClientPortalRoutes {
  publicRoutes: Router[];
  /** The features' client pages and the core's own (Core.clientRoutes), in the order they are tried. */
  clientRoutes: Router[];
  callbackRoutes: Router[];
  apiRoutes: Router[];
  multipartPaths: string[];
  largeForms?: WorkspaceRouterDeps['largeForms'];
}

interface Core {
  services: CoreServices;
  /** The core's own client pages (the live streams), mounted after the features'. */
  clientRoutes: Router[];
  /** The router the host mounts at config.portalPath: the core's chain around every workspace's pages. */
  clientRouter(routes: ClientPortalRoutes): Router;
  /**
   * A staff-side router ready to mount: its error page (inside the host's layout, where given),
   * request ids, log lines and duration metrics.
   */
  staffRouter(router: Router, layout?: HostLayoutPort): Router;
  /**
   * Starts the core's housekeeping and these jobs on their intervals, and runs the ones asked at
   * start (BackgroundJob.atStart) once the migrations have run; close() stops them.
   */
  startJobs(jobs: BackgroundJob[]): void;
  /** This process has run the portal's migrations: the jobs waiting for them to run at start, now. */
  migrated(): void;
  isEnabledFor(workspace: Pick<HostWorkspace, 'id' | 'slug'>): boolean;
  /** A staff member's workspace, where the portal is on for it; null otherwise. */
  staffWorkspace(staff: { workspaceId: string }): Promise<HostWorkspace | null>;
  /** Delivers every queued email that is due now; resolves with how many went out. */
  drainOutbox(): Promise<number>;
  /** Records a host's change and tells every instance's open pages. */
  announceHostChange(change: HostRecordChange): Promise<void>;
  /** Tells every instance that a staff member signed out of the host; a failure is logged, never thrown. */
  staffSignedOut(staff: { workspaceId: string; id: string }): Promise<void>;
  /** Readiness turns 503, live streams end, the jobs stop and are awaited, then the bus and the outbox. */
  close(): Promise<void>;
}

export function createCore(deps: PortalDeps, hooks: CoreHooks = {}): Core {
  const { db, adapter, flags, config } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.logger ?? createPortalLogger();
  const logger: PortalLogger = { info: (message) => log.info(message), error: (message, err) => log.error({ err }, message) };
  const metrics = createPortalMetrics({
    outboxDepth: () => countPendingMessages(db),
    flagEnabled: (context) => flags.isEnabled(PORTAL_FLAG, context),
  });
  const liveStreams = createLiveStreams({
    opened: () => metrics.streamOpened(),
    caps: { perSession: config.liveStreamsPerSession, perIp: config.liveStreamsPerIp },
  });
  let closing = false;
  const operate = requestContext({
    logger: log,
    metrics,
    quiet: (route) => route.endsWith('/healthz') || route.endsWith('/readyz'),
    onRequest: (req) => attachLiveStreams(req, liveStreams),
  });
  // The workspaces the flag was asked about are those whose flag state the metrics report.
  const servedFlags: FeatureFlags = {
    isEnabled(flag, context) {
      if (flag === PORTAL_FLAG) metrics.workspaceSeen(context);
      return flags.isEnabled(flag, context);
    },
    close: () => flags.close(),
  };
  // The outbox and the jobs start now, the host migrates after (or another process does): they
  // read the portal's tables only once its migrations have run, asked until then on each pass.
  let migrated = false;
  const ready = async () => {
    migrated ||= await portalMigrated(db);
    return migrated;
  };
  // Every feature sends through the outbox; the host's mailer is only the worker's transport.
  const outbox = new MailOutbox({ db, transport: deps.mailer, secret: config.sessionSecret, now, logger, ready, ...deps.mailOutbox });
  outbox.start();
  // Files: the host's own FileStorage if it passes one, else a directory when configured, else
  // PostgreSQL (the default: every instance sees every file with nothing else to run).
  const storage = deps.storage ?? (config.fileStorageDir ? createDirectoryStorage(config.fileStorageDir) : createDatabaseStorage(db));
  // A bus the host did not pass is the portal's to close.
  const events = deps.events ?? lazyEventBus(deps.sessionPool, { onError: (message, err) => logger.error(message, err) });
  // Client streams end with their session, staff streams with the host's sign-in, on every instance (see stream-sessions.ts).
  const streamSessions = watchStreamSessions({
    db,
    bus: events,
    streams: liveStreams,
    intervalMs: config.liveSessionCheckMs,
    staff: adapter.staff,
    staffIntervalMs: config.liveStaffCheckMs,
    ...(adapter.clientPermissions ? { hostPermissions: adapter.clientPermissions } : {}),
    now,
    onError: (m, e) => logger.error(m, e),
  });
  const workspaces = createWorkspaceCache({
    db,
    adapter,
    events,
    config,
    ...(hooks.settingsInForce ? { settingsInForce: hooks.settingsInForce } : {}),
  });
  const streamRules = clientStreamRules({ workspaces, flags });
  // The staff side (admin pages, inbox, notifications, the CRM header's counts) looks a staff
  // user's workspace up by id on every request, often twice per page: through the same cache.
  const staffAdapter: HostAdapter = {
    ...adapter,
    workspaces: { ...adapter.workspaces, findById: async (id) => (await workspaces.byId(id))?.workspace ?? null },
  };
  const services: CoreServices = {
    db,
    adapter,
    staffAdapter,
    staffPagesShown: staffPagesShown(adapter, hooks.staffPages ?? []),
    config,
    flags,
    now,
    logger,
    mailer: outbox.mailer,
    storage,
    events,
    limiter: new RateLimiter(db, () => now().getTime()),
    guard: new RepeatGuard(db, () => now().getTime()),
    workspaces,
    streamRules,
    sessionLifecycle: createSessionLifecycle({ db, cookiePath: config.portalPath, bus: events }),
    metrics,
    links: createPortalLinks(config),
    virusScanner: deps.virusScanner,
  };

  const sessions = portalSessions({
    pool: deps.sessionPool,
    // The first signs; the previous ones are still accepted while a rotation settles.
    secrets: acceptedSessionSecrets(config),
    cookie: { path: config.portalPath, secure: config.secureCookies, maxAgeMs: config.sessionMaxAgeHours * 3600_000 },
    onSaveError: (err) => logger.error('a session change could not be written', err),
  });

  // The route pattern, not the URL: a path or query can hold a token.
  const logError = (err: unknown, req: Request) =>
    requestLog(req, log).error({ err, method: req.method, route: routePattern(req) }, 'request failed');

  function clientRouter(routes: ClientPortalRoutes): Router {
    const router = Router();
    router.use(
      inSequence([
        operate,
        securityHeaders({ secure: config.secureCookies }),
        enteredByFirstSegment(healthRoutes({ db, flags, logger: log, closing: () => closing })),
      ]),
    );
    const assets = Router();
    assets.get(HTMX_SCRIPT_FILE, sendHtmxScript);
    assets.get('/vendor/signature_pad.umd.min.js', (_req, res) => res.sendFile(SIGNATURE_PAD_FILE, { maxAge: '1d' }));
    assets.get('/vendor/simplewebauthn-browser.js', (_req, res) => res.sendFile(WEBAUTHN_BROWSER_FILE, { maxAge: '1d' }));
    assets.use(express.static(PUBLIC_DIR, { maxAge: '1h', index: false }));
    router.use(ASSETS_PATH, assets);
    const workspacePortal = workspaceRouter({
      db,
      adapter,
      workspaces,
      flags: servedFlags,
      storage,
      config,
      session: sessions,
      csrf: createPortalCsrf({ secret: config.sessionSecret, cookiePath: config.portalPath, secure: config.secureCookies }),
      publicRoutes: routes.publicRoutes,
      clientRoutes: routes.clientRoutes,
      multipartPaths: routes.multipartPaths,
      ...(routes.largeForms ? { largeForms: routes.largeForms } : {}),
      callbackRoutes: routes.callbackRoutes,
      apiRoutes: routes.apiRoutes,
    });
    // One layer for every workspace's pages. A workspace whose slug is one of the portal's own paths
    // could never have its start page.
    router.use('/:workspaceSlug', (req, res, next) => {
      if (RESERVED_SLUGS.has(String(req.params.workspaceSlug))) return next(notFound());
      markWorkspaceRequest(req, res, () => workspacePortal(req, res, next));
    });
    router.use(
      errorHandler((req: Request, res: Response, page) => {
        const i18n = res.locals.customerPortal ? portalI18n(res) : requestI18n(req);
        const heading = i18n.t(`common:errors.${page.status}`, { defaultValue: page.heading });
        // A person quoting this reference lets the agency find the logged error.
        const reference = page.status >= 500 ? (requestIdOf(req) ?? null) : null;
        const referenceText = reference ? i18n.t('common:errors.reference', { id: reference }) : null;
        const message =
          page.status === 503
            ? i18n.t('common:errors.unavailable', { defaultValue: page.message })
            : translateErrorMessage(page.message, i18n.t);
        if (res.locals.customerPortal)
          return renderPortalPage(req, res, 'errors/error', heading, { ...page, heading, message, referenceText }, page.status);
        res
          .status(page.status)
          .type('html')
          .send(
            renderTemplate('errors/standalone', {
              ...page,
              heading,
              message,
              referenceText,
              locale: i18n.locale,
              assets: `${config.portalPath}/assets`,
            }),
          );
      }, logError),
    );
    return router;
  }

  const housekeeping: BackgroundJob = {
    name: 'housekeeping',
    everyMs: HOUSEKEEPING_INTERVAL_MS,
    run: () => {
      const at = now();
      Promise.all([
        deleteExpiredSessions(db, at),
        deleteExpiredCounters(db, at.getTime()),
        deleteExpiredGuards(db, at.getTime()),
        outbox.housekeeping(),
        deleteLiveEventsBefore(db, new Date(at.getTime() - LIVE_EVENTS_KEPT_MS)),
        deleteKeptSummariesBefore(db, at),
      ]).catch((err) => logger.error('housekeeping failed', err));
    },
  };
  const jobs: BackgroundJob[] = [];
  const timers: NodeJS.Timeout[] = [];
  /** The jobs whose first run is at start (BackgroundJob.atStart), until it has begun. */
  const startPasses: BackgroundJob[] = [];
  const runStartPasses = () => {
    if (closing) return;
    for (const job of startPasses.splice(0)) inBackground(job.name, () => job.run());
  };
  const isEnabledFor = (workspace: Pick<HostWorkspace, 'id' | 'slug'>) =>
    flags.isEnabled(PORTAL_FLAG, { workspaceId: workspace.id, workspaceSlug: workspace.slug });

  return {
    services,
    clientRoutes: [liveRoutes({ db, bus: events, streamRules, onError: (m, e) => logger.error(m, e) })],
    clientRouter,
    staffRouter(router, layout) {
      router.use(errorHandler(adminErrorPage(config, layout), logError));
      // The staff-side routers get the same request ids, log lines and duration metrics.
      return Router().use(operate, router);
    },
    startJobs(featureJobs) {
      for (const job of [housekeeping, ...featureJobs]) {
        jobs.push(job);
        const run = () =>
          ready().then(
            (migratedNow) => {
              if (migratedNow) job.run();
            },
            (err: unknown) => logger.error(`${job.name}: could not ask whether the migrations have run`, err),
          );
        const timer = setInterval(() => inBackground(job.name, run), job.everyMs);
        timer.unref();
        timers.push(timer);
        if (job.atStart && config.jobsAtStart) startPasses.push(job);
      }
      // Where the migrations have already run (another process ran them, or an earlier start), now;
      // otherwise once migrated() says this process has run them. Either way once.
      void ready().then(
        (migratedNow) => {
          if (migratedNow) runStartPasses();
        },
        (err: unknown) => logger.error('could not ask whether the migrations have run', err),
      );
    },
    migrated() {
      migrated = true;
      runStartPasses();
    },
    isEnabledFor,
    async staffWorkspace(staff) {
      const workspace = await staffAdapter.workspaces.findById(staff.workspaceId);
      return workspace && isEnabledFor(workspace) ? workspace : null;
    },
    drainOutbox: () => outbox.drain(),
    announceHostChange: (change) => announceHostChange({ db, bus: events, onError: (m, e) => logger.error(m, e) }, change),
    async staffSignedOut(staff) {
      const signedOut: StaffSignedOut = { workspaceId: String(staff.workspaceId), staffId: String(staff.id) };
      await events.publish(STAFF_SIGNED_OUT, signedOut).catch((err: unknown) => logger.error('could not announce a staff sign-out', err));
    },
    async close() {
      closing = true;
      liveStreams.endAll();
      streamSessions.close();
      for (const timer of timers) clearInterval(timer);
      workspaces.close();
      await Promise.all(jobs.map((job) => job.idle?.()));
      if (!deps.events) await events.close();
      // Last: the notifications above may still queue mail.
      await outbox.stop();
    },
  };
}
