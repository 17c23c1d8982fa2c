// The portal's public API for hosts.
export { createCustomerPortal, type CustomerPortal, findClaimProblems, verifyHostClaims } from './portal.ts';
// The portal's tables brought up to date without a portal made (a host's own migrate command).
export { migratePortal } from './migrations/index.ts';
export type { Inviter } from './features/account/index.ts';
export { PortalSetupError, type PortalDeps, type PortalDepsInput } from './core/deps.ts';
export type { PortalConfig } from './core/config.ts';
export type * from './core/ports/host.ts';
// The records of a sale the commercial features share with the core (lines, seller and buyer).
export type * from './core/ports/commercial-records.ts';
export type { AmountRange } from './core/web/amount-search.ts';
// Each feature's host port, which the feature adds to HostAdapter.
export type * from './features/admin/port.ts';
export type * from './features/appointments/port.ts';
export type * from './features/approvals/port.ts';
export type * from './features/client-notifications/port.ts';
export type * from './features/company-details/port.ts';
export type * from './features/contracts/port.ts';
export type * from './features/dashboard/port.ts';
export type * from './features/devices/port.ts';
export type * from './features/documents/port.ts';
export type * from './features/invoices/port.ts';
export type * from './features/knowledge-base/port.ts';
export type * from './features/messages/port.ts';
export type * from './features/offers/port.ts';
export type * from './features/orders/port.ts';
export type * from './features/projects/port.ts';
export type * from './features/requests/port.ts';
export type * from './features/tasks/port.ts';
export type * from './features/tickets/port.ts';
// Named too: what a binding's tickets port takes and gives, which no module of the portal names itself.
export type {
  NewTicket,
  TicketFile,
  TicketFileContent,
  TicketListFilter,
  TicketMessage,
  TicketOptions,
  TicketStatusChange,
  TicketStatusName,
  TicketUpload,
} from './features/tickets/port.ts';
export { SUMMARY_COUNT_LIMIT } from './core/ports/host.ts';
export { overdueFrom } from './features/dashboard/port.ts';
// A statement of account's period for a binding's invoices port: since the balance was last zero, the balance brought forward.
export {
  type DailyMove,
  emptyStatement,
  inPeriod,
  movesInMemory,
  movesOf,
  type StatementReads,
  statementOf,
} from './features/invoices/statement-period.ts';
export { COMPANY_DETAILS_FIELDS } from './features/company-details/port.ts';
// The free times of an agency's weekly hours, for a binding's appointments port.
export { offeredSlots, type SlotRules, type WeeklyHours } from './features/appointments/slots.ts';
export { dayInZone, wallTimeToInstant } from './core/time/zoned-days.ts';
export type * from './core/ports/services.ts';
export { PORTAL_FLAG } from './core/flags/flag-names.ts';
// A small RGB PNG encoder, for images a binding draws itself (the reference CRM's demo design).
export { encodeRgbPng, type Rgb } from './core/files/png.ts';
export { createDatabaseStorage } from './core/files/database-storage.ts';
export { createDirectoryStorage } from './core/files/directory-storage.ts';
export { createClamdScanner } from './core/files/clamd-scanner.ts';
// The portal's upload rules for a host's own forms (a file staff attach for a client): the type by
// its first bytes, the stored name, the per-file cap.
export { detectAllowedType, safeFilename, SNIFF_BYTES } from './core/files/file-types.ts';
export { ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_FILES } from './core/files/attachment-rules.ts';
// A file the portal keeps, served from a host's own page (a client's file on the staff page of a
// ticket) as the portal serves it: streamed, an attachment, never sniffed.
export { sendDownload } from './core/web/send-download.ts';
export type { StaffCompanySurveys, StaffTicketFile, StaffTicketSurvey } from './features/tickets/index.ts';
export { HostClaimError } from './core/host/verify-claims.ts';
// A host's own helmet, worked out once and replayed on each response (as the portal's own headers are).
export { replayedHeaders } from './core/web/security-headers.ts';
export type { EventBus } from './core/events/event-bus.ts';
export type { HostRecordChange, HostRecordKind } from './core/live/host-changes.ts';
export { createInProcessEventBus } from './core/events/in-process-event-bus.ts';
export { createPostgresEventBus } from './core/events/postgres-event-bus.ts';
export { clampLimit, decodeCursor, encodeCursor, pageOf } from './core/ports/cursor.ts';
export { containsPattern } from './core/ports/search.ts';
// Work a host binding does out of a request (after its transaction commits), marked as the portal's own is.
export { inBackground } from './core/ops/background.ts';

// What a host's own server needs around the portal: its database and pools, the flags, mail, the
// event bus, logging, the production start-up checks, the portal's rate limiter for its own
// sign-in form, and for pages of its own (a staff sign-in) the portal's escaping, translations
// and errors. A host binding imports these from here, never from the modules behind them
// (test/architecture/import-rules.test.ts).
export {
  openDatabase,
  createKnex,
  createPgPool,
  databaseBoundsFrom,
  type DatabaseBounds,
  type DatabaseConnection,
} from './core/db/connect.ts';
export { listMigrationSource, type MigrationModule } from './core/db/migration-source.ts';
export { distributeOnCitus, type DistributionOutcome } from './core/db/distribute.ts';
export type { DistributionPlan, TablePlacement } from './core/db/distribution.ts';
export {
  namePoolReads,
  namePreparedStatements,
  PLANNED_FOR_ITS_VALUES,
  preparedStatementsFrom,
  sharesOneSession,
} from './core/db/prepared-statements.ts';
export {
  paymentKeysSettingsFrom,
  previousSecretsFrom,
  singleSignOnSettingsFrom,
  stripeSettingsFrom,
  type PortalConfigInput,
  webPushSettingsFrom,
} from './core/config.ts';
export { createUnleashFlags } from './core/flags/unleash-flags.ts';
export { openEventBus } from './core/events/choose-event-bus.ts';
export { createMailer, type DevOutbox } from './core/mail/mailer.ts';
export { createPortalLogger, type StructuredLogger } from './core/ops/logging.ts';
export { checkStartupSettings, demoPaymentProviderOn, StartupRefused } from './core/ops/production-checks.ts';
export { hostProvides } from './core/host/verify-claims.ts';
export { RateLimiter, type LimitRule } from './core/rate-limits/limiter.ts';
export { ensureDemoClientLogins } from './core/client-users/demo-logins.ts';
export { HttpError } from './core/http/http-error.ts';
export { listen, ListenError } from './core/http/listen.ts';
export { escapeHtml } from './core/web/escape-html.ts';
export { oneWritePerSession } from './core/web/one-write-per-session.ts';
export { hasInvisibleFormatting } from './core/web/invisible-formatting.ts';
export { SUPPORTED_LOCALES, translator, type Locale, type Translate } from './core/i18n/translations.ts';
export { browserLocale } from './core/i18n/negotiate.ts';
export { fileSize } from './core/i18n/formatters.ts';
export type { RequestMeta } from './core/http/request-meta.ts';
