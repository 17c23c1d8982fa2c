// The composition root: the one place the portal is assembled from what the host provides.
// It validates the dependencies, builds the core (src/core/create-core.ts), creates each feature
// once on it, and hands back the routers the host mounts plus the migration functions.
import type { Router, RequestHandler } from 'express';
import { accountFeature, type AuthService, type Inviter } from './features/account/index.ts';
import { adminFeature, adminRouter, checkInvitation, CONTACT_NOT_FOUND } from './features/admin/index.ts';
import { dashboardFeature } from './features/dashboard/index.ts';
import { documentsFeature } from './features/documents/index.ts';
import { invoicesFeature, paymentProviders, type PaymentService } from './features/invoices/index.ts';
import { messagesFeature, staffUnreadCount, type MessageDigest } from './features/messages/index.ts';
import { notificationsFeature, type Notifications } from './features/notifications/index.ts';
import { type ClientNotifications, clientEventOf, clientNotificationsFeature } from './features/client-notifications/index.ts';
import { appPushFeature } from './features/app-push/index.ts';
import { customDomainsFeature } from './features/custom-domains/index.ts';
import { offersFeature, type OfferReminders } from './features/offers/index.ts';
import { privacyFeature, type DataExports } from './features/privacy/index.ts';
import { tasksFeature } from './features/tasks/index.ts';
import { projectsFeature } from './features/projects/index.ts';
import { type StaffCompanySurveys, type StaffTicketFile, type StaffTicketSurvey, ticketsFeature } from './features/tickets/index.ts';
import { knowledgeBaseFeature } from './features/knowledge-base/index.ts';
import { requestsFeature, type StaffRequestFile, type StaffRequestThreadView } from './features/requests/index.ts';
import { appointmentsFeature } from './features/appointments/index.ts';
import { approvalsFeature, withPortalKeptApprovals } from './features/approvals/index.ts';
import { companyDetailsFeature } from './features/company-details/index.ts';
import { ordersFeature } from './features/orders/index.ts';
import { devicesFeature } from './features/devices/index.ts';
import { contractsFeature, type StaffHourRequest } from './features/contracts/index.ts';
import { teamFeature } from './features/team/index.ts';
import { singleSignOnFeature } from './features/single-sign-on/index.ts';
import { directoryProvisioningFeature } from './features/directory-provisioning/index.ts';
import { FEATURE_HOST_PORTS, FEATURE_MANIFESTS, FEATURE_STAFF_PAGES } from './features/manifests.ts';
import { migratePortal, rollbackPortal } from './migrations/index.ts';
import {
  corePersonalData,
  countText,
  createCore,
  DEFAULT_LOCALE,
  localeOfTag,
  translator,
  hostHasPortsFor,
  hostProvides,
  notFound,
  parseHostChange,
  routeTable,
  validateDeps,
  findClaimProblems as claimProblemsWith,
  verifyHostClaims as verifyClaimsWith,
  type ClientUserRow,
  type EventBus,
  type Feature,
  type FileStorage,
  type HostAdapter,
  type HostRecordChange,
  type HostStaffUser,
  type HostWorkspace,
  type PersonalDataHook,
  type PortalDepsInput,
  type RequestMeta,
  type RouteEntry,
  useLocaleFolders,
  useViewFolders,
} from './core/index.ts';
import type { CommentsPort } from './features/messages/port.ts';
import type { TicketFileContent } from './features/tickets/port.ts';
import type { Knex } from 'knex';

export interface CustomerPortal {
  /** Mount at config.portalPath, before the host's own session middleware. */
  clientRouter: Router;
  /**
   * Mount on the app itself, before every other router (also the host's own): a request at a
   * workspace's verified custom domain is served as that workspace's portal from the host's root;
   * one at an unknown or unverified name is 404. The portal's own host passes untouched.
   */
  hostRouting: RequestHandler;
  /**
   * For a reverse proxy's on-demand TLS (`GET …?domain=portal.agency.com`): 200 for a verified
   * custom domain, 404 otherwise. No sign-in; limited per address. Mount where the proxy reaches
   * it (docs/custom-domains.md).
   */
  tlsAllowed: RequestHandler;
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
  /**
   * What keeps a workspace's clients from paying as configured, for start-up: refusals (its own
   * Stripe keys cannot be opened: start-up stops) and warnings to log (Stripe chosen without keys).
   */
  paymentCheck(): Promise<{ refusals: string[]; warnings: string[] }>;
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
    /** Server-to-server APIs with bearer tokens (SCIM). */
    api: RouteEntry[];
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
  /**
   * For the host's own staff page of a ticket: the files the portal keeps for it (those the
   * client attached in the portal), oldest first, and one of them to download. The host has found
   * the ticket in the staff member's workspace and names its client; a file of another ticket, or
   * an id that is none, is null. Nothing where the portal is off for the workspace.
   */
  ticketFiles: {
    list(staff: { workspaceId: string }, ticket: { id: string; clientId: string }): Promise<StaffTicketFile[]>;
    open(staff: { workspaceId: string }, ticket: { id: string; clientId: string }, fileId: string): Promise<TicketFileContent | null>;
  };
  /**
   * For the host's own staff pages: the answer to a ticket's satisfaction survey, and a company's
   * average, count and newest answers, as the portal keeps them (a host that keeps surveys itself
   * shows its own). The host has found the ticket or company in the staff member's workspace.
   * Nothing where the portal is off for the workspace.
   */
  ticketSurveys: {
    ofTicket(staff: { workspaceId: string }, ticket: { id: string; clientId: string }): Promise<StaffTicketSurvey | null>;
    ofCompany(staff: { workspaceId: string }, client: { id: string }): Promise<StaffCompanySurveys | null>;
  };
  /**
   * For the host's own staff page of a service or quote request: the files the client sent with it
   * in the portal, oldest first, and one of them to download; as ticketFiles.
   */
  requestFiles: {
    list(staff: { workspaceId: string }, request: { id: string; clientId: string }): Promise<StaffRequestFile[]>;
    open(staff: { workspaceId: string }, request: { id: string; clientId: string }, fileId: string): Promise<TicketFileContent | null>;
  };
  /**
   * For the host's own staff page of a contract: the client's asks for more hours the portal keeps
   * (pending first, each with who asked), and the agency's answer to a pending one (agreed or
   * declined, with words for the client, who is emailed and told in the portal). The host has
   * found the contract in the staff member's workspace and names its client; the allowance stays
   * the host's to change. Nothing where the portal is off for the workspace: 'gone' for an answer.
   */
  contractHours: {
    list(staff: { workspaceId: string }, contract: { id: string; clientId: string }): Promise<StaffHourRequest[]>;
    answer(
      staff: { workspaceId: string; id: string },
      contract: { id: string; clientId: string },
      requestId: string,
      answer: { answer: 'agreed' | 'declined'; note: string },
    ): Promise<'answered' | 'gone'>;
  };
  /**
   * For the host's own staff page of a service or quote request, where its requests port declares
   * staffReadsThread: its thread (the client's messages and the agency's replies, oldest first;
   * null where the comments port keeps none on requests or the portal is off), and a staff
   * member's reply, which the client's open pages show at once and the client's people who may
   * open the request are told of. The host has found the request in
   * the staff member's workspace and checked the reply (1 to 5000 characters); reply resolves
   * false where the thread takes no reply from the host.
   */
  requestThread: {
    list(staff: { workspaceId: string }, request: { id: string; clientId: string }): Promise<StaffRequestThreadView | null>;
    reply(staff: HostStaffUser, request: { id: string; clientId: string; ref: string; title: string }, body: string): Promise<boolean>;
  };
  payments: PaymentService;
  /**
   * Autopay: companies' invoices charged to their saved method, on a timer; run() for tests and a
   * host's tools. Null where the host records no payments.
   */
  autopay: { run(): Promise<number> } | null;
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
   * The portal tables holding rows about a person, as the core's and the features' personal-data
   * hooks declare them: each is exported and erased (or kept on purpose) by the module that writes it.
   */
  personalDataTables: readonly string[];
  /**
   * Clients' daily notification emails, each once a day across instances, the push messages a
   * restart left waiting, and, beside a host with a news port, what it issued and sent; on timers,
   * digests(), pushesLeft() and hostNews() for tests and tools.
   */
  clientNotifications: Pick<ClientNotifications, 'digests' | 'pushesLeft'> & { hostNews(): Promise<number> };
  /** Mount at config.notificationsPath, behind the host's staff sign-in (any staff user). */
  notificationsRouter: Router;
  /** What the host shows in its header for a signed-in staff user (the unread count). */
  /** `count` stops at COUNT_LIMIT; `countText` is what a badge shows ("99+" past it). */
  headerItems(staff: {
    id: string;
    workspaceId: string;
    /** The staff member's language in the host, if it keeps one; the language chosen in the portal comes first. */
    locale?: string | null;
  }): Promise<Array<{ label: string; href: string; count: number; countText: string; unreadWord: string }>>;
  /**
   * The words of the portal's links on the host's own pages (its Settings entry, its link on a
   * record's page), in the staff member's language as headerItems speaks it.
   */
  staffLinkWords(staff: { id: string; workspaceId: string; locale?: string | null }): Promise<{ settings: string; recordLink: string }>;
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

/**
 * Makes every feature's templates and translations (its manifest's `views` and `locales`) found
 * beside core's; done once. Throws when two folders hold one template or one namespace.
 */
export function useFeatureFolders(): void {
  useViewFolders(FEATURE_MANIFESTS.flatMap((feature) => (feature.views ? [feature.views] : [])));
  useLocaleFolders(FEATURE_MANIFESTS.flatMap((feature) => (feature.locales ? [feature.locales] : [])));
}

/**
 * Each claim of a binding that its database does not hold, and each port it has without the claim
 * that goes with it: the core's ports and the features' (their manifests' hostPorts).
 */
export function findClaimProblems(db: Knex, adapter: HostAdapter): Promise<string[]> {
  return claimProblemsWith(db, adapter, FEATURE_HOST_PORTS);
}

/** Refuses to start (HostClaimError) on any problem findClaimProblems names. */
export function verifyHostClaims(db: Knex, adapter: HostAdapter): Promise<void> {
  return verifyClaimsWith(db, adapter, FEATURE_HOST_PORTS);
}

export function createCustomerPortal(input: PortalDepsInput): CustomerPortal {
  // Approvals the portal keeps stand in the adapter for a host that keeps only their files.
  const deps = withPortalKeptApprovals(validateDeps(input, FEATURE_HOST_PORTS));
  useFeatureFolders();
  // Whether a workspace can be paid online: the workspace cache asks before the features exist.
  const payment = paymentProviders(deps, deps.paymentProviders);
  const core = createCore(deps, { settingsInForce: payment.availability.settingsInForce, staffPages: FEATURE_STAFF_PAGES });
  const { db, adapter, staffAdapter, config, now } = core.services;

  // The features, in the order their client pages are tried (account first: its two-factor gate
  // sees every page). Those that serve others hand over what they share.
  // Single sign-on answers for the sign-in page and ends its sign-ins with the account feature's
  // completion: each needs the other only once a request comes.
  const singleSignOn = singleSignOnFeature(core.services, { completeSignIn: (...args) => account.completeSignIn(...args) });
  const account = accountFeature(core.services, { singleSignOn: singleSignOn.signIn });
  const notifications = notificationsFeature(core.services);
  const appPush = appPushFeature(core.services);
  const clientNotifications = clientNotificationsFeature(core.services, {
    push: appPush.push,
    ticketChanged: (workspaceId, clientId, ticketId) => tickets.surveys.ticketChanged(workspaceId, clientId, ticketId),
    // Bound late: the appointments feature is made below, and the news pass runs only after start.
    appointmentAnswered: async (change) => appointments.invitations?.hostChanged(change),
  });
  const messages = messagesFeature(core.services, {
    staffMessageSent: (message) =>
      clientNotifications.service.notify({ ...message, kind: 'message_reply', subjectType: 'message', subjectId: message.messageId }),
  });
  const offers = offersFeature(core.services, { comments: messages.comments });
  const invoices = invoicesFeature(core.services, {
    comments: messages.comments,
    payments: payment,
    afterPayment: () => notifications.notifications.kick(),
  });
  const documents = documentsFeature(core.services);
  const privacy = privacyFeature(core.services, { personalData: () => personalData });
  const customDomains = customDomainsFeature(core.services);
  const tickets = ticketsFeature(core.services, { notify: (event) => clientNotifications.service.notify(event) });
  const requests = requestsFeature(core.services, {
    comments: messages.comments,
    notify: (event) => clientNotifications.service.notify(event),
  });
  const appointments = appointmentsFeature(core.services);
  // An answer to an ask for more hours tells the client's people who see contracts.
  const contracts = contractsFeature(core.services, { notify: (event) => clientNotifications.service.notify(event) });
  const features: Feature[] = [
    account,
    adminFeature(core.services, { auth: account.auth, paymentsReady: payment.availability.ready }),
    dashboardFeature(core.services),
    offers,
    invoices,
    documents,
    tasksFeature(core.services),
    projectsFeature(core.services),
    knowledgeBaseFeature(core.services),
    appointments,
    approvalsFeature(core.services, {
      // A version shared from the portal's staff page: the client is asked for a decision, once per version.
      approvalShared: (version) =>
        clientNotifications.service.notify({
          workspaceId: version.workspaceId,
          clientId: version.clientId,
          kind: 'approval_requested',
          subjectType: 'approval',
          subjectId: version.approvalId,
          title: version.title,
          number: String(version.version),
          occurrence: `version:${version.version}`,
        }),
    }),
    devicesFeature(core.services),
    contracts,
    tickets,
    requests,
    ordersFeature(core.services),
    teamFeature(core.services, account.auth),
    companyDetailsFeature(core.services),
    privacy,
    appPush,
    clientNotifications,
    messages,
    notifications,
    customDomains,
    singleSignOn,
    directoryProvisioningFeature(core.services),
  ];
  // The features made here are those of the list the migrations and the folders are read from.
  const listed = FEATURE_MANIFESTS.map((feature) => feature.name);
  if (features.map((feature) => feature.name).join() !== listed.join()) {
    throw new Error(`The portal creates ${features.map((feature) => feature.name).join(', ')} but lists ${listed.join(', ')}`);
  }

  // Each module's part of a person's data (the export archive's files in this order, the core's
  // profile and sign-ins first; erasure goes backwards, the core's last). Every feature's hook
  // counts, mounted or not: its tables exist either way.
  const personalData = personalDataInArchiveOrder(corePersonalData({ db, contacts: adapter.contacts, now }), features, [
    account,
    messages,
    documents,
    offers,
    invoices,
  ]);

  // A host without an offers, invoices or tasks port has no such section: those features' client
  // pages are never mounted and their jobs never run.
  const mounted = features.filter((feature) => hostHasPortsFor(adapter, feature));
  const publicRoutes = features.flatMap((feature) => feature.publicRoutes ?? []);
  const clientRoutes = [...mounted.flatMap((feature) => feature.clientRoutes ?? []), ...core.clientRoutes];
  const callbackRoutes = features.flatMap((feature) => feature.callbackRoutes ?? []);
  const apiRoutes = features.flatMap((feature) => feature.apiRoutes ?? []);
  const largeForms = features.flatMap((feature) => (feature.largeForms ? [feature.largeForms] : []));
  if (largeForms.length > 1) throw new Error('One feature at most declares large forms (the workspace router has one cap for them).');
  const clientRouter = core.clientRouter({
    publicRoutes,
    clientRoutes,
    callbackRoutes,
    apiRoutes,
    multipartPaths: mounted.flatMap((feature) => feature.multipartPaths ?? []),
    ...(largeForms[0] ? { largeForms: largeForms[0] } : {}),
  });

  // The staff side: the admin router carries every feature's staff pages; the inbox and the
  // notifications are mounted by the host at paths of their own.
  const admin = adminRouter({
    workspaces: core.services.workspaces,
    adapter: staffAdapter,
    staffPagesShown: core.services.staffPagesShown,
    flags: core.services.flags,
    config,
    readRoutes: features.flatMap((feature) => feature.staffReadRoutes ?? []),
    staffRoutes: mounted.flatMap((feature) => feature.staffRoutes ?? []),
    routes: features.flatMap((feature) => feature.adminRoutes ?? []),
  });
  const staffNotifications = notifications.router;
  const staffRouter = messages.inbox;
  core.startJobs(mounted.flatMap((feature) => feature.jobs ?? []));
  const { auth } = account;

  return {
    clientRouter,
    hostRouting: customDomains.hostRouting,
    tlsAllowed: customDomains.tlsAsk,
    adminRouter: core.staffRouter(admin, adapter.layout),
    staffRouter: core.staffRouter(staffRouter),
    async staffUnreadCount(staff) {
      const workspace = await core.staffWorkspace(staff);
      return workspace ? staffUnreadCount(db, workspace.id, staff.id) : 0;
    },
    messageDigest: messages.digest,
    verifyHost: () => verifyHostClaims(db, adapter),
    async migrate() {
      await verifyHostClaims(db, adapter);
      await migratePortal(db, { hostProvides: hostProvides(adapter) });
      core.migrated();
    },
    paymentCheck: () => payment.startupCheck(),
    rollback: () => rollbackPortal(db, { hostProvides: hostProvides(adapter) }),
    routes: {
      client: routeTable(clientRoutes),
      public: routeTable(publicRoutes),
      callback: routeTable(callbackRoutes),
      api: routeTable(apiRoutes),
      admin: routeTable([admin]),
      staff: routeTable([staffRouter]),
      notifications: routeTable([staffNotifications]),
    },
    isEnabledFor: core.isEnabledFor,
    auth,
    async inviteContact(workspace, contactId, inviter, meta) {
      const { contact, existing } = await checkInvitation(db, adapter, workspace, contactId);
      const user = await auth.invite(workspace, contact.id, inviter, meta);
      if (!user) throw notFound(CONTACT_NOT_FOUND);
      return { user, again: existing !== null };
    },
    drainOutbox: core.drainOutbox,
    comments: messages.comments,
    events: core.services.events,
    files: core.services.storage,
    payments: invoices.payments,
    autopay: invoices.autopay ? { run: () => invoices.autopay!.runInBackground() } : null,
    notifications: notifications.notifications,
    offerReminders: { run: () => offers.reminders.run() },
    clientNotifications: {
      digests: () => clientNotifications.service.digests(),
      pushesLeft: () => clientNotifications.service.pushesLeft(),
      hostNews: clientNotifications.hostNews,
    },
    dataExports: { run: () => privacy.exports.run(), expire: () => privacy.exports.expire() },
    personalDataTables: personalData.flatMap((hook) => hook.tables),
    notificationsRouter: core.staffRouter(staffNotifications),
    async headerItems(staff) {
      const workspace = await core.staffWorkspace(staff);
      if (!workspace) return [];
      const [unreadNotifications, unreadMessages, entry] = await Promise.all([
        notifications.notifications.unreadCount(staff),
        staffUnreadCount(db, workspace.id, staff.id),
        core.services.workspaces.byId(workspace.id),
      ]);
      // The portal's items speak the staff member's language; the rest of the header is the host's.
      const t = translator(entry?.staffLocales.get(staff.id) ?? localeOfTag(staff.locale) ?? DEFAULT_LOCALE);
      const item = (label: string, href: string, count: number) => ({
        label,
        href,
        count,
        countText: countText(count),
        // What a screen reader hears after the count, in the same language as the label.
        unreadWord: t('staff:header.unread'),
      });
      return [
        item(t('staff:header.notifications'), config.notificationsPath, unreadNotifications),
        item(t('staff:header.messages'), config.messagesPath, unreadMessages),
      ];
    },
    async staffLinkWords(staff) {
      const entry = await core.services.workspaces.byId(staff.workspaceId);
      const t = translator(entry?.staffLocales.get(staff.id) ?? localeOfTag(staff.locale) ?? DEFAULT_LOCALE);
      return { settings: t('staff:portalTitle'), recordLink: t('staff:header.recordLink') };
    },
    workspaceChanged: (workspaceId) => core.services.workspaces.changed(workspaceId),
    async hostRecordChanged(input) {
      const change = parseHostChange(input);
      await core.announceHostChange(change);
      if (change.happened) {
        const told = await clientNotifications.service.notify(clientEventOf(change)).catch((err) => {
          core.services.logger.error('could not notify the client of a change in the host', err);
          return 0;
        });
        // An appointment's answer is told once (its occurrence): its calendar email goes with the first telling.
        if (change.kind === 'appointment' && told > 0 && appointments.invitations)
          await appointments.invitations
            .hostChanged(change)
            .catch((err) => core.services.logger.error('could not email an appointment’s answer', err));
      }
      // A ticket the agency resolved invites who opened it to the satisfaction survey, after its news.
      if (change.kind === 'ticket')
        await tickets.surveys
          .ticketChanged(change.workspaceId, change.clientId, change.id)
          .catch((err) => core.services.logger.error('could not invite the client to a ticket’s survey', err));
    },
    staffSignedOut: core.staffSignedOut,
    ticketFiles: {
      async list(staff, ticket) {
        const workspace = await core.staffWorkspace(staff);
        return workspace ? tickets.staffFiles.list({ workspaceId: workspace.id, clientId: ticket.clientId, ticketId: ticket.id }) : [];
      },
      async open(staff, ticket, fileId) {
        const workspace = await core.staffWorkspace(staff);
        if (!workspace) return null;
        return tickets.staffFiles.open({ workspaceId: workspace.id, clientId: ticket.clientId, ticketId: ticket.id }, fileId);
      },
    },
    ticketSurveys: {
      async ofTicket(staff, ticket) {
        const workspace = await core.staffWorkspace(staff);
        return workspace
          ? tickets.staffSurveys.ofTicket({ workspaceId: workspace.id, clientId: ticket.clientId, ticketId: ticket.id })
          : null;
      },
      async ofCompany(staff, client) {
        const workspace = await core.staffWorkspace(staff);
        return workspace ? tickets.staffSurveys.ofCompany({ workspaceId: workspace.id, clientId: client.id }) : null;
      },
    },
    requestFiles: {
      async list(staff, request) {
        const workspace = await core.staffWorkspace(staff);
        return workspace ? requests.staffFiles.list({ workspaceId: workspace.id, clientId: request.clientId, requestId: request.id }) : [];
      },
      async open(staff, request, fileId) {
        const workspace = await core.staffWorkspace(staff);
        if (!workspace) return null;
        return requests.staffFiles.open({ workspaceId: workspace.id, clientId: request.clientId, requestId: request.id }, fileId);
      },
    },
    contractHours: {
      async list(staff, contract) {
        const workspace = await core.staffWorkspace(staff);
        return workspace && contracts.hourRequests ? contracts.hourRequests.ofContract(workspace, contract) : [];
      },
      async answer(staff, contract, requestId, answer) {
        const workspace = await core.staffWorkspace(staff);
        if (!workspace || !contracts.hourRequests) return 'gone';
        return contracts.hourRequests.answer(workspace, staff, contract, requestId, answer);
      },
    },
    requestThread: {
      async list(staff, request) {
        const workspace = await core.staffWorkspace(staff);
        return workspace
          ? requests.staffThread.list({ workspaceId: workspace.id, clientId: request.clientId, requestId: request.id })
          : null;
      },
      async reply(staff, request, body) {
        const workspace = await core.staffWorkspace(staff);
        if (!workspace) return false;
        return requests.staffThread.reply(
          { workspaceId: workspace.id, clientId: request.clientId, requestId: request.id, ref: request.ref, title: request.title },
          staff,
          body,
        );
      },
    },
    metricsHandler: core.services.metrics.handler,
    close: core.close,
  };
}

/** The core's hook, then those of the features named in `first` in that order, then the others' in the features' order. */
function personalDataInArchiveOrder(core: PersonalDataHook, features: readonly Feature[], first: readonly Feature[]): PersonalDataHook[] {
  const ordered = [...first, ...features.filter((feature) => !first.includes(feature))];
  return [core, ...ordered.flatMap((feature) => (feature.personalData ? [feature.personalData] : []))];
}
