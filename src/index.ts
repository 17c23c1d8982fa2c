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
