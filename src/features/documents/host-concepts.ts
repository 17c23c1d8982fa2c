// What a host keeps for documents in the audit's words (the files shared with a client): a binding's
// claims name them. The audit reads this file without a portal (src/features/host-concepts.ts), so it
// imports nothing.
export const DOCUMENTS_HOST_CONCEPTS = ['document'] as const;

declare module '../../core/ports/host.ts' {
  interface FeatureHostConcepts {
    documents: (typeof DOCUMENTS_HOST_CONCEPTS)[number];
  }
}
