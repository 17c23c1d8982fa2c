// What a host keeps for orders in the audit's words (the orders, their lines and their deliveries): a
// binding's claims name them. The audit reads this file without a portal (src/features/host-
// concepts.ts), so it imports nothing.
export const ORDERS_HOST_CONCEPTS = ['salesOrder', 'orderLine', 'shipment'] as const;

declare module '../../core/ports/host.ts' {
  interface FeatureHostConcepts {
    orders: (typeof ORDERS_HOST_CONCEPTS)[number];
  }
}
