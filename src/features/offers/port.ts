// The host port of proposals and quotations (OffersPort): what the portal needs from the host CRM for
// this feature, beside the core's ports (src/core/ports/host.ts). A host binding implements it; the
// declaration at the end adds it to HostAdapter, so the core names no feature.
import type { AmountRange, HostId, HostWrite, BuyerParty, SellerParty, LineItem, Page, PageRequest } from '../../core/index.ts';

export type OfferKind = 'proposal' | 'quotation';

/** The portal's words for an offer's state; a host maps its own. Drafts are never returned. */
export type OfferStatus = 'open' | 'accepted' | 'declined' | 'expired' | 'withdrawn';

export interface OfferSummary {
  id: HostId;
  kind: OfferKind;
  number: string;
  title: string;
  status: OfferStatus;
  currency: string;
  totalCents: number;
  validUntil: string | null;
  sentAt: Date | null;
  decidedAt: Date | null;
}

export interface OfferDetail extends OfferSummary {
  clientId: HostId;
  /** The offer's text, as plain text with line breaks. */
  body: string;
  lines: LineItem[];
  subtotalCents: number;
  taxCents: number;
  /** Terms and conditions, where the host keeps them apart from the body. */
  terms: string | null;
  /**
   * Optional: the agency and the client company as the offer's letterhead names them, the same
   * details an invoice carries (see InvoiceDetail); each absent where the host has none.
   */
  seller?: SellerParty | null;
  buyer?: BuyerParty | null;
  /**
   * Optional: the offer's optional items the client may take or leave when accepting, where the
   * host keeps such items (selected = part of the total now). Absent or empty: no choice is offered.
   */
  optionalLines?: OptionalLine[];
}

/** An item of an offer the client chooses to take or leave (OfferDetail.optionalLines). */
export interface OptionalLine {
  id: HostId;
  description: string;
  quantity: number;
  unitPriceCents: number;
  totalCents: number;
  selected: boolean;
}

export interface OfferDecision {
  outcome: 'accepted' | 'declined';
  at: Date;
  /** Optional: the contact who decided, so a host can name its own login for them. */
  contactId?: HostId | null;
  /** Optional: the purchase order number the client gave when accepting. */
  poNumber?: string | null;
  /** Optional: the note the client gave with the decision. */
  note?: string | null;
  /**
   * Optional, on acceptance: the ids of the optional items (OfferDetail.optionalLines) the client
   * takes; the others are left. Absent: the host's current selection stands.
   */
  selectedOptionalLineIds?: HostId[];
  /**
   * Optional: who decided, where the host keeps it on the offer as its own online signature does
   * (the name the client typed, the address the decision came from; null where unknown).
   */
  signerName?: string | null;
  ip?: string | null;
}

/** An open offer whose valid-until date is near: what a reminder to the client's users names. */
export interface ExpiringOffer {
  kind: OfferKind;
  id: HostId;
  clientId: HostId;
  number: string;
  title: string;
  /** 'YYYY-MM-DD'. */
  validUntil: string;
}

/** Which of a client's offers OffersPort.list returns; every part given narrows the list. */
export interface OfferListFilter {
  status?: OfferStatus[];
  /**
   * Text the list's rows contain, case-insensitive and taken literally (see containsPattern):
   * in the number or the title.
   * Absent, the list is unfiltered. It narrows the list's own statement: no read is added.
   */
  search?: string /**
   * Optional, with search: the search read as an amount in the reader's way of writing numbers
   * (amountSearchOf): a row whose total, tax included, is within it matches too. Absent, the text
   * alone is matched.
   */;
  amount?: AmountRange;
}

/** Proposals and quotations of one client company, scoped by workspace and client in every query. */
export interface OffersPort {
  /**
   * The kinds this host keeps; both when absent. A kind left out has no pages in the portal: its
   * routes answer 404 and neither the navigation nor the dashboard mentions it.
   */
  kinds?: readonly OfferKind[];
  /**
   * Optional: the decisions the host records, per kind (a host whose clients may only approve a
   * quote, as Invoice Ninja's). A decision left out is not offered: no button, its routes answer
   * 404. Absent: accepting and declining every kind the host keeps.
   */
  outcomes?: Partial<Record<OfferKind, readonly OfferDecision['outcome'][]>>;
  list(workspaceId: HostId, clientId: HostId, kind: OfferKind, filter: OfferListFilter, page: PageRequest): Promise<Page<OfferSummary>>;
  /**
   * `read`, where given: read in the caller's transaction, so the offer is read as a decision made
   * in it left it (the optional items taken, the totals the host recalculated). A host whose
   * offers have no optional items may ignore it.
   */
  find(workspaceId: HostId, clientId: HostId, kind: OfferKind, id: HostId, read?: HostWrite): Promise<OfferDetail | null>;
  /**
   * Records the client's decision in the host's own status. Changes only an offer that is still
   * open; answers false (and changes nothing) when it is not, so two concurrent accepts make one.
   */
  decide(workspaceId: HostId, clientId: HostId, kind: OfferKind, id: HostId, decision: OfferDecision, write?: HostWrite): Promise<boolean>;
  /**
   * Optional: the workspace's open offers (status 'open', of every client, of the kinds the host
   * keeps) whose valid-until date lies from `from` through `through` ('YYYY-MM-DD', both included),
   * in one query, for the reminder emails sent before an offer lapses. Scoped by workspace; the
   * same offers list() answers with status 'open'. Without it no reminders are sent.
   */
  expiringSoon?(workspaceId: HostId, window: { from: string; through: string }): Promise<ExpiringOffer[]>;
  /**
   * Optional: a client opened the offer's page; the host records it as its own client portal
   * does (at most what it records there). Called on every opening: the host decides what repeats.
   */
  viewed?(workspaceId: HostId, clientId: HostId, kind: OfferKind, id: HostId, viewer: { contactId: HostId; at: Date }): Promise<void>;
}

/**
 * The host's own page of a record, for a host whose pages are not around the portal's (a CRM in
 * another process: the staff record page then links out to it). Optional.
 */
export interface HostRecordPagesPort {
  /** The CRM's name as staff say it, for the link's text ("Open in Dolibarr"). */
  crmName: string;
  /** An absolute http(s) address of the record's page in the CRM, or null when it has none. */
  urlFor(kind: 'proposal' | 'quotation' | 'invoice', id: HostId): string | null;
}

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** Proposals and quotations (claims 'proposal', 'quotation'); without it those sections do not exist. */
    offers?: OffersPort;
    /** Links from the portal's staff record pages to the host's own; without it there are none. */
    recordPages?: HostRecordPagesPort;
  }
}
