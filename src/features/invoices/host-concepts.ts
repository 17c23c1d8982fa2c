// What a host keeps for invoices in the audit's words (the invoices and the payments that settle
// them): a binding's claims name them. The audit reads this file without a portal (src/features/host-
// concepts.ts), so it imports nothing.
export const INVOICES_HOST_CONCEPTS = ['invoice', 'payment'] as const;

declare module '../../core/ports/host.ts' {
  interface FeatureHostConcepts {
    invoices: (typeof INVOICES_HOST_CONCEPTS)[number];
  }
}
