// The core's second front door, for reading a host's schema: the concepts a host may keep and the
// check of a binding's claims against the columns found. It loads nothing of the running portal (no
// Express app, PDF renderer, metrics or embedded engine), so the audit, which needs only this,
// starts without loading the portal's six hundred modules.
export { checkClaimAgainstSchema, type SchemaColumns } from './host/verify-claims.ts';
export { CORE_HOST_CONCEPTS, type AdapterDescription, type HostClaim, type HostConcept } from './ports/host.ts';
