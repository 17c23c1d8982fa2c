// What a host keeps for contracts in the audit's words (the contracts, their lines, and the time spent
// against them): a binding's claims name them. The audit reads this file without a portal
// (src/features/host-concepts.ts), so it imports nothing.
export const CONTRACTS_HOST_CONCEPTS = ['contract', 'contractLine', 'contractUsage', 'timeEntry'] as const;

declare module '../../core/ports/host.ts' {
  interface FeatureHostConcepts {
    contracts: (typeof CONTRACTS_HOST_CONCEPTS)[number];
  }
}
