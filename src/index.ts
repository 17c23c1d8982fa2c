// The portal's public API for hosts.
export { createCustomerPortal, type CustomerPortal } from './portal.ts';
export { PortalSetupError, type PortalDeps, type PortalDepsInput } from './deps.ts';
export type { PortalConfig } from './config.ts';
export type * from './ports/host.ts';
export type * from './ports/services.ts';
export { PORTAL_FLAG } from './flags/flag-names.ts';
export { createDatabaseStorage } from './files/database-storage.ts';
export { createDirectoryStorage } from './files/directory-storage.ts';
export { createClamdScanner } from './files/clamd-scanner.ts';
export { HostClaimError } from './host/verify-claims.ts';
export type { EventBus } from './events/event-bus.ts';
export type { HostRecordChange, HostRecordKind } from './live/host-changes.ts';
export { createInProcessEventBus } from './events/in-process-event-bus.ts';
export { createPostgresEventBus } from './events/postgres-event-bus.ts';
export { clampLimit, decodeCursor, encodeCursor, pageOf } from './ports/cursor.ts';

// What a host's own server needs around the portal: its database and pools, the flags, mail, the
// event bus, logging, the production start-up checks, the portal's rate limiter for its own
// sign-in form, and for pages of its own (a staff sign-in) the portal's escaping, translations
// and errors. A host binding imports these from here, never from the modules behind them
// (test/architecture/import-rules.test.ts).
export { openDatabase, createKnex, createPgPool, databaseBoundsFrom, type DatabaseBounds, type DatabaseConnection } from './db/connect.ts';
export { listMigrationSource, type MigrationModule } from './db/migration-source.ts';
export { namePoolReads, namePreparedStatements, preparedStatementsFrom, sharesOneSession } from './db/prepared-statements.ts';
export { previousSecretsFrom, type PortalConfigInput } from './config.ts';
export { createUnleashFlags } from './flags/unleash-flags.ts';
export { openEventBus } from './events/choose-event-bus.ts';
export { createMailer, type DevOutbox } from './mail/mailer.ts';
export { createPortalLogger, type StructuredLogger } from './ops/logging.ts';
export { checkStartupSettings, demoPaymentProviderOn, StartupRefused } from './ops/production-checks.ts';
export { hostProvides, verifyHostClaims } from './host/verify-claims.ts';
export { RateLimiter, type LimitRule } from './rate-limits/limiter.ts';
export { ensureDemoClientLogins } from './client-users/demo-logins.ts';
export { HttpError } from './web/http-error.ts';
export { escapeHtml } from './web/escape-html.ts';
export { translator, type Locale, type Translate } from './i18n/translations.ts';
export { browserLocale } from './i18n/negotiate.ts';
export type { RequestMeta } from './web/request-meta.ts';
