// Starts the reference CRM with the customer portal plugged in: the configuration check, database
// (embedded unless DATABASE_URL), both sets of migrations, the demo seed (development only), flags,
// mail, and the HTTP server.
// `npm start` runs it; the browser tests start it the same way on a free port.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type pg from 'pg';
import {
  createClamdScanner,
  createCustomerPortal,
  type CustomerPortal,
  type HostAdapter,
  createKnex,
  createPgPool,
  openDatabase,
  type DatabaseBounds,
  namePoolReads,
  namePreparedStatements,
  sharesOneSession,
  createUnleashFlags,
  type EventBus,
  type PortalConfigInput,
  openEventBus,
  createMailer,
  type DevOutbox,
  createPortalLogger,
  type StructuredLogger,
  checkStartupSettings,
  demoPaymentProviderOn,
  StartupRefused,
  listen,
} from '../../src/index.ts';
import { createReferenceCrmAdapter } from './binding/adapter.ts';
import { createReferenceCrmApp } from './app.ts';
import { devOutboxPlugin } from './binding/dev-outbox.ts';
import { metricsPlugin } from './binding/metrics-plugin.ts';
import { migrateReferenceCrm } from './migrations/index.ts';
import { customerPortalPlugin } from './binding/portal-plugin.ts';
import { SEED_REFERENCE_DATE, seedReferenceCrm, type DemoLogins } from './seed.ts';
import { seedPortalDemo, type PortalDemoLogin } from './seed-portal-demo.ts';

export interface BootOptions {
  databaseUrl?: string | undefined;
  /** Timeouts on a real server (connect, pool wait, statement); the embedded database gets none. */
  databaseBounds?: DatabaseBounds | undefined;
  /** DATABASE_PREPARED_STATEMENTS: reads run as named prepared statements on a real server (default on; off behind PgBouncer's transaction mode). */
  preparedStatements?: boolean | undefined;
  /** LISTEN_DATABASE_URL: a direct connection for the event bus's LISTEN when DATABASE_URL is a PgBouncer in transaction mode. */
  listenDatabaseUrl?: string | undefined;
  /** Embedded PostgreSQL data folder; omitted → in memory. */
  dataDir?: string | undefined;
  port?: number;
  host?: string;
  appUrl?: string | undefined;
  sessionSecret?: string | undefined;
  /** SESSION_SECRET_PREVIOUS: older secrets, still accepted while a rotation settles (see PortalConfig.previousSessionSecrets). */
  previousSessionSecrets?: string[] | undefined;
  /** PAYMENT_KEYS_SECRET: seals the workspaces' own Stripe keys (see PortalConfig.paymentKeysSecret); unset, the session secret does. */
  paymentKeysSecret?: string | undefined;
  /** PAYMENT_KEYS_SECRET_PREVIOUS: older ones, still opening keys sealed under them. */
  previousPaymentKeysSecrets?: string[] | undefined;
  smtpUrl?: string | undefined;
  unleashUrl?: string | undefined;
  unleashApiToken?: string | undefined;
  /** How often to poll Unleash (default 15 s); tests use a short interval. */
  unleashRefreshMs?: number | undefined;
  flagsFile?: string | undefined;
  /** UNLEASH_BACKUP_DIR: keep the last flags fetched from Unleash here and start from them when it is unreachable. */
  unleashBackupDir?: string | undefined;
  secureCookies?: boolean;
  /** Express `trust proxy` (e.g. 'loopback', a hop count, or addresses); production defaults to 'loopback'. */
  trustProxy?: boolean | number | string | undefined;
  production?: boolean;
  quiet?: boolean;
  /** FILE_STORAGE_DIR: keep portal files in this directory instead of PostgreSQL. */
  fileStorageDir?: string | undefined;
  /** CLAMD_HOST / CLAMD_PORT: scan client uploads with clamd; off when unset. */
  clamd?: { host: string; port: number } | undefined;
  /** LOG_LEVEL: the structured log's level (default info; `quiet` lowers it to error). */
  logLevel?: string | undefined;
  /** A logger of the caller's (tests capture lines); else JSON lines on stdout. */
  logger?: StructuredLogger;
  /** METRICS_TOKEN: /metrics answers a bearer of this token; unset, there is no /metrics. */
  metricsToken?: string | undefined;
  /** How long shutdown waits for requests in flight before cutting their connections. */
  shutdownDeadlineMs?: number;
  /**
   * The portal's live-stream settings (caps and the session re-check; LIVE_STREAMS_PER_SESSION,
   * LIVE_STREAMS_PER_IP), the offer reminders' window (OFFER_REMINDER_DAYS), Web Push (VAPID_*), and the
   * custom domains' CNAME target and DNS servers (CUSTOM_DOMAIN_TARGET, CUSTOM_DOMAIN_RESOLVERS), and
   * the single sign-on issuers' private hosts and DNS servers (SSO_ALLOWED_PRIVATE_HOSTS, SSO_RESOLVERS).
   */
  portalConfig?:
    | Pick<
        PortalConfigInput,
        | 'liveStreamsPerSession'
        | 'liveStreamsPerIp'
        | 'liveSessionCheckMs'
        | 'liveStaffCheckMs'
        | 'offerReminderDays'
        | 'webPush'
        | 'customDomains'
        | 'singleSignOn'
      >
    | undefined;
  /** How often the embedded database is vacuumed and analyzed (default 10 minutes); a PostgreSQL server's autovacuum does it there. */
  embeddedMaintenanceMs?: number;
  /**
   * PAYMENTS_DEMO_PROVIDER ('on'/'off') or a boolean: the demo payment provider, which records
   * invoices paid with no money moved. Unset → on outside production, off in production.
   */
  demoPaymentProvider?: boolean | string | undefined;
  /** STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and STRIPE_API_BASE: Stripe for every workspace without keys of its own. */
  stripe?: PortalConfigInput['stripe'];
  /** Seed the demo workspaces, staff and client logins (published passwords). Default: outside production only. */
  seedDemoData?: boolean;
  /**
   * The adapter the portal is given, from the CRM's own: a test runs the portal as it would beside
   * another kind of host (one that keeps only the files of approvals, say). Default: as it is.
   */
  hostAdapter?: (adapter: HostAdapter) => HostAdapter;
}

export interface RunningCrm {
  url: string;
  databaseMode: 'embedded' | 'external';
  db: Knex;
  /** The pool of the portal's session store (and the event bus's NOTIFY). */
  sessionPool: pg.Pool;
  events: EventBus;
  adapter: HostAdapter;
  portal: CustomerPortal;
  /** The demo logins; empty where nothing was seeded (production). */
  staffLogins: DemoLogins;
  clientLogins: PortalDemoLogin[];
  outbox: DevOutbox | undefined;
  logger: StructuredLogger;
  /**
   * Graceful shutdown: stop accepting connections, end live streams with a reconnect hint and stop
   * the portal's workers, let requests in flight finish (up to the deadline), then end the pools.
   */
  close(): Promise<void>;
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** Keeps a development secret next to the embedded data, so a restart keeps everyone signed in. */
function developmentSecret(dataDir: string | undefined): string {
  if (!dataDir) return randomBytes(32).toString('hex');
  const file = path.join(dataDir, '..', 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

const EMBEDDED_MAINTENANCE_MS = 10 * 60_000;

export async function bootReferenceCrm(options: BootOptions): Promise<RunningCrm> {
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  const logger = options.logger ?? createPortalLogger({ level: options.quiet ? 'error' : (options.logLevel ?? 'info') });
  // Before anything starts: every unsafe setting at once, each naming its variable (the portal's
  // config would refuse some later, one at a time and less plainly).
  const production = options.production ?? false;
  const checked = checkStartupSettings({ ...options, production });
  if (checked.warnings.length > 0)
    logger.warn({ warnings: checked.warnings }, `unsafe configuration: ${checked.warnings.length} warning(s), listed in "warnings"`);
  if (checked.refusals.length > 0) throw new StartupRefused(checked.refusals);
  const demoPaymentProvider = demoPaymentProviderOn({ ...options, production });
  const database = await openDatabase({ databaseUrl: options.databaseUrl, dataDir: options.dataDir });
  const bounds = database.mode === 'external' ? options.databaseBounds : undefined;
  const db = createKnex(database.url, undefined, bounds);
  const sessionPool = createPgPool(database.url, undefined, bounds);
  const flags = await createUnleashFlags({
    url: options.unleashUrl,
    apiToken: options.unleashApiToken,
    refreshIntervalMs: options.unleashRefreshMs,
    backupDir: options.unleashBackupDir,
    bootstrapFile: options.flagsFile ?? path.join(ROOT, 'flags.json'),
    onError: (err) => logger.error({ err }, 'feature flags'),
  });
  const mailer = createMailer({ smtpUrl: options.smtpUrl, from: 'Client portal <portal@localhost>', logger: log });
  const adapter = options.hostAdapter ? options.hostAdapter(createReferenceCrmAdapter(db)) : createReferenceCrmAdapter(db);
  // LISTEN/NOTIFY on real PostgreSQL; in process on the embedded database, which does not carry
  // NOTIFY across connections. Listening before serving: no invalidation is missed once up.
  const events = await openEventBus(sessionPool, {
    onError: (message, err) => logger.error({ err }, message),
    ...(options.listenDatabaseUrl ? { connection: { connectionString: options.listenDatabaseUrl } } : {}),
  });
  const portNumber = options.port ?? 3000;
  const portalConfig = {
    appUrl: options.appUrl ?? `http://localhost:${portNumber}`,
    sessionSecret: options.sessionSecret ?? developmentSecret(options.dataDir),
    previousSessionSecrets: options.previousSessionSecrets ?? [],
    ...(options.paymentKeysSecret ? { paymentKeysSecret: options.paymentKeysSecret } : {}),
    previousPaymentKeysSecrets: options.previousPaymentKeysSecrets ?? [],
    secureCookies: options.secureCookies ?? false,
    demoPaymentProvider,
    ...(options.stripe ? { stripe: options.stripe } : {}),
    ...(options.fileStorageDir ? { fileStorageDir: options.fileStorageDir } : {}),
    ...options.portalConfig,
    // Outside production an identity provider may run beside the CRM (the tests' and a developer's
    // own); in production only an issuer at a public address, or one the installer names.
    singleSignOn: { allowPrivateIssuers: !production, ...options.portalConfig?.singleSignOn },
  };
  const virusScanner = options.clamd ? createClamdScanner(options.clamd) : undefined;
  const portal = createCustomerPortal({
    adapter,
    db,
    sessionPool,
    events,
    flags,
    mailer,
    config: portalConfig,
    ...(virusScanner ? { virusScanner } : {}),
    logger,
  });

  await migrateReferenceCrm(db);
  await portal.migrate();
  const payments = await portal.paymentCheck();
  if (payments.warnings.length > 0)
    logger.warn(
      { warnings: payments.warnings },
      `payments: ${payments.warnings.length} workspace(s) cannot take card payments, listed in "warnings"`,
    );
  // What was opened, closed in reverse when starting stops half way: an embedded database left
  // running would hold its data directory, and the next start would fail on that instead.
  const closeOpened = async () => {
    await portal.close();
    await events.close();
    await flags.close();
    await sessionPool.end();
    await db.destroy();
    await database.close();
  };
  if (payments.refusals.length > 0) {
    // A workspace's own Stripe keys that no secret opens: nothing serves until the secret is back.
    await closeOpened();
    throw new StartupRefused(payments.refusals);
  }
  // The demo data publishes its passwords: development and tests only. Production starts on the
  // database as it is (empty at first: `npm run staff:create` makes the first staff user).
  const seed = options.seedDemoData ?? !production;
  const staffLogins: DemoLogins = seed ? await seedReferenceCrm(db) : { referenceDate: SEED_REFERENCE_DATE, staff: [], clients: [] };
  const clientLogins = seed ? await seedPortalDemo(db, staffLogins.clients) : [];
  const embedded = await sharesOneSession(db);
  // After the migrations, which change the tables a statement prepared before them would read.
  if (options.preparedStatements !== false && !embedded) {
    namePreparedStatements(db);
    namePoolReads(sessionPool);
  }
  // The embedded database runs no autovacuum: its planner would keep the statistics of the tables
  // as first seeded however they grew (the activity log grows with every page view), and every
  // index-only scan would visit the table for each row. The CRM keeps its own database as
  // autovacuum would, through a connection of the pool, so a transaction in progress finishes first.
  const maintenance = embedded
    ? setInterval(() => {
        db.raw('vacuum analyze').catch((err: unknown) => logger.error({ err }, 'embedded database maintenance'));
      }, options.embeddedMaintenanceMs ?? EMBEDDED_MAINTENANCE_MS)
    : undefined;
  maintenance?.unref();

  const plugins = [
    customerPortalPlugin(portal, adapter, {
      portalPath: '/portal',
      adminPath: '/settings/client-portal',
      notificationsPath: '/client-portal/notifications',
      messagesPath: '/client-messages',
    }),
  ];
  if (options.metricsToken) plugins.push(metricsPlugin(portal, { token: options.metricsToken }));
  if (mailer.outbox && !options.production) plugins.push(devOutboxPlugin(mailer.outbox));
  const trustProxy = options.trustProxy ?? (options.production ? 'loopback' : undefined);
  const app = createReferenceCrmApp({
    db,
    sessionPool,
    sessionSecret: portalConfig.sessionSecret,
    previousSessionSecrets: portalConfig.previousSessionSecrets,
    secureCookies: portalConfig.secureCookies,
    trustProxy,
    plugins,
    ...(virusScanner ? { virusScanner } : {}),
  });

  const { server, port } = await listen(app, portNumber, options.host ?? '127.0.0.1').catch(async (err: unknown) => {
    clearInterval(maintenance);
    await closeOpened();
    throw err;
  });
  const url = options.appUrl && options.port !== 0 ? options.appUrl : `http://localhost:${port}`;

  return {
    url,
    databaseMode: database.mode,
    db,
    sessionPool,
    events,
    adapter,
    portal,
    staffLogins,
    clientLogins,
    outbox: mailer.outbox,
    logger,
    async close() {
      // No new connections from here; idle keep-alive ones close now, busy ones once they answer.
      clearInterval(maintenance);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      // Live streams end with their retry hint (which frees their connections), workers stop.
      await portal.close();
      let deadline: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        stopped.then(() => false),
        new Promise<boolean>((resolve) => (deadline = setTimeout(() => resolve(true), options.shutdownDeadlineMs ?? 10_000))),
      ]);
      clearTimeout(deadline);
      clearInterval(sweep);
      if (late) logger.warn('shutdown deadline passed: closing the connections still open');
      server.closeAllConnections();
      await events.close();
      await flags.close();
      await sessionPool.end();
      await db.destroy();
      await database.close();
    },
  };
}
