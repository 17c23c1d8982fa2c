// What a host keeps for appointments in the audit's words (what may be booked, when, and the
// bookings): a binding's claims name them. The audit reads this file without a portal
// (src/features/host-concepts.ts), so it imports nothing.
export const APPOINTMENTS_HOST_CONCEPTS = ['appointmentRequest', 'availability', 'booking'] as const;

declare module '../../core/ports/host.ts' {
  interface FeatureHostConcepts {
    appointments: (typeof APPOINTMENTS_HOST_CONCEPTS)[number];
  }
}
