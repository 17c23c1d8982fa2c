// What a host keeps for requests in the audit's words (the kinds of request a client may send, and
// those sent): a binding's claims name them. The audit reads this file without a portal
// (src/features/host-concepts.ts), so it imports nothing.
export const REQUESTS_HOST_CONCEPTS = ['serviceRequestType', 'serviceRequest'] as const;

declare module '../../core/ports/host.ts' {
  interface FeatureHostConcepts {
    requests: (typeof REQUESTS_HOST_CONCEPTS)[number];
  }
}
