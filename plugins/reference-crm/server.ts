// `npm start`: the reference CRM with the customer portal, on embedded PostgreSQL unless
// DATABASE_URL is set. Prints where to go and, in development, the demo logins. In production
// (NODE_ENV=production) it seeds nothing and prints how to create the first staff user; an unsafe
// configuration stops it with every refusal listed (see src/core/ops/production-checks.ts).
import path from 'node:path';
import {
  paymentKeysSettingsFrom,
  previousSecretsFrom,
  databaseBoundsFrom,
  singleSignOnSettingsFrom,
  preparedStatementsFrom,
  stripeSettingsFrom,
  webPushSettingsFrom,
} from '../../src/index.ts';
import { trustProxySetting } from '../shared/host-http.ts';
import { bootReferenceCrm } from './boot.ts';
import { openDemoOfStart } from './seed-portal-demo.ts';
import { startupLines } from './startup-lines.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const env = process.env;
const started = Date.now();

try {
  const crm = await bootReferenceCrm({
    databaseUrl: env.DATABASE_URL,
    databaseBounds: databaseBoundsFrom(env),
    preparedStatements: preparedStatementsFrom(env),
    listenDatabaseUrl: env.LISTEN_DATABASE_URL,
    dataDir: env.DATABASE_URL ? undefined : path.resolve(ROOT, env.DATA_DIR ?? '.data/pg'),
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    appUrl: env.APP_URL,
    sessionSecret: env.SESSION_SECRET,
    previousSessionSecrets: previousSecretsFrom(env.SESSION_SECRET_PREVIOUS),
    ...paymentKeysSettingsFrom(env),
    smtpUrl: env.SMTP_URL,
    unleashUrl: env.UNLEASH_URL,
    unleashApiToken: env.UNLEASH_API_TOKEN,
    flagsFile: env.FLAGS_FILE,
    unleashBackupDir: env.UNLEASH_BACKUP_DIR,
    fileStorageDir: env.FILE_STORAGE_DIR,
    clamd: env.CLAMD_HOST ? { host: env.CLAMD_HOST, port: Number(env.CLAMD_PORT ?? 3310) } : undefined,
    secureCookies: env.SECURE_COOKIES === 'true' || env.NODE_ENV === 'production',
    trustProxy: trustProxySetting(env.TRUST_PROXY),
    production: env.NODE_ENV === 'production',
    logLevel: env.LOG_LEVEL,
    metricsToken: env.METRICS_TOKEN || undefined,
    demoPaymentProvider: env.PAYMENTS_DEMO_PROVIDER || undefined,
    stripe: stripeSettingsFrom(env),
    ...(env.SHUTDOWN_DEADLINE_MS ? { shutdownDeadlineMs: Number(env.SHUTDOWN_DEADLINE_MS) } : {}),
    portalConfig: {
      ...(env.LIVE_STREAMS_PER_SESSION ? { liveStreamsPerSession: Number(env.LIVE_STREAMS_PER_SESSION) } : {}),
      ...(env.LIVE_STREAMS_PER_IP ? { liveStreamsPerIp: Number(env.LIVE_STREAMS_PER_IP) } : {}),
      ...(env.OFFER_REMINDER_DAYS ? { offerReminderDays: Number(env.OFFER_REMINDER_DAYS) } : {}),
      webPush: webPushSettingsFrom(env),
      singleSignOn: singleSignOnSettingsFrom(env),
      customDomains: {
        ...(env.CUSTOM_DOMAIN_TARGET ? { target: env.CUSTOM_DOMAIN_TARGET } : {}),
        resolvers: (env.CUSTOM_DOMAIN_RESOLVERS ?? '')
          .split(',')
          .map((server) => server.trim())
          .filter(Boolean),
      },
    },
  });
  if (env.NODE_ENV !== 'production') await openDemoOfStart(crm);
  const production = env.NODE_ENV === 'production';
  const running = `Reference CRM with the client portal is running at ${crm.url}  (${crm.databaseMode} PostgreSQL, ready in ${Date.now() - started} ms)`;
  const lines = startupLines({
    url: crm.url,
    running,
    production,
    staff: crm.staffLogins.staff,
    clients: crm.clientLogins,
    outbox: Boolean(crm.outbox),
  });
  console.log(lines.join('\n'));
  // SIGTERM (orchestrators, systemd) and SIGINT (Ctrl-C): finish what is in flight, then exit 0.
  const stop = (signal: string) => {
    crm.logger.info({ signal }, 'shutting down');
    crm.close().then(
      () => {
        crm.logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        crm.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  console.error(`Could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
