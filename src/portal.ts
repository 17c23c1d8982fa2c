// The composition root: the one place the portal is assembled from what the host provides.
// It validates the dependencies, builds the services once, and hands back the routers the host
// mounts plus the migration functions.
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import session from 'express-session';
import { createRequire } from 'node:module';
import path from 'node:path';
import { adminErrorPage } from './core/staff/admin-page.ts';
import { acceptedSessionSecrets } from './core/config.ts';
import { translateErrorMessage } from './core/i18n/validation.ts';
import { accountFeature, type AuthService, type Inviter } from './features/account/index.ts';
import { adminFeature, adminRouter, checkInvitation, CONTACT_NOT_FOUND } from './features/admin/index.ts';
import { dashboardFeature } from './features/dashboard/index.ts';
import { documentsFeature } from './features/documents/index.ts';
import { invoicesFeature, paymentProviders, type PaymentService } from './features/invoices/index.ts';
import { messagesFeature, staffUnreadCount, type MessageDigest } from './features/messages/index.ts';
import { notificationsFeature, type Notifications } from './features/notifications/index.ts';
import { type ClientNotifications, clientEventOf, clientNotificationsFeature } from './features/client-notifications/index.ts';
import { offersFeature, type OfferReminders } from './features/offers/index.ts';
import { privacyFeature, type DataExports } from './features/privacy/index.ts';
import { tasksFeature } from './features/tasks/index.ts';
import { teamFeature } from './features/team/index.ts';
import { hostHasPortsFor, type BackgroundJob, type CoreServices, type Feature } from './core/feature.ts';
import { validateDeps, type PortalDepsInput } from './core/deps.ts';
import type { PortalLogger } from './core/ops/logging.ts';
import { createDatabaseStorage } from './core/files/database-storage.ts';
import { createDirectoryStorage } from './core/files/directory-storage.ts';
import { PORTAL_FLAG } from './core/flags/flag-names.ts';
import { MailOutbox } from './core/mail/outbox.ts';
import { RateLimiter } from './core/rate-limits/limiter.ts';
import { RepeatGuard } from './core/rate-limits/repeat-guard.ts';
import { deleteExpiredCounters, deleteExpiredGuards } from './core/rate-limits/queries.ts';
import { createHashedSessionStore } from './core/sessions/hashed-session-store.ts';
import { keepSessionOnStoreError } from './core/sessions/unavailable-store.ts';
import { sessionsOnlyWhenBrought } from './core/sessions/only-when-brought.ts';
import { deleteExpiredSessions } from './core/sessions/queries.ts';
import { SESSION_COOKIE } from './core/sessions/session-data.ts';
import { createSessionLifecycle } from './core/sessions/session-lifecycle.ts';
import { createPortalCsrf } from './core/web/csrf.ts';
import { errorHandler } from './core/web/error-handler.ts';
import { HTMX_SCRIPT_PATH, sendHtmxScript } from './core/web/htmx-script.ts';
import { portalI18n, renderPortalPage } from './core/web/portal-context.ts';
import { requestI18n } from './core/i18n/request-i18n.ts';
import { enteredByFirstSegment, routeTable, type RouteEntry } from './core/web/route-table.ts';
import { renderTemplate } from './core/web/render.ts';
import { securityHeaders } from './core/web/security-headers.ts';
import { workspaceRouter } from './core/workspaces/workspace-router.ts';
import { inBackground } from './core/ops/background.ts';
import { createWorkspaceCache } from './core/workspaces/workspace-cache.ts';
import { hostProvides, verifyHostClaims } from './core/host/verify-claims.ts';
import type { EventBus } from './core/events/event-bus.ts';
import { lazyEventBus } from './core/events/choose-event-bus.ts';
import { announceHostChange, type HostRecordChange, parseHostChange } from './core/live/host-changes.ts';
import { liveRoutes } from './core/live/routes.ts';
import { deleteLiveEventsBefore } from './core/live/queries.ts';
import { migratePortal, rollbackPortal } from '../migrations/index.ts';
import type { CommentsPort, HostAdapter, HostStaffUser, HostWorkspace } from './core/ports/host.ts';
import type { FeatureFlags, FileStorage } from './core/ports/services.ts';
import { countPendingMessages } from './core/mail/outbox-queries.ts';
import { createPortalLogger } from './core/ops/logging.ts';
import { createPortalMetrics } from './core/ops/metrics.ts';
import { healthRoutes, RESERVED_SLUGS } from './core/ops/health.ts';
import { markWorkspaceRequest, requestContext, requestIdOf, requestLog, routePattern } from './core/ops/request-context.ts';
import { attachLiveStreams, createLiveStreams } from './core/live/live-streams.ts';
import { clientStreamRules } from './core/live/client-streams.ts';
import { watchStreamSessions } from './core/live/stream-sessions.ts';
import { STAFF_SIGNED_OUT, type StaffSignedOut } from './core/sessions/session-events.ts';
import { notFound } from './core/http/http-error.ts';
import type { ClientUserRow } from './core/client-users/queries.ts';
import type { RequestMeta } from './core/http/request-meta.ts';
import { countText } from './core/db/bounded-count.ts';

export interface CustomerPortal {
  /** Mount at config.portalPath, before the host's own session middleware. */
  clientRouter: Router;
  /** Mount at config.adminPath, after the host's staff sign-in. */
  adminRouter: Router;
  /** Mount at config.messagesPath, after the host's staff sign-in: the agency's inbox of client messages. */
  staffRouter: Router;
  /** Client messages this staff member has not read, up to COUNT_LIMIT (for a count in the host's header); 0 where the portal is off. */
  staffUnreadCount(staff: HostStaffUser): Promise<number>;
  /** Emails unread messages (one digest per conversation and side); runs on a timer, callable for tests. */
  messageDigest: MessageDigest;
  /** Checks the adapter's claims against the host schema; throws HostClaimError naming what is missing. */
  verifyHost(): Promise<void>;
  /** Verifies the host, then creates the portal's own tables (none for what the host keeps). */
  migrate(): Promise<void>;
  /** What keeps a workspace's clients from paying as configured (Stripe chosen without keys), for start-up to log. */
  paymentWarnings(): Promise<string[]>;
  rollback(): Promise<void>;
  isEnabledFor(workspace: Pick<HostWorkspace, 'id' | 'slug'>): boolean;
  /**
   * Every route of a workspace portal, relative to `/:workspaceSlug`: for signed-in clients, public,
   * and the providers' callbacks; and of the staff side, each relative to where its router is mounted.
   */
  routes: {
    client: RouteEntry[];
    public: RouteEntry[];
    callback: RouteEntry[];
    admin: RouteEntry[];
    staff: RouteEntry[];
    notifications: RouteEntry[];
  };
  auth: AuthService;
  /**
   * Invites a host contact to the workspace's portal (or invites them again), with the checks the
   * admin page's Invite button makes: throws an HttpError saying what stops it (the contact is
   * gone, its access cannot be invited, it has no email, or another contact signs in with it).
   * For a host's own tools (a command line); the admin page calls the same checks. The inviter is
   * a staff member, or `{ agency: { replyTo } }` for an invitation in the agency's own name.
   */
  inviteContact(
    workspace: HostWorkspace,
    contactId: string,
    inviter: Inviter,
    meta: RequestMeta,
  ): Promise<{ user: ClientUserRow; again: boolean }>;
  /**
   * Delivers every queued email that is due now; resolves with how many went out. The worker does
   * this on its own; tests call it to read mail without waiting.
   */
  drainOutbox(): Promise<number>;
  /** Comments on proposals, quotations and invoices: the host's when it keeps them, else the portal's. */
  comments: CommentsPort;
  /** The bus the portal publishes on (the host's, or the one it opened): live pages subscribe here. */
  events: EventBus;
  /** The portal's own file storage (logos, client uploads), as chosen at start-up. */
  files: FileStorage;
  /**
   * Tells every instance that a workspace changed outside the portal's settings page (the host
   * renamed it, changed its colour or logo): the cached workspace, settings and branding are
   * reloaded on the next request. Without it they are reloaded within 30 seconds.
   */
  workspaceChanged(workspaceId: string): Promise<void>;
  /**
   * Tells the client's open portal pages, on every instance, that the host changed one of the
   * client's documents or tasks in its own pages (shared or unshared a document; a task's status,
   * due date, assignee, or its deletion): they refresh as they do for the portal's own changes.
   * With `happened` (a document shared, a task assigned, an invoice issued, a proposal or quotation
   * sent) the client's people who may see it are also notified, in the portal and as each chose by
   * email. Call it after the host's write committed, once per change. Throws a TypeError for a
   * malformed change; a failure to record, announce or notify is logged, never thrown.
   */
  hostRecordChanged(change: HostRecordChange): Promise<void>;
  /**
   * Tells every instance that a staff member signed out of the host (or the host ended their
   * sessions): their open live streams are checked at once (StaffPort.stillSignedIn) and those
   * whose sign-in ended close. Call it after the host's sign-out. A failure to announce is logged,
   * never thrown: the periodic check (config.liveStaffCheckMs) ends them soon anyway.
   */
  staffSignedOut(staff: { workspaceId: string; id: string }): Promise<void>;
  payments: PaymentService;
  /** Staff notifications: the list, unread counts, and the emails (dispatched on an interval). */
  notifications: Notifications;
  /**
   * Reminder emails to clients before an offer's valid-until date (config.offerReminderDays), each
   * sent once across instances; runs on a timer, run() for tests. None where the host's offers
   * port has no expiringSoon.
   */
  offerReminders: Pick<OfferReminders, 'run'>;
  /**
   * People's copies of their own data: built in the background (each once across instances) and
   * deleted when they expire, on a timer; run() and expire() for tests and a host's tools.
   */
  dataExports: Pick<DataExports, 'run' | 'expire'>;
  /**
   * Clients' daily notification emails, each once a day across instances, and, beside a host with
   * a news port, what it issued and sent; on timers, digests() and hostNews() for tests and tools.
   */
  clientNotifications: Pick<ClientNotifications, 'digests'> & { hostNews(): Promise<number> };
  /** Mount at config.notificationsPath, behind the host's staff sign-in (any staff user). */
  notificationsRouter: Router;
  /** What the host shows in its header for a signed-in staff user (the unread count). */
  /** `count` stops at COUNT_LIMIT; `countText` is what a badge shows ("99+" past it). */
  headerItems(staff: {
    id: string;
    workspaceId: string;
  }): Promise<Array<{ label: string; href: string; count: number; countText: string }>>;
  /**
   * Prometheus metrics of this portal (its own registry): an Express handler the host mounts where
   * only its monitoring reaches (docs/operating.md).
   */
  metricsHandler: RequestHandler;
  /**
   * For shutdown, after the host stopped accepting connections: readiness turns 503, live streams
   * end with a reconnect hint, the background workers stop. In-flight requests keep their database;
   * the pools are the host's to end afterwards.
   */
  close(): Promise<void>;
}

const PUBLIC_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../public');
const LIVE_EVENTS_KEPT_MS = 7 * 24 * 3600_000;
// The package exports only its UMD build's unminified name; the minified one sits beside it.
const SIGNATURE_PAD_FILE = path.join(path.dirname(createRequire(import.meta.url).resolve('signature_pad')), 'signature_pad.umd.min.js');
const HOUSEKEEPING_INTERVAL_MS = 15 * 60_000;

export function createCustomerPortal(input: PortalDepsInput): CustomerPortal {
  const deps = validateDeps(input);
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
  // Every feature sends through the outbox; the host's mailer is only the worker's transport.
  const outbox = new MailOutbox({ db, transport: deps.mailer, secret: config.sessionSecret, now, logger, ...deps.mailOutbox });
  const mailer = outbox.mailer;
  outbox.start();
  // Files: the host's own FileStorage if it passes one, else a directory when configured, else
  // PostgreSQL (the default: every instance sees every file with nothing else to run).
  const storage = deps.storage ?? (config.fileStorageDir ? createDirectoryStorage(config.fileStorageDir) : createDatabaseStorage(db));
  const limiter = new RateLimiter(db, () => now().getTime());
  const guard = new RepeatGuard(db, () => now().getTime());
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
    now,
    onError: (m, e) => logger.error(m, e),
  });

  // Whether a workspace can be paid online: the workspace cache asks before the features exist.
  const payment = paymentProviders({ db, config, adapter }, deps.paymentProviders);
  const workspaces = createWorkspaceCache({ db, adapter, events, config, settingsInForce: payment.availability.settingsInForce });
  const streamRules = clientStreamRules({ workspaces, flags });
  // The staff side (admin pages, inbox, notifications, the CRM header's counts) looks a staff
  // user's workspace up by id on every request, often twice per page: through the same cache.
  const staffAdapter: HostAdapter = {
    ...adapter,
    workspaces: { ...adapter.workspaces, findById: async (id) => (await workspaces.byId(id))?.workspace ?? null },
  };

  const sessions = sessionsOnlyWhenBrought(
    keepSessionOnStoreError(
      session({
        name: SESSION_COOKIE,
        // The first signs; the previous ones are still accepted while a rotation settles.
        secret: acceptedSessionSecrets(config),
        store: createHashedSessionStore(deps.sessionPool),
        resave: false,
        saveUninitialized: false,
        unset: 'destroy',
        cookie: {
          path: config.portalPath,
          httpOnly: true,
          sameSite: 'lax',
          secure: config.secureCookies,
          maxAge: config.sessionMaxAgeHours * 3600_000,
        },
      }),
    ),
  );

  // The route pattern, not the URL: a path or query can hold a token.
  const logError = (err: unknown, req: Request) =>
    requestLog(req, log).error({ err, method: req.method, route: routePattern(req) }, 'request failed');

  const sessionLifecycle = createSessionLifecycle({ db, cookiePath: config.portalPath, bus: events });
  const core: CoreServices = {
    db,
    adapter,
    staffAdapter,
    config,
    flags,
    now,
    logger,
    mailer,
    storage,
    events,
    limiter,
    guard,
    workspaces,
    streamRules,
    sessionLifecycle,
    metrics,
    virusScanner: deps.virusScanner,
  };

  // The features, in the order their client pages are tried (account first: its two-factor gate
  // sees every page). Those that serve others hand over what they share.
  const account = accountFeature(core);
  const notifications = notificationsFeature(core);
  const clientNotifications = clientNotificationsFeature(core);
  const messages = messagesFeature(core, {
    staffMessageSent: (message) =>
      clientNotifications.service.notify({ ...message, kind: 'message_reply', subjectType: 'message', subjectId: message.messageId }),
  });
  const offers = offersFeature(core, { comments: messages.comments });
  const invoices = invoicesFeature(core, {
    comments: messages.comments,
    payments: payment,
    afterPayment: () => notifications.notifications.kick(),
  });
  const privacy = privacyFeature(core, { comments: messages.comments });
  const features: Feature[] = [
    account,
    adminFeature(core, { auth: account.auth, paymentsReady: payment.availability.ready }),
    dashboardFeature(core),
    offers,
    invoices,
    documentsFeature(core),
    tasksFeature(core),
    teamFeature(core, account.auth),
    privacy,
    clientNotifications,
    messages,
    notifications,
  ];
  // A host without an offers, invoices or tasks port has no such section: those features' client
  // pages are never mounted and their jobs never run.
  const mounted = features.filter((feature) => hostHasPortsFor(adapter, feature));
  const publicRoutes = features.flatMap((feature) => feature.publicRoutes ?? []);
  const clientRoutes = [
    ...mounted.flatMap((feature) => feature.clientRoutes ?? []),
    liveRoutes({ db, bus: events, streamRules, onError: (m, e) => logger.error(m, e) }),
  ];
  const callbackRoutes = features.flatMap((feature) => feature.callbackRoutes ?? []);
  const largeForms = features.flatMap((feature) => (feature.largeForms ? [feature.largeForms] : []));
  if (largeForms.length > 1) throw new Error('One feature at most declares large forms (the workspace router has one cap for them).');

  const clientRouter = Router();
  clientRouter.use(operate);
  clientRouter.use(securityHeaders({ secure: config.secureCookies }));
  clientRouter.use(enteredByFirstSegment(healthRoutes({ db, flags, logger: log, closing: () => closing })));
  clientRouter.get(HTMX_SCRIPT_PATH, sendHtmxScript);
  clientRouter.get('/assets/vendor/signature_pad.umd.min.js', (_req, res) => res.sendFile(SIGNATURE_PAD_FILE, { maxAge: '1d' }));
  clientRouter.use('/assets', express.static(PUBLIC_DIR, { maxAge: '1h', index: false }));
  const workspacePortal = workspaceRouter({
    db,
    adapter,
    workspaces,
    flags: servedFlags,
    storage,
    config,
    session: sessions,
    csrf: createPortalCsrf({ secret: config.sessionSecret, cookiePath: config.portalPath, secure: config.secureCookies }),
    publicRoutes,
    clientRoutes,
    multipartPaths: mounted.flatMap((feature) => feature.multipartPaths ?? []),
    ...(largeForms[0] ? { largeForms: largeForms[0] } : {}),
    callbackRoutes,
  });
  // One layer for every workspace's pages. A workspace whose slug is one of the portal's own paths
  // could never have its start page.
  clientRouter.use('/:workspaceSlug', (req, res, next) => {
    if (RESERVED_SLUGS.has(String(req.params.workspaceSlug))) return next(notFound());
    markWorkspaceRequest(req, res, () => workspacePortal(req, res, next));
  });
  clientRouter.use(
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

  // The staff side: the admin router carries every feature's staff pages; the inbox and the
  // notifications are mounted by the host at paths of their own.
  const admin = adminRouter({
    adapter: staffAdapter,
    flags,
    config,
    readRoutes: features.flatMap((feature) => feature.staffReadRoutes ?? []),
    routes: features.flatMap((feature) => feature.adminRoutes ?? []),
  });
  admin.use(errorHandler(adminErrorPage(config, adapter.layout), logError));
  const staffNotifications = notifications.router;
  staffNotifications.use(errorHandler(adminErrorPage(config), logError));
  const staffRouter = messages.inbox;
  staffRouter.use(errorHandler(adminErrorPage(config), logError));

  // The staff-side routers get the same request ids, log lines and duration metrics.
  const withOperations = (router: Router) => Router().use(operate, router);

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
      ]).catch((err) => logger.error('housekeeping failed', err));
    },
  };
  const jobs = [housekeeping, ...mounted.flatMap((feature) => feature.jobs ?? [])];
  const timers = jobs.map((job) => {
    const timer = setInterval(() => inBackground(job.name, job.run), job.everyMs);
    timer.unref();
    return timer;
  });
  const { auth } = account;
  const messageDigest = messages.digest;
  const comments = messages.comments;

  return {
    clientRouter,
    adminRouter: withOperations(admin),
    staffRouter: withOperations(staffRouter),
    async staffUnreadCount(staff) {
      const workspace = await staffAdapter.workspaces.findById(staff.workspaceId);
      if (!workspace || !flags.isEnabled(PORTAL_FLAG, { workspaceId: workspace.id, workspaceSlug: workspace.slug })) return 0;
      return staffUnreadCount(db, workspace.id, staff.id);
    },
    messageDigest,
    verifyHost: () => verifyHostClaims(db, adapter),
    async migrate() {
      await verifyHostClaims(db, adapter);
      await migratePortal(db, { hostProvides: hostProvides(adapter) });
    },
    paymentWarnings: () => payment.startupWarnings(),
    rollback: () => rollbackPortal(db, { hostProvides: hostProvides(adapter) }),
    routes: {
      client: routeTable(clientRoutes),
      public: routeTable(publicRoutes),
      callback: routeTable(callbackRoutes),
      admin: routeTable([admin]),
      staff: routeTable([staffRouter]),
      notifications: routeTable([staffNotifications]),
    },
    isEnabledFor: (workspace) => flags.isEnabled(PORTAL_FLAG, { workspaceId: workspace.id, workspaceSlug: workspace.slug }),
    auth,
    async inviteContact(workspace, contactId, inviter, meta) {
      const { contact, existing } = await checkInvitation(db, adapter, workspace, contactId);
      const user = await auth.invite(workspace, contact.id, inviter, meta);
      if (!user) throw notFound(CONTACT_NOT_FOUND);
      return { user, again: existing !== null };
    },
    drainOutbox: () => outbox.drain(),
    comments,
    events,
    files: storage,
    payments: invoices.payments,
    notifications: notifications.notifications,
    offerReminders: { run: () => offers.reminders.run() },
    clientNotifications: { digests: () => clientNotifications.service.digests(), hostNews: clientNotifications.hostNews },
    dataExports: { run: () => privacy.exports.run(), expire: () => privacy.exports.expire() },
    notificationsRouter: withOperations(staffNotifications),
    async headerItems(staff) {
      const workspace = await staffAdapter.workspaces.findById(staff.workspaceId);
      if (!workspace || !flags.isEnabled(PORTAL_FLAG, { workspaceId: workspace.id, workspaceSlug: workspace.slug })) return [];
      const [unreadNotifications, unreadMessages] = await Promise.all([
        notifications.notifications.unreadCount(staff),
        staffUnreadCount(db, workspace.id, staff.id),
      ]);
      const item = (label: string, href: string, count: number) => ({ label, href, count, countText: countText(count) });
      return [
        item('Client notifications', config.notificationsPath, unreadNotifications),
        item('Client messages', config.messagesPath, unreadMessages),
      ];
    },
    workspaceChanged: (workspaceId) => workspaces.changed(workspaceId),
    async hostRecordChanged(input) {
      const change = parseHostChange(input);
      await announceHostChange({ db, bus: events, onError: (m, e) => logger.error(m, e) }, change);
      if (change.happened)
        await clientNotifications.service
          .notify(clientEventOf(change))
          .catch((err) => logger.error('could not notify the client of a change in the host', err));
    },
    async staffSignedOut(staff) {
      const signedOut: StaffSignedOut = { workspaceId: String(staff.workspaceId), staffId: String(staff.id) };
      await events.publish(STAFF_SIGNED_OUT, signedOut).catch((err: unknown) => logger.error('could not announce a staff sign-out', err));
    },
    metricsHandler: metrics.handler,
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
