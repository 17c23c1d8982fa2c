// The host port of a client's orders and deliveries (OrdersPort): what the portal needs from the host
// CRM for this feature, beside the core's ports (src/core/ports/host.ts). A host binding implements
// it; the declaration at the end adds it to HostAdapter, so the core names no feature.
import type { AmountRange, HostId, HostWrite, LineItem, Page, PageRequest } from '../../core/index.ts';
import type { OfferKind } from '../offers/index.ts';
import type { DocumentContent } from '../documents/index.ts';

/**
 * The portal's words for where an order stands; a host maps its own statuses onto them. Drafts
 * are the agency's work in progress and never returned.
 * - `confirmed`: the agency validated it, nothing has left yet;
 * - `shipping`: deliveries are under way (some sent, or the host says shipping is in progress);
 * - `delivered`: the host closed it as delivered;
 * - `cancelled`.
 */
export type OrderState = 'confirmed' | 'shipping' | 'delivered' | 'cancelled';

export interface OrderSummary {
  id: HostId;
  /** The number the client quotes ("CO2611-0003", "SO-2026-002"). */
  number: string;
  /** The client's own reference for it (their purchase order number), where they gave one. */
  reference: string | null;
  state: OrderState;
  currency: string;
  /** Tax included. */
  totalCents: number;
  /** 'YYYY-MM-DD': the order's date, or null. */
  orderedOn: string | null;
  /** 'YYYY-MM-DD': when the agency expects to deliver it, where it said; null otherwise. */
  deliveryOn: string | null;
}

/** A delivery of (part of) an order, as the host keeps it. */
export interface OrderShipment {
  id: HostId;
  number: string;
  /** `sent` once it left, `delivered` once the host closed it as received. */
  state: 'sent' | 'delivered';
  /** ISO dates ('YYYY-MM-DD'), each null where the host has none. */
  sentOn: string | null;
  deliveredOn: string | null;
  /** The carrier's name as the host names it ("UPS"), or null. */
  carrier: string | null;
  trackingNumber: string | null;
  /** Where the carrier shows the parcel, as the host builds it; the portal links only http(s) addresses. */
  trackingUrl: string | null;
  lines: Array<{ description: string; quantity: number }>;
}

export interface OrderDetail extends OrderSummary {
  lines: LineItem[];
  subtotalCents: number;
  taxCents: number;
  /** What the agency wrote on it for the client, or null. */
  notes: string | null;
  /** Oldest first: when it reached each state, as the host dates them. */
  history: Array<{ state: OrderState; at: Date }>;
  /** The proposal or quotation the client accepted that became this order, where the host links one. */
  offer: { kind: OfferKind; id: HostId; number: string } | null;
  /** The invoices the agency made for it, as the client sees invoices (past draft). */
  invoices: Array<{ id: HostId; number: string }>;
  shipments: OrderShipment[];
  /**
   * The drafts the client asked for with "order again", oldest first, as the host numbers them;
   * `order` once the agency confirmed one (its id and state, the client's to open), where the host tells.
   */
  reorders: Array<{ number: string; at: Date; order?: { id: HostId; state: OrderState } }>;
}

/** Which of a client's orders OrdersPort.list returns; every part given narrows the list. */
export interface OrderListFilter {
  states?: OrderState[];
  /** Text in the number or the client's reference, any case, taken literally (containsPattern). */
  search?: string;
  /** With search: as OfferListFilter.amount, on the order's total. */
  amount?: AmountRange;
}

/**
 * A client company's orders and their deliveries, scoped by workspace and client in every query:
 * another company's order, or a draft, is not found.
 */
export interface OrdersPort {
  /** Newest order date first. */
  list(workspaceId: HostId, clientId: HostId, filter: OrderListFilter, page: PageRequest): Promise<Page<OrderSummary>>;
  find(workspaceId: HostId, clientId: HostId, id: HostId): Promise<OrderDetail | null>;
  /**
   * "Order again": asks the agency for a new draft order with the same lines, written as the host's
   * own screens write a draft (the agency validates it, or not). Answers the draft's number, or
   * null (nothing written) when the order is not this client's, or a draft.
   */
  orderAgain(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    id: HostId,
    write?: HostWrite,
  ): Promise<{ id: HostId; number: string } | null>;
  /**
   * Optional: the order's PDF as the host generated it (Dolibarr's document of the order). Null when
   * the host has none for it. Without it the portal makes the PDF from find(), as for invoices.
   */
  document?(workspaceId: HostId, clientId: HostId, id: HostId): Promise<DocumentContent | null>;
  /**
   * Optional: the order's page on the agency's side, as TicketsPort.staffPageOf: staff
   * notifications of the client's acts on it link there. Null when the host has none to give.
   */
  staffPageOf?(id: HostId): string | null;
}

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** A client's orders and deliveries; without it the orders section does not exist. */
    orders?: OrdersPort;
  }
}
