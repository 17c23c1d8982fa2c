// What a feature module declares. Its manifest (src/features/<name>/manifest.ts) names the files it
// brings, known before any portal exists: its templates, its translations and its migrations, read
// by the renderer, the translations and the migration runner (src/migrations/index.ts) from the one
// list of features, src/features/manifests.ts. Its index.ts (src/features/<name>/index.ts) says
// what it needs from the host and what it brings once created: routes for clients, the public and
// the payment providers, staff routes, forms that need more than the default body limits, and
// background jobs. The composition root (src/portal.ts) creates each feature of that list once with
// the core services below and then mounts, starts and stops what the features bring, in one loop each.
import type { RequestHandler, Router } from 'express';
import type { Knex } from 'knex';
import type { PortalConfig } from './config.ts';
import type { MigrationContext } from './db/migration-context.ts';
import type { MigrationModule } from './db/migration-source.ts';
import type { EventBus } from './events/event-bus.ts';
import type { ClientStreamRules } from './live/client-streams.ts';
import type { PortalLogger } from './ops/logging.ts';
import type { PortalMetrics } from './ops/metrics.ts';
import type { PortalLinks } from './web/portal-links.ts';
import type { PersonalDataHook } from './personal-data/hook.ts';
import type { FeatureHostPort, StaffPage } from './host/feature-ports.ts';
import type { HostAdapter } from './ports/host.ts';
import type { FeatureFlags, FileStorage, VirusScanner } from './ports/services.ts';
import type { OutboxMailer } from './mail/outbox.ts';
import type { RateLimiter } from './rate-limits/limiter.ts';
import type { RepeatGuard } from './rate-limits/repeat-guard.ts';
import type { SessionLifecycle } from './sessions/session-lifecycle.ts';
import type { WorkspaceCache } from './workspaces/workspace-cache.ts';
import type { WorkspaceRouterDeps } from './workspaces/workspace-router.ts';

/** The infrastructure every feature is created with: one of each per portal. */
export interface CoreServices {
  db: Knex;
  adapter: HostAdapter;
  /** The adapter for staff pages: a staff user's workspace is found through the workspace cache. */
  staffAdapter: HostAdapter;
  config: PortalConfig;
  flags: FeatureFlags;
  now: () => Date;
  logger: PortalLogger;
  /** The mail outbox's mailer: what a feature sends is queued in the caller's transaction or at once. */
  mailer: OutboxMailer;
  storage: FileStorage;
  events: EventBus;
  limiter: RateLimiter;
  guard: RepeatGuard;
  workspaces: WorkspaceCache;
  streamRules: ClientStreamRules;
  sessionLifecycle: SessionLifecycle;
  metrics: PortalMetrics;
  /** A workspace's portal address for emails: its verified custom domain, else the portal's path. */
  links: PortalLinks;
  /** The features' staff pages (their manifests' staffPages) this host has the ports for, in the navigation's order. */
  staffPagesShown: readonly StaffPage[];
  virusScanner?: VirusScanner;
}

/**
 * The host ports a feature's pages cannot exist without (a CRM without invoices has no invoice
 * section): the optional members of HostAdapter, to which each feature adds its own (its port.ts),
 * so the core lists none of them.
 */
type HostPortName = { [Name in keyof HostAdapter]-?: undefined extends HostAdapter[Name] ? Name : never }[keyof HostAdapter];

/** Work a feature does on a timer, on every instance; each run is safe to overlap with another instance's. */
export interface BackgroundJob {
  name: string;
  everyMs: number;
  /**
   * Also runs once as soon as the portal's migrations have run on start-up, rather than first an
   * interval after it: for work whose absence a client would feel until then (the host's kept
   * orders that its lists read, filled by the host news pass). Where the config turns first passes
   * off (PortalConfig.jobsAtStart: tests that drive the passes themselves), only the interval runs it.
   */
  atStart?: boolean;
  run(): void;
  /** Resolves once the run in progress (if any) has finished; awaited on close. */
  idle?(): Promise<void>;
}

/** A migration of the portal's own tables, or one made for what the host keeps (its own comments). */
export type PortalMigration = MigrationModule | ((context: MigrationContext) => MigrationModule);

/** The files a feature brings, each folder beside its code; all optional, none read twice. */
export interface FeatureManifest {
  name: string;
  /** Its templates, <views>/<folder>/<page>.ejs, rendered and included by '<folder>/<page>' like core's. */
  views?: string;
  /** Its translations, <locales>/<locale>/<namespace>.json: namespaces no one else defines. */
  locales?: string;
  /** Its migrations by their knex name, run with core's and every other feature's in name order. */
  migrations?: Readonly<Record<string, PortalMigration>>;
  /** The host ports it brings, as the start-up checks read them (their methods, the claim each asks for). */
  hostPorts?: readonly FeatureHostPort[];
  /** Its staff pages, as the staff navigation links them (some only beside a host with their ports). */
  staffPages?: readonly StaffPage[];
}

/** A feature's staff pages open to every staff member of the workspace, forms included (the admin router mounts them). */
export interface StaffWorkRoutes {
  /** Where they live below the admin path ('/approvals'; the router's routes name it in full): every request there ends in them (or 404). */
  path: string;
  /** Who may use them, from the policy module; answers 403 (throws) for anyone else. */
  authorize: RequestHandler;
  /** Reads a multipart form's fields (and its files) into req.body, before the CSRF check that reads `_csrf` from it. */
  multipart?: RequestHandler;
  router: Router;
}

export interface Feature {
  name: string;
  needs: {
    /** Without every one of these ports the feature mounts nothing and runs no job. */
    ports: HostPortName[];
  };
  /** Pages for signed-in clients, relative to /:workspaceSlug; mounted in the order of the feature list. */
  clientRoutes?: Router[];
  /** Pages anyone may open (sign-in, public links), relative to /:workspaceSlug. */
  publicRoutes?: Router[];
  /** Signed callbacks of payment providers: no session, no CSRF token. */
  callbackRoutes?: Router[];
  /**
   * Server-to-server APIs of a workspace that prove themselves by a bearer token (SCIM for a
   * client company's directory): no session, no CSRF token, every method, each entered by its
   * first path segment, before the form parser and the session. They answer their own errors.
   */
  apiRoutes?: Router[];
  /** Staff pages under the admin router (workspace settings and records), behind the staff chain. */
  adminRoutes?: Router[];
  /**
   * Staff pages under the admin router that every staff member of the workspace may read (GET
   * only, each route with its own policy step); met before the admin policy.
   */
  staffReadRoutes?: Router[];
  /** Staff pages and forms under the admin router that every staff member of the workspace may use, each below its own path. */
  staffRoutes?: StaffWorkRoutes[];
  /** Client form paths that carry files (parsed by the handler, CSRF checked from the query). */
  multipartPaths?: string[];
  /** Client forms allowed a larger body (drawn signatures), with their own cap. */
  largeForms?: NonNullable<WorkspaceRouterDeps['largeForms']>;
  jobs?: BackgroundJob[];
  /**
   * How the feature answers for a person's data in its tables: their part of the export archive,
   * and their erasure inside the approving transaction. Every feature that keeps rows about a
   * client user brings one (test/portal/personal-data-coverage.test.ts checks the tables).
   */
  personalData?: PersonalDataHook;
}

/** True when the host has every port the feature needs. */
export function hostHasPortsFor(adapter: HostAdapter, feature: Feature): boolean {
  return feature.needs.ports.every((port) => adapter[port] !== undefined);
}
