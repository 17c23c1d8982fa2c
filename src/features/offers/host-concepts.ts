// What a host keeps for offers in the audit's words (the proposals and quotations a client answers): a
// binding's claims name them. The audit reads this file without a portal (src/features/host-
// concepts.ts), so it imports nothing.
export const OFFERS_HOST_CONCEPTS = ['proposal', 'quotation'] as const;

declare module '../../core/ports/host.ts' {
  interface FeatureHostConcepts {
    offers: (typeof OFFERS_HOST_CONCEPTS)[number];
  }
}
