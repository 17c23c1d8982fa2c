// The reference CRM's reads for the portal's offers and invoices ports (src/features/offers/port.ts,
// src/features/invoices/port.ts): its statuses in the portal's words, integer ids as strings, keyset
// cursors, and "nothing" for a malformed id, a draft, or a record of another client or workspace.
// Each line carries its rate and its tax, rounded per line; total = subtotal + tax, the figure the
// CRM stores and every list shows.
import type { Knex } from 'knex';
import {
  type ExpiringOffer,
  type InvoiceDetail,
  type InvoiceListFilter,
  type InvoicePayment,
  type InvoiceStatementData,
  type InvoiceStatus,
  type InvoiceSummary,
  type LineItem,
  type OfferDetail,
  type OfferKind,
  type OfferListFilter,
  type OfferStatus,
  type OfferSummary,
  type Page,
  type PageRequest,
  type StatementPeriod,
  type UpcomingInvoice,
  clampLimit,
  containsPattern,
  decodeCursor,
  overdueFrom,
  pageOf,
  emptyStatement,
  statementOf,
} from '../../../src/index.ts';
import { parseId, toHostId } from '../ids.ts';
import type { InvoiceStatus as CrmInvoiceStatus } from '../queries/invoices.ts';
import type { LineItemRow } from '../queries/line-items.ts';
import type { OfferStatus as CrmOfferStatus } from '../queries/offers.ts';
import { upcomingRecurringInvoices, type RecurringInvoiceRow } from '../queries/recurring-invoices.ts';
import {
  clientInvoiceItemsQuery,
  clientInvoicePaymentsQuery,
  clientInvoiceQuery,
  clientBalances,
  clientDailyMoves,
  clientStatementInvoicesQuery,
  clientStatementPaymentsQuery,
  NO_END,
  NO_START,
  type StatementPaymentRow,
  listClientInvoices,
  type InvoiceKey,
  type PortalInvoiceLegalRow,
  type PortalInvoiceRow,
  type PortalPaymentRow,
} from './queries/portal-invoices.ts';
import {
  clientOfferItemsQuery,
  clientOfferQuery,
  listClientOffers,
  listExpiringOffers,
  OFFER_TABLES,
  type OfferKey,
  type PortalOfferRow,
} from './queries/portal-offers.ts';
import type { PartiesRow } from './queries/parties.ts';
import { togetherTemplate, type TogetherRead } from '../queries/read-together.ts';

const OFFER_STATUS: Record<PortalOfferRow['status'], OfferStatus> = {
  sent: 'open',
  accepted: 'accepted',
  declined: 'declined',
  expired: 'expired',
};
export const CRM_OFFER_STATUSES: Record<OfferStatus, CrmOfferStatus[]> = {
  open: ['sent'],
  accepted: ['accepted'],
  declined: ['declined'],
  expired: ['expired'],
  withdrawn: [],
};

const INVOICE_STATUS: Record<PortalInvoiceRow['status'], InvoiceStatus> = { sent: 'open', overdue: 'open', paid: 'paid', void: 'void' };
export const CRM_INVOICE_STATUSES: Record<InvoiceStatus, CrmInvoiceStatus[]> = {
  open: ['sent', 'overdue'],
  paid: ['paid'],
  void: ['void'],
};

const isDay = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
const isKind = (kind: unknown): kind is OfferKind => kind === 'proposal' || kind === 'quotation';

function presentUpcoming(row: RecurringInvoiceRow): UpcomingInvoice {
  return {
    id: toHostId(row.id),
    title: row.title,
    nextDate: row.next_date,
    amountCents: Number(row.amount_cents),
    currency: row.currency,
    frequency: { every: row.every, unit: row.unit },
  };
}

function presentLine(row: LineItemRow): LineItem {
  const rate = row.tax_rate_percent === null ? null : Number(row.tax_rate_percent);
  return {
    description: row.description,
    quantity: Number(row.quantity),
    unitPriceCents: row.unit_price_cents,
    totalCents: Number(row.line_total_cents),
    taxRatePercent: rate,
    taxCents: rate === null ? null : Number(row.line_tax_cents),
  };
}

/** Subtotal and tax of the lines; the total is the parent's own stored or computed figure. */
function sums(lines: LineItem[]): { subtotalCents: number; taxCents: number } {
  return {
    subtotalCents: lines.reduce((sum, line) => sum + line.totalCents, 0),
    taxCents: lines.reduce((sum, line) => sum + (line.taxCents ?? 0), 0),
  };
}

export function presentOffer(kind: OfferKind, row: PortalOfferRow): OfferSummary {
  return {
    id: toHostId(row.id),
    kind,
    number: row.number,
    title: row.title,
    status: OFFER_STATUS[row.status],
    currency: row.currency,
    totalCents: row.total_cents,
    validUntil: row.valid_until,
    sentAt: row.sent_at,
    decidedAt: row.decided_at,
  };
}

export function presentInvoice(row: PortalInvoiceRow): InvoiceSummary {
  const status = INVOICE_STATUS[row.status];
  return {
    id: toHostId(row.id),
    number: row.number,
    status,
    currency: row.currency,
    totalCents: row.total_cents,
    paidCents: row.paid_cents,
    balanceCents: status === 'open' ? Math.max(0, row.total_cents - row.paid_cents) : 0,
    issueDate: row.issue_date,
    dueDate: row.due_date,
  };
}

const text = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);
const addressLines = (value: string | null | undefined) => {
  const lines = (value ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.length ? lines : null;
};

/** The agency and the client as a letterhead names them: the workspace's and the client's columns. */
export function presentParties(row: PartiesRow): Required<Pick<InvoiceDetail, 'seller' | 'buyer'>> {
  return {
    seller: {
      legalName: text(row.seller_legal_name),
      addressLines: addressLines(row.seller_address),
      vatId: text(row.seller_vat_id),
      registrationNumber: text(row.seller_registration_number),
    },
    buyer: { addressLines: addressLines(row.buyer_address), taxId: text(row.buyer_tax_id) },
  };
}

type VatExemptionReason = NonNullable<NonNullable<InvoiceDetail['vatExemption']>['reason']>;
const VAT_EXEMPTION_REASONS: readonly VatExemptionReason[] = ['reverse_charge', 'not_taxable', 'small_business', 'exempt'];

/**
 * Why no VAT is charged. With a reason the portal words it in its reader's language, and the
 * CRM's note (the agency's own text, in whatever language it was typed) stays the CRM's: the port
 * carries it only where no reason is recorded, as the words to print.
 */
function vatExemptionOf(row: Pick<PortalInvoiceLegalRow, 'vat_exemption_reason' | 'vat_exemption_note'>): InvoiceDetail['vatExemption'] {
  const reason = VAT_EXEMPTION_REASONS.find((known) => known === row.vat_exemption_reason);
  if (reason) return { reason };
  const note = text(row.vat_exemption_note);
  return note ? { note } : null;
}

/** The invoice's legal details as the CRM keeps them: the workspace's, the client's and the invoice's own columns. */
function presentLegalDetails(
  row: PortalInvoiceLegalRow,
): Pick<InvoiceDetail, 'seller' | 'buyer' | 'supplyDate' | 'supplyEndDate' | 'paymentTerms' | 'bank' | 'vatExemption'> {
  return {
    ...presentParties(row),
    supplyDate: row.supply_date,
    supplyEndDate: row.supply_end_date,
    paymentTerms: text(row.payment_terms),
    bank: row.iban ? { iban: text(row.iban), bic: text(row.bic), bankName: text(row.bank_name) } : null,
    vatExemption: vatExemptionOf(row),
  };
}

/** A payment an online provider took keeps the provider's id apart: staff reconcile with it, the client never sees it. */
export function presentPayment(row: Omit<PortalPaymentRow, 'invoice_id'>): InvoicePayment {
  return {
    id: toHostId(row.id),
    amountCents: Number(row.amount_cents),
    method: row.method,
    reference: row.provider ? null : row.reference,
    providerReference: row.provider ? row.reference : null,
    paidAt: row.paid_at,
  };
}

/** Statuses to filter on: undefined for "all visible", [] for a filter nothing in this CRM matches. */
function crmStatuses<S extends string, C>(wanted: S[] | undefined, map: Record<S, C[]>): C[] | undefined {
  if (!wanted || wanted.length === 0) return undefined;
  return [...new Set(wanted.flatMap((status) => map[status] ?? []))];
}

function offerKey(after: string | null | undefined): OfferKey | null | 'invalid' {
  if (after === undefined || after === null) return null;
  const parts = decodeCursor(after);
  if (parts?.length !== 2) return 'invalid';
  const [createdKey, id] = parts;
  if (
    typeof createdKey !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/.test(createdKey) ||
    typeof id !== 'number' ||
    id < 1
  )
    return 'invalid';
  return { createdKey, id };
}

function invoiceKey(after: string | null | undefined): InvoiceKey | null | 'invalid' {
  if (after === undefined || after === null) return null;
  const parts = decodeCursor(after);
  if (parts?.length !== 2) return 'invalid';
  const [issueDate, id] = parts;
  if (typeof issueDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(issueDate) || typeof id !== 'number' || id < 1) return 'invalid';
  return { issueDate, id };
}

const EMPTY = { items: [], next: null };

// A record with its lines (and an invoice's payments) in one statement, built once per kind
// (read-together.ts): the same queries as each on its own.
const offerWithLines = togetherTemplate(
  (kind: OfferKind) => kind,
  (db, kind, args: { workspaceId: number; clientId: number; offerId: number }): TogetherRead[] => [
    { name: 'offer', shape: 'row', timestamps: ['sent_at', 'decided_at'], query: clientOfferQuery(db, OFFER_TABLES[kind], args) },
    { name: 'items', shape: 'rows', query: clientOfferItemsQuery(db, OFFER_TABLES[kind], args) },
  ],
);
const invoiceWithLinesAndPayments = togetherTemplate(
  (kind: 'invoice') => kind,
  (db, _kind, args: { workspaceId: number; clientId: number; invoiceId: number }): TogetherRead[] => [
    { name: 'invoice', shape: 'row', query: clientInvoiceQuery(db, args) },
    { name: 'items', shape: 'rows', query: clientInvoiceItemsQuery(db, args) },
    { name: 'payments', shape: 'rows', timestamps: ['paid_at'], query: clientInvoicePaymentsQuery(db, args) },
  ],
);

const statementReads = togetherTemplate(
  (kind: 'statement') => kind,
  (db, _kind, args: { workspaceId: number; clientId: number; timeZone: string; from: string; before: string }): TogetherRead[] => [
    { name: 'invoices', shape: 'rows', query: clientStatementInvoicesQuery(db, args) },
    { name: 'payments', shape: 'rows', timestamps: ['paid_at'], query: clientStatementPaymentsQuery(db, args) },
  ],
  // A plan made for any period joins the client's every invoice to the period's payments.
  { plannedForItsValues: true },
);

export function offerReads(db: Knex) {
  return {
    async list(
      workspaceId: string,
      clientId: string,
      kind: OfferKind,
      filter: OfferListFilter,
      page: PageRequest,
    ): Promise<Page<OfferSummary>> {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const after = offerKey(page.after);
      const statuses = crmStatuses(filter.status, CRM_OFFER_STATUSES);
      if (ws === null || client === null || !isKind(kind) || after === 'invalid' || statuses?.length === 0) return EMPTY;
      const limit = clampLimit(page.limit);
      const rows = await listClientOffers(db, OFFER_TABLES[kind], {
        workspaceId: ws,
        clientId: client,
        after,
        limit,
        ...(statuses ? { statuses } : {}),
        ...(filter.search ? { matching: containsPattern(filter.search) } : {}),
        ...(filter.search && filter.amount ? { amount: filter.amount } : {}),
      });
      return pageOf(
        rows,
        limit,
        (row) => presentOffer(kind, row),
        (row) => [row.created_key, row.id],
      );
    },

    async find(workspaceId: string, clientId: string, kind: OfferKind, id: string): Promise<OfferDetail | null> {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const offerId = parseId(id);
      if (ws === null || client === null || offerId === null || !isKind(kind)) return null;
      const read = await offerWithLines(db, kind, { workspaceId: ws, clientId: client, offerId });
      const row = read.offer as (PortalOfferRow & PartiesRow) | null;
      const items = read.items as LineItemRow[];
      if (!row) return null;
      const lines = items.map(presentLine);
      return {
        ...presentOffer(kind, row),
        clientId: toHostId(row.client_id),
        body: row.body,
        lines,
        ...sums(lines),
        terms: null,
        ...presentParties(row),
      };
    },

    /** Sent proposals and quotations of the workspace lapsing within the window, for reminder emails. */
    async expiringSoon(workspaceId: string, window: { from: string; through: string }): Promise<ExpiringOffer[]> {
      const ws = parseId(workspaceId);
      if (ws === null || !isDay(window.from) || !isDay(window.through)) return [];
      const read = async (kind: OfferKind) =>
        (await listExpiringOffers(db, OFFER_TABLES[kind], { workspaceId: ws, ...window })).map((row) => ({
          kind,
          id: toHostId(row.id),
          clientId: toHostId(row.client_id),
          number: row.number,
          title: row.title,
          validUntil: row.valid_until,
        }));
      const [proposals, quotations] = await Promise.all([read('proposal'), read('quotation')]);
      return [...proposals, ...quotations];
    },
  };
}

export function invoiceReads(db: Knex) {
  return {
    async list(workspaceId: string, clientId: string, filter: InvoiceListFilter, page: PageRequest): Promise<Page<InvoiceSummary>> {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const after = invoiceKey(page.after);
      const statuses = crmStatuses(filter.status, CRM_INVOICE_STATUSES);
      if (ws === null || client === null || after === 'invalid' || statuses?.length === 0) return EMPTY;
      const limit = clampLimit(page.limit);
      const rows = await listClientInvoices(db, {
        workspaceId: ws,
        clientId: client,
        after,
        limit,
        ...(statuses ? { statuses } : {}),
        ...(filter.overdue ? { overdueOn: overdueFrom() } : {}),
        ...(filter.search ? { matching: containsPattern(filter.search) } : {}),
        ...(filter.search && filter.amount ? { amount: filter.amount } : {}),
      });
      return pageOf(rows, limit, presentInvoice, (row) => [row.issue_date, row.id]);
    },

    // The workspace's bank account, printed on its invoices where it keeps one.
    bankAccounts: true,

    async find(workspaceId: string, clientId: string, id: string): Promise<InvoiceDetail | null> {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const invoiceId = parseId(id);
      if (ws === null || client === null || invoiceId === null) return null;
      const read = await invoiceWithLinesAndPayments(db, 'invoice', { workspaceId: ws, clientId: client, invoiceId });
      const row = read.invoice as (PortalInvoiceRow & PortalInvoiceLegalRow) | null;
      const items = read.items as LineItemRow[];
      const payments = read.payments as PortalPaymentRow[];
      if (!row) return null;
      const lines = items.map(presentLine);
      return {
        ...presentInvoice(row),
        clientId: toHostId(row.client_id),
        lines,
        ...sums(lines),
        notes: row.notes,
        payments: payments.map(presentPayment),
        ...presentLegalDetails(row),
      };
    },

    /**
     * A statement of account in a few statements whatever the history (statementOf): what the
     * client owes now, from its unsettled invoices; its moves by day, aggregated by the database,
     * from today back to where the balance was last zero (or since the period's first day); then
     * the period's invoices and payments together.
     */
    async statement(workspaceId: string, clientId: string, period: StatementPeriod): Promise<InvoiceStatementData> {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      if (ws === null || client === null) return emptyStatement(period);
      const scope = { workspaceId: ws, clientId: client, timeZone: period.timeZone };
      return statementOf(period, {
        balances: async () => (await clientBalances(db, scope)).map((row) => ({ currency: row.currency, cents: Number(row.cents) })),
        moves: async (from, before) =>
          (await clientDailyMoves(db, { ...scope, from: from ?? NO_START, before: before ?? NO_END })).map((row) => ({
            currency: row.currency,
            day: row.day,
            charged: Number(row.charged),
            paid: Number(row.paid),
          })),
        rows: async (from, before) => {
          const read = await statementReads(db, 'statement', { ...scope, from: from ?? NO_START, before: before ?? NO_END });
          return {
            invoices: (read.invoices as PortalInvoiceRow[]).map(presentInvoice),
            payments: (read.payments as StatementPaymentRow[]).map((row) => ({
              ...presentPayment(row),
              invoiceId: toHostId(row.invoice_id),
              invoiceNumber: row.invoice_number,
              currency: row.currency,
              position: Number(row.position),
            })),
          };
        },
      });
    },

    /** The next invoices of the client's recurring ones, soonest first, in one statement. */
    async upcoming(workspaceId: string, clientId: string): Promise<UpcomingInvoice[]> {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      if (ws === null || client === null) return [];
      const rows = await upcomingRecurringInvoices(db, { workspaceId: ws, clientId: client, limit: 3 });
      return rows.map(presentUpcoming);
    },
  };
}
