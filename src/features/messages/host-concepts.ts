// What a host keeps for messages in the audit's words (the comments on a client's records, where the
// host keeps them): a binding's claims name them. The audit reads this file without a portal
// (src/features/host-concepts.ts), so it imports nothing.
export const MESSAGES_HOST_CONCEPTS = ['comment'] as const;

declare module '../../core/ports/host.ts' {
  interface FeatureHostConcepts {
    messages: (typeof MESSAGES_HOST_CONCEPTS)[number];
  }
}
