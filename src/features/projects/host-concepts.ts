// What a host keeps for projects in the audit's words (a client's projects): a binding's claims name
// them. The audit reads this file without a portal (src/features/host-concepts.ts), so it imports
// nothing.
export const PROJECTS_HOST_CONCEPTS = ['project'] as const;

declare module '../../core/ports/host.ts' {
  interface FeatureHostConcepts {
    projects: (typeof PROJECTS_HOST_CONCEPTS)[number];
  }
}
