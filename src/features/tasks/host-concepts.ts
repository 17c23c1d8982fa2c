// What a host keeps for tasks in the audit's words (the tasks assigned to a client's people): a
// binding's claims name them. The audit reads this file without a portal (src/features/host-
// concepts.ts), so it imports nothing.
export const TASKS_HOST_CONCEPTS = ['task'] as const;

declare module '../../core/ports/host.ts' {
  interface FeatureHostConcepts {
    tasks: (typeof TASKS_HOST_CONCEPTS)[number];
  }
}
