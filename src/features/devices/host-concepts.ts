// What a host keeps for devices in the audit's words (a client's devices): a binding's claims name
// them. The audit reads this file without a portal (src/features/host-concepts.ts), so it imports
// nothing.
export const DEVICES_HOST_CONCEPTS = ['asset'] as const;

declare module '../../core/ports/host.ts' {
  interface FeatureHostConcepts {
    devices: (typeof DEVICES_HOST_CONCEPTS)[number];
  }
}
