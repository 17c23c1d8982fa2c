// What a host keeps for tickets in the audit's words (the tickets, their messages and their
// satisfaction surveys): a binding's claims name them. The audit reads this file without a portal
// (src/features/host-concepts.ts), so it imports nothing.
export const TICKETS_HOST_CONCEPTS = [
  'ticket',
  'ticketMessage',
  'surveyTemplate',
  'surveyInvitation',
  'surveyResponse',
  'surveyTrigger',
] as const;

declare module '../../core/ports/host.ts' {
  interface FeatureHostConcepts {
    tickets: (typeof TICKETS_HOST_CONCEPTS)[number];
  }
}
