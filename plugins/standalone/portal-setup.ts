// Everything the standalone commands share: the configuration check, the CRM's database, the
// binding, flags, mail and events, and the portal on top, with the binding's adapter completed by
// this server's staff session (StaffPort.current) and staff layout (HostLayoutPort).
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import type { Knex } from 'knex';
import type pg from 'pg';
import {
  createClamdScanner,
  createCustomerPortal,
  type CustomerPortal,
  type HostAdapter,
  type HostStaffUser,
  type PortalConfigInput,
  paymentKeysSettingsFrom,
  previousSecretsFrom,
  singleSignOnSettingsFrom,
  stripeSettingsFrom,
  webPushSettingsFrom,
  createKnex,
  createPgPool,
  databaseBoundsFrom,
  openEventBus,
  type EventBus,
  createUnleashFlags,
  createMailer,
  type DevOutbox,
  createPortalLogger,
  type StructuredLogger,
  checkStartupSettings,
  demoPaymentProviderOn,
  StartupRefused,
} from '../../src/index.ts';
import { trustProxySetting } from '../shared/host-http.ts';
import { StandaloneSetupError, type StandaloneBinding, type StandaloneHost, type StandaloneStaff } from './binding.ts';
import { sessionStaff, signOutSession } from './staff-session.ts';
import { findStaffSessions } from './queries/staff-sessions.ts';
import { staffLayout, STAFF_PATHS } from './staff-pages.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export interface StandalonePortal {
  binding: StandaloneBinding;
  host: StandaloneHost;
  adapter: HostAdapter;
  portal: CustomerPortal;
  db: Knex;
  sessionPool: pg.Pool;
  events: EventBus;
  logger: StructuredLogger;
  outbox: DevOutbox | undefined;
  settings: {
    appUrl: string;
    sessionSecrets: string[];
    secureCookies: boolean;
    trustProxy: boolean | number | string | undefined;
    production: boolean;
    port: number;
    host: string;
    /** The From address of every email (MAIL_FROM, or the default). */
    mailFrom: string;
  };
  /** Ends live streams and stops the portal's workers (once, however often called). */
  closePortal(): Promise<void>;
  /** Stops the portal's workers and ends every connection. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Which command: only `serve` listens, so only it needs PORT; only `serve` and `invite` send mail. */
  command: 'migrate' | 'rollback' | 'invite' | 'serve';
  logger?: StructuredLogger;
  /** Where an email is printed when SMTP_URL is unset (the command's output; the console's by default). */
  print?: (text: string) => void;
  /** Settings of the portal that have no environment variable (tests shorten its timers). */
  portalConfig?: Pick<PortalConfigInput, 'liveStaffCheckMs'>;
}

/**
 * The staff member a request's staff session names, read again from the CRM once per request. A
 * session whose account the CRM no longer has as staff, or whose credentials changed there since
 * sign-in (a new password, Dolibarr's "disconnect all sessions"), is ended: it does not come back
 * when the account is enabled again.
 */
function staffFromSession(host: StandaloneHost): (req: Request) => Promise<HostStaffUser | null> {
  const seen = new WeakMap<Request, Promise<HostStaffUser | null>>();
  return (req) => {
    let found = seen.get(req);
    if (!found) {
      const ids = sessionStaff(req);
      found = ids
        ? host.findStaff(ids.workspaceId, ids.staffId).then(async (staff) => {
            if (!staff || staff.credentialStamp !== ids.credentialStamp) {
              await signOutSession(req);
              return null;
            }
            const { credentialStamp: _stamp, ...user } = staff;
            return { ...user, sessionKey: ids.sessionId };
          })
        : Promise.resolve(null);
      seen.set(req, found);
    }
    return found;
  };
}

/**
 * For each staff stream's sign-in: whether the staff session it opened under still signs its staff
 * member in: its row is still there (not signed out, not expired), and the CRM still has the account
 * with the credentials it signed in with (not disabled, no new password, no "disconnect all
 * sessions" since). Every session in one query; the CRM is asked once per person still signed in
 * (its binding reads one account at a time), not once per stream.
 */
function staffStillSignedIn(host: StandaloneHost, db: Knex): (staff: readonly HostStaffUser[]) => Promise<boolean[]> {
  return async (staff) => {
    const sessions = await findStaffSessions(
      db,
      staff.flatMap((person) => (person.sessionKey ? [person.sessionKey] : [])),
      new Date(),
    );
    const accounts = new Map<string, Promise<StandaloneStaff | null>>();
    return Promise.all(
      staff.map(async (person) => {
        const session = person.sessionKey ? sessions.get(person.sessionKey) : undefined;
        if (!session || session.staffId !== person.id || session.workspaceId !== person.workspaceId) return false;
        const key = `${person.workspaceId} ${person.id}`;
        if (!accounts.has(key)) accounts.set(key, host.findStaff(person.workspaceId, person.id));
        const now = await accounts.get(key)!;
        return now !== null && now.credentialStamp === session.credentialStamp;
      }),
    );
  };
}

/** DATABASE_URL, which every command needs: `crm` names whose database it is in the refusal. */
export function databaseUrlFrom(env: NodeJS.ProcessEnv, crm: string): string {
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl)
    throw new StandaloneSetupError(
      `DATABASE_URL is required: the address of ${crm} PostgreSQL database (postgres://user:password@host:5432/name)`,
    );
  return databaseUrl;
}

export async function openStandalonePortal(
  binding: StandaloneBinding,
  env: NodeJS.ProcessEnv,
  options: OpenOptions,
): Promise<StandalonePortal> {
  const databaseUrl = databaseUrlFrom(env, `${binding.crmName}'s`);
  const production = env.NODE_ENV === 'production';
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new StandaloneSetupError('PORT must be a port number (0 to 65535)');
  const sessionSecret = env.SESSION_SECRET || undefined;
  const previous = previousSecretsFrom(env.SESSION_SECRET_PREVIOUS);
  const paymentKeys = paymentKeysSettingsFrom(env);
  const trustProxy = trustProxySetting(env.TRUST_PROXY) ?? (production ? 'loopback' : undefined);
  const smtpUrl = env.SMTP_URL || undefined;
  // The same refusals and warnings as the reference CRM's start-up, before anything connects.
  // Beside a real CRM the demo provider would record real invoices paid with no money moved: off
  // unless the operator asks for it, in development as in production.
  const demoSetting = env.PAYMENTS_DEMO_PROVIDER || 'off';
  const demoPayments = demoPaymentProviderOn({ production, demoPaymentProvider: demoSetting });
  const checked = checkStartupSettings({
    production,
    sessionSecret,
    previousSessionSecrets: previous,
    ...paymentKeys,
    smtpUrl,
    demoPaymentProvider: demoSetting,
    appUrl: env.APP_URL || undefined,
    trustProxy,
    databaseUrl,
    hostKeepsStripeKeys: binding.keepsStripeKeys,
    stripe: stripeSettingsFrom(env),
  });
  if (checked.refusals.length > 0) throw new StartupRefused(checked.refusals);

  const logger = options.logger ?? createPortalLogger({ level: env.LOG_LEVEL ?? (options.command === 'serve' ? 'info' : 'warn') });
  if (checked.warnings.length > 0)
    logger.warn({ warnings: checked.warnings }, `unsafe configuration: ${checked.warnings.length} warning(s), listed in "warnings"`);
  const bounds = databaseBoundsFrom(env);
  const db = createKnex(databaseUrl, undefined, bounds);
  const sessionPool = createPgPool(databaseUrl, undefined, bounds);
  const cleanup: Array<() => Promise<unknown>> = [() => db.destroy(), () => sessionPool.end()];
  const closeAll = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };
  try {
    const host = await binding.open(db, env);
    const flags = await createUnleashFlags({
      url: env.UNLEASH_URL || undefined,
      apiToken: env.UNLEASH_API_TOKEN || undefined,
      backupDir: env.UNLEASH_BACKUP_DIR || undefined,
      bootstrapFile: env.FLAGS_FILE || path.join(ROOT, 'flags.json'),
      onError: (err) => logger.error({ err }, 'feature flags'),
    });
    cleanup.push(() => flags.close());
    // Without SMTP_URL (development only: production refuses to start without it), serve and invite
    // print each email, its links too, as the development outbox does: a laptop needs no mail server.
    const quietMail = options.command !== 'serve' && options.command !== 'invite';
    const mailFrom = env.MAIL_FROM || 'Client portal <portal@localhost>';
    const mailer = createMailer({
      smtpUrl,
      from: mailFrom,
      logger: quietMail ? () => {} : options.print ? (line) => options.print!(`${line}\n`) : (line) => console.log(line),
    });
    const events = await openEventBus(sessionPool, { onError: (message, err) => logger.error({ err }, message) });
    cleanup.push(() => events.close());
    const adapter: HostAdapter = {
      ...host.adapter,
      staff: { ...host.adapter.staff, current: staffFromSession(host), stillSignedIn: staffStillSignedIn(host, db) },
      layout: staffLayout(binding.crmName),
      // The staff record page links to the record in the CRM, whose pages are elsewhere.
      recordPages: { crmName: binding.crmName, urlFor: (kind, id) => host.crmRecordUrl(kind, id) },
    };
    // A development secret lives as long as the process: restarting signs everyone out, which is
    // what production avoids by requiring SESSION_SECRET.
    const secret = sessionSecret ?? randomBytes(32).toString('hex');
    const secureCookies = env.SECURE_COOKIES === 'true' || production;
    const appUrl = (env.APP_URL || `http://localhost:${port}`).replace(/\/+$/, '');
    const portal = createCustomerPortal({
      adapter,
      db,
      sessionPool,
      events,
      flags,
      mailer,
      logger,
      config: {
        appUrl,
        sessionSecret: secret,
        previousSessionSecrets: previous,
        ...paymentKeys,
        secureCookies,
        demoPaymentProvider: demoPayments,
        demoPaymentBanner: demoPayments,
        stripe: stripeSettingsFrom(env),
        webPush: webPushSettingsFrom(env),
        // Beside a real CRM an identity provider on the portal's own machine or network is the
        // installer's to name (SSO_ALLOWED_PRIVATE_HOSTS) in production; in development any.
        singleSignOn: { allowPrivateIssuers: !production, ...singleSignOnSettingsFrom(env) },
        portalPath: STAFF_PATHS.portal,
        adminPath: STAFF_PATHS.admin,
        messagesPath: STAFF_PATHS.messages,
        notificationsPath: STAFF_PATHS.notifications,
        ...(env.FILE_STORAGE_DIR ? { fileStorageDir: env.FILE_STORAGE_DIR } : {}),
        ...options.portalConfig,
      },
      ...(env.CLAMD_HOST ? { virusScanner: createClamdScanner({ host: env.CLAMD_HOST, port: Number(env.CLAMD_PORT ?? 3310) }) } : {}),
    });
    // Serving closes it first (live streams end before the HTTP server can), then close() again.
    let portalClosed: Promise<void> | undefined;
    const closePortal = () => (portalClosed ??= portal.close());
    cleanup.push(closePortal);
    return {
      binding,
      host,
      adapter,
      portal,
      db,
      sessionPool,
      events,
      logger,
      outbox: mailer.outbox,
      closePortal,
      settings: {
        appUrl,
        sessionSecrets: [secret, ...previous],
        secureCookies,
        trustProxy,
        production,
        port,
        host: env.HOST || '127.0.0.1',
        mailFrom,
      },
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
