// The core's front door: everything the features, the composition root (src/portal.ts), the
// migrations and the audit use of the core, and the only core module they import
// (test/architecture/import-rules.test.ts). Core modules never import this file themselves: an
// ESM cycle through it would leave names undefined while the modules load. They import each other
// directly, in the order of docs/architecture.md.

// A person's access and its changes
export { AccessChangeRefused, changePersonAccess, disablePerson } from './access/access-changes.ts';
export { announceAccessChanged } from './access/access-events.ts';
export {
  clientUserIdsOf,
  deleteRole,
  findClientDenied,
  findRole,
  holdersOf,
  insertRole,
  listRoles,
  lockRole,
  type RoleChoice,
  roleHolderCounts,
  roleNamed,
  saveClientDenied,
  updateRole,
} from './access/access-queries.ts';

// Activity
export { addDays, dayBounds, dayInZone, wallTimeToInstant } from './time/zoned-days.ts';
export { erasureDeadline } from './activity/erasure-deadline.ts';
export { ACTIVITY_EVENTS, type ActivityEvent, activityLabel } from './activity/events.ts';
export {
  type ActivityRow,
  insertActivity,
  insertClientActivity,
  listActivity,
  listActivityForRecord,
} from './activity/queries.ts';
export { recordOf, subjectNameOf } from './activity/records.ts';
export { personActivity } from './activity/personal-data-queries.ts';
export { type ClientActor, insertStaffActivity } from './activity/queries.ts';

// Branding
export { type Branding, buildBranding } from './branding/branding.ts';

// The portal's users
export {
  accessColumns,
  accessOf,
  activate,
  type ClientUserRow,
  findClientUserByContact,
  findClientUserByEmail,
  findClientUserById,
  findClientUsersByIds,
  findClientUserWithAccess,
  insertClientUser,
  listClientUsers,
  markInvited,
  personMay,
  recordSignIn,
  setClientUserPreferences,
  setClientUserStatus,
  voidClientUserLinks,
  setPassword,
  updateClientUserEmail,
} from './client-users/queries.ts';

// Commercial
export { deadlineState } from './commercial/calendar.ts';
export { cursorField, LIST_PAGE_SIZE, RecordIdParam, searchField } from './commercial/commands.ts';
export { hostCursorField, HostIdParam } from './web/host-id-param.ts';
export { containsPattern } from './ports/search.ts';
export { decodeCursor, encodeCursor } from './ports/cursor.ts';
export { type HistoryEntry, lineTaxCents, type LineView, presentLines, presentTaxByRate } from './commercial/lines.ts';
export type { BuyerParty, LineItem, SellerParty } from './ports/commercial-records.ts';

// The portal's configuration
export { acceptedSessionSecrets, inProduction, paymentKeySecrets, type PortalConfig } from './config.ts';

// Building the core
export { createCore } from './create-core.ts';

// Crypto
export { createSecretBox, type SecretBox } from './crypto/secret-box.ts';
export {
  codeHashMatches,
  generateCode,
  generateToken,
  hashCode,
  hashPassword,
  hashToken,
  verifyDecoy,
  verifyPassword,
} from './crypto/secrets.ts';

// SQL helpers, the owned tables of migrations, the embedded database of the audit
export { boundedCount, COUNT_LIMIT, countText } from './db/bounded-count.ts';
export { createKnex } from './db/connect.ts';
export { isDatabaseUnavailable } from './db/unavailable.ts';
export { isWriteConflict } from './db/write-conflict.ts';
export { distributeOnCitus } from './db/distribute.ts';
export { ACROSS_WORKSPACES } from './db/distribution.ts';
export { startEmbeddedPostgres } from './db/embedded-postgres.ts';
export { listMigrationSource } from './db/migration-source.ts';
export {
  addOwnedColumns,
  createOwnedTable,
  dropOwnedColumns,
  dropOwnedTables,
  ensureOwnedTablesRegistry,
  onOwnedTable,
} from './db/owned-tables.ts';
export type { MigrationContext } from './db/migration-context.ts';
export type { MigrationModule } from './db/migration-source.ts';

// What the host passes in
export { type PortalDepsInput, validateDeps } from './deps.ts';

// Events
export type { EventBus } from './events/event-bus.ts';

// What a feature is and what it is created with
export { type CoreServices, type Feature, hostHasPortsFor, type StaffWorkRoutes } from './feature.ts';
export type { FeatureManifest, PortalMigration } from './feature.ts';
export type { FeatureHostPort, StaffPage } from './host/feature-ports.ts';

// Files
export {
  detectAllowedType,
  type DetectedType,
  kindOf,
  safeFilename,
  sentFilename,
  SNIFF_BYTES,
  UPLOAD_ACCEPT,
  UPLOAD_KINDS,
} from './files/file-types.ts';
export { RECORD_FILE_COLUMNS, type RecordFileRow, recordAttachmentQueries } from './files/record-attachment-queries.ts';
export { storedUploadBytes } from './files/usage-queries.ts';
export {
  ATTACHMENT_FIELD,
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_MAX_FILES,
  type AttachmentError,
  attachmentLimitBytes,
  readHead,
} from './files/attachment-rules.ts';
export {
  attachmentRefusalMessage,
  attachmentRefusalStatus,
  type ReceivedAttachmentsForm,
  receiveAttachmentsForm,
  removeReceived,
  removeReceivedOnFailure,
  type StoredAttachment,
} from './web/attachments-form.ts';
export { hostKeepsClientFiles, hostKeptUploads } from './web/host-kept-attachments.ts';
export { ALLOWED_UPLOAD_MIMES, detectImageType, type ImageType, UPLOAD_EXTENSIONS } from './files/file-types.ts';

// Flags
export { PORTAL_FLAG } from './flags/flag-names.ts';

// Host
export { clientNamesOf } from './host/client-names.ts';
export { findClaimProblems, hostProvides, verifyHostClaims } from './host/verify-claims.ts';

// HTTP: errors with a status, cookies, who is asking
export { badRequest, forbidden, HttpError, notFound } from './http/http-error.ts';
export { requestMeta, type RequestMeta } from './http/request-meta.ts';
export { browserAndSystem } from './http/user-agent.ts';
export { customOriginOf, markServedHost, publishedOriginOf } from './http/served-host.ts';

// Languages
export { chosenLocale, rememberChosenLocale } from './i18n/chosen-language.ts';
export { type Formatters, formattersFor } from './i18n/formatters.ts';
export { isTimeZone } from './i18n/negotiate.ts';
export { localeOfTag, requestI18n, type RequestI18n } from './i18n/request-i18n.ts';
export { DEFAULT_LOCALE, isLocale, type Locale, LOCALE_NAMES, SUPPORTED_LOCALES, type Translate, translator } from './i18n/translations.ts';
export { translateFieldErrors } from './i18n/validation.ts';
export { useLocaleFolders } from './i18n/translations.ts';

// Live
export type { ClientStreamRules } from './live/client-streams.ts';
export {
  announceHostChange,
  HOST_NEWS_INTERVAL_MS,
  type HostRecordChange,
  type ParsedHostChange,
  parseHostChange,
} from './live/host-changes.ts';
export {
  deleteClientSummaries,
  readKeptSummary,
  storeKeptSummary,
} from './summaries/queries.ts';
export { announce, clientChannel, type LiveEvent, recordAndAnnounce, recordLiveEvent, staffChannel } from './live/live-events.ts';
export { latestLiveSeq } from './live/queries.ts';
export { LIVE_PATH } from './live/routes.ts';
export { openLiveStream } from './live/sse.ts';

// Mail
export { linesEmail } from './mail/lines-email.ts';
export type { OutboxMailer } from './mail/outbox.ts';

// Logs, metrics, background work
export { inBackground, onePassAtATime } from './ops/background.ts';
export type { PortalLogger } from './ops/logging.ts';
export { backgroundWorker, trackBackgroundWork } from './ops/background.ts';

// PDFs
export type { PdfDocumentModel, PdfLine, PdfSection } from './pdf/document-model.ts';
export { type Letterhead, presentLetterhead, withLetterhead } from './pdf/letterhead.ts';
export { documentPreview, previewBrand } from './pdf/preview.ts';
export { isEmbeddableImage, pdfFilename } from './pdf/pdf-files.ts';
export { type PdfResult, renderPdfFor, renderPdfHere } from './pdf/rendered-pdfs.ts';
export { pdfBrand, sendPdf } from './pdf/send-pdf.ts';
export { lineTable, recordTotals } from './pdf/line-table.ts';

// Authorization rules
export {
  BUILT_IN_ROLE_KEYS,
  BUILT_IN_ROLES,
  type BuiltInRole,
  CLIENT_PERMISSIONS,
  type ClientAccess,
  type ClientPermission,
  type ClientRoleKey,
  type CustomRole,
  effectiveSettings,
  grantableRoles,
  hostPermits,
  mayActOnTickets,
  mayChangeTasks,
  managesColleagues,
  mayReadCompanyDetails,
  mayOpenTickets,
  permits,
  resolveAccess,
  roleFromForm,
  roleName,
  seenByHost,
  withheldBy,
} from './policies/client-access.ts';
export { mayActOnOwn } from './policies/client-actions.ts';
export {
  authorizeClientUserAction,
  type ClientUserAction,
  clientUserActions,
  type ClientUserStatus,
  statusWhenReenabled,
} from './policies/client-user-policy.ts';
export {
  attachedToOpenRecords,
  authorizeAnswerMessages,
  authorizeShareApprovals,
  authorizeAssignee,
  authorizeManagePortal,
  authorizePayPage,
  authorizeReadRecordEvidence,
  canClient,
  canUseThread,
  canDeleteUpload,
  canManagePortal,
  canOpenRecord,
  canSeeSection,
  clientCan,
  countOpenToPerson,
  mayUsePortal,
  type PortalSection,
  signInMethods,
  switchesOffInHost,
  visibleSections,
  withoutClosedRecord,
} from './policies/portal-policy.ts';
export { refusal, type TeamAction, teamActions, teamRefusal } from './policies/team-policy.ts';
export { isTwoFactorSetupPath, mayRemoveTwoFactor, mustSetUpTwoFactor } from './policies/two-factor-policy.ts';

// The host's and the services' ports
export {
  type ClientsPort,
  type ContactsPort,
  type HostAdapter,
  type HostClient,
  type HostContact,
  type HostId,
  type HostStaffUser,
  type HostWorkspace,
  type LetterheadParties,
  type Page,
  type PageRequest,
  type HostWrite,
  SUMMARY_COUNT_LIMIT,
} from './ports/host.ts';
export type {
  CallbackInput,
  ChargeAnswer,
  ChargeRequest,
  IgnoredCallback,
  PaymentProvider,
  SavedPaymentMethod,
  Setup,
  SetupCallback,
  SetupRequest,
  UnavailableCallback,
  VerifiedCallback,
} from './ports/payment-provider.ts';
export { UNAPPLIED_PAYMENTS_PATH } from './ports/payment-provider.ts';
export type { FeatureFlags, FileStorage, Mailer, MailMessage, OpenedFile, VirusScanner } from './ports/services.ts';

// Rate limits
export { type LimitRule, POSTING_LIMITS, type RateLimiter, SIGN_IN_LIMITS, TICKET_LIMITS } from './rate-limits/limiter.ts';
export { limitPerPerson } from './rate-limits/person-limit.ts';
export { personOrCompanyRefusal } from './rate-limits/person-and-company-limit.ts';
export type { RepeatGuard } from './rate-limits/repeat-guard.ts';
export { tooManyRequests, waitInWords } from './rate-limits/too-many-requests.ts';

// Sessions
export { hashSessionId } from './sessions/portal-sessions.ts';
export { deleteOtherSessions, deleteSession, listLiveSessions, type SessionRow } from './sessions/queries.ts';
export {
  signInDetailsOf,
  type FirstFactor,
  type PasskeyChallenge,
  type PendingSecondFactor,
  type SignInDetails,
} from './sessions/session-data.ts';
export { announceSessionsEnded } from './sessions/session-events.ts';
export type { SessionLifecycle } from './sessions/session-lifecycle.ts';

// The admin's settings
export { DEFAULT_SETTINGS, type PortalSettings, SECTION_SWITCHES, type SectionSwitch } from './settings/portal-settings.ts';
export { findSettings, saveSettings } from './settings/queries.ts';

// The staff side
export { staffHiddenReason, staffPermissionLabel, staffRoleName } from './staff/access-words.ts';
export { verifyAdminCsrf } from './staff/admin-csrf.ts';
export { hostFrame, renderAdminPage, staffChrome, staffWords } from './staff/admin-page.ts';
export { staffChain } from './staff/staff-chain.ts';
export { staffActor, type StaffActor, staffContext } from './staff/staff-context.ts';
export { findStaffLocales, saveStaffLocale } from './staff/staff-preferences.ts';

// Pages, forms and route steps of the client portal
export { controlCharacterFields } from './web/control-characters.ts';
export { markCsrfRetry, postRouteMatcher, rerendersForm } from './web/csrf-retry.ts';
export { CsrfMismatch, tokensMatch, verifySessionCsrfHeader } from './web/csrf.ts';
export { escapeHtml } from './web/escape-html.ts';
export {
  checkboxField,
  currentPasswordField,
  emailField,
  hexColorField,
  nameField,
  newPasswordField,
  oneTimeCodeField,
  personNameField,
  phoneField,
  withoutInvisibleFormatting,
} from './web/fields.ts';
export { portalContext, type PortalContext, portalI18n, readerLanguages, renderPortalPage, signedInClient } from './web/portal-context.ts';
export { formAnswerStatus, isFragmentRequest, renderTemplate, sendPage } from './web/render.ts';
export { HTMX_SCRIPT_PATH } from './web/htmx-script.ts';
export { listHref, listParams, presentSearch } from './web/list-search.ts';
export { type AmountRange, amountSearchOf } from './web/amount-search.ts';
export { allow } from './web/route-steps.ts';
export { type RouteEntry, routeTable } from './web/route-table.ts';
export { safeNext } from './web/safe-next.ts';
export type { PortalLinks } from './web/portal-links.ts';
export { allowFormActionTo } from './web/security-headers.ts';
export { allowSameOriginFrames } from './web/security-headers.ts';
export { sendDownload } from './web/send-download.ts';
export { sendInline } from './web/send-download.ts';
export {
  type MultipartField,
  type MultipartFile,
  type MultipartProgress,
  type MultipartRefusal,
  readMultipart,
} from './web/read-multipart.ts';
export { singleFileForm } from './web/single-file-form.ts';
export { type FieldErrors, parseParam, validateBody, validateQuery } from './web/validate.ts';
export { clientActor } from './web/portal-context.ts';
export { useViewFolders } from './web/render.ts';

// Workspaces
export type { WorkspaceCache } from './workspaces/workspace-cache.ts';

// A person's data: what each module exports and erases of it
export { archiveSentFile, archiveStoredFile, iso } from './personal-data/archive-values.ts';
export { corePersonalData } from './personal-data/core-hook.ts';
export { type ArchiveEntry, ERASED_NAME, type ErasedPerson, type ExportSubject, type PersonalDataHook } from './personal-data/hook.ts';
export { encodeRgbPng } from './files/png.ts';
