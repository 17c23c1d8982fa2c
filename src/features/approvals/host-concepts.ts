// What a host keeps for approvals in the audit's words (the versions of a document sent for approval):
// a binding's claims name them. The audit reads this file without a portal (src/features/host-
// concepts.ts), so it imports nothing.
export const APPROVALS_HOST_CONCEPTS = ['documentVersion'] as const;

declare module '../../core/ports/host.ts' {
  interface FeatureHostConcepts {
    approvals: (typeof APPROVALS_HOST_CONCEPTS)[number];
  }
}
