// The offers and invoices ports on Alga PSA: quotes in the portal's words (Alga has no separate
// proposal document, so the offers port serves quotations only), invoices with their charges,
// payments and applied credit. Money is Alga's own bigint cents in the record's currency_code.
import type { Knex } from 'knex';
import type {
  InvoiceDetail,
  InvoiceFrequency,
  InvoicesPort,
  InvoiceStatus,
  InvoiceSummary,
  LineItem,
  OfferDetail,
  OffersPort,
  OfferStatus,
  OfferSummary,
  StatementPayment,
  UpcomingInvoice,
} from '../../src/index.ts';
import { clampLimit, dayInZone, inPeriod, emptyStatement, movesInMemory, movesOf, pageOf, statementOf } from '../../src/index.ts';
import { balanceCentsOf, invoiceStatesOf, isDay, isPaymentAmount, listFilterArgs, offerCodesOf } from '../shared/commercial.ts';
import { keyCursor } from './cursors.ts';
import { parseUuid } from './ids.ts';
import { cents, currencyOrDefault } from './money.ts';
import {
  findInvoice,
  findInvoiceTaxStatus,
  listInvoiceLines,
  listInvoicePayments,
  listInvoices,
  statementInvoices,
  statementPayments,
  statementPeriodInvoices,
  type InvoiceRow,
  type InvoiceTaxStatusRow,
} from './queries/invoices.ts';
import { presentLetterhead } from './letterhead.ts';
import { findLetterhead } from './queries/letterhead.ts';
import { recordInvoicePayment } from './queries/payments.ts';
import { listUpcomingInvoiceWindows, type UpcomingWindowRow } from './queries/upcoming-invoices.ts';
import {
  decideQuote,
  findQuote,
  listExpiringQuotes,
  listOptionalQuoteLines,
  listQuoteLines,
  listQuotes,
  markQuoteViewed,
  type QuoteRow,
} from './queries/quotes.ts';
import { findClientUserIdOfContact } from './queries/users.ts';

type TenantOf = (workspaceId: string) => string | null;

const QUOTE_STATUS: Record<string, OfferStatus> = {
  sent: 'open',
  accepted: 'accepted',
  converted: 'accepted',
  rejected: 'declined',
  expired: 'expired',
  cancelled: 'withdrawn',
  superseded: 'withdrawn',
  archived: 'withdrawn',
};
const QUOTE_CODES: Record<OfferStatus, string[]> = {
  open: ['sent'],
  accepted: ['accepted', 'converted'],
  declined: ['rejected'],
  expired: ['expired'],
  withdrawn: ['cancelled', 'superseded', 'archived'],
};

/**
 * The portal's payment methods and the payment_method text Alga's payment forms use. Alga's 'ach'
 * is a US bank debit (ACH), the portal's 'ach' too, never its 'direct_debit', which is a SEPA one:
 * a SEPA debit has no name in Alga and is written under the portal's own.
 */
const METHOD_TO_ALGA: Record<string, string> = {
  card: 'credit_card',
  bank_transfer: 'bank_transfer',
  check: 'check',
  cash: 'cash',
  ach: 'ach',
};
/**
 * Online providers as payment_method names them, how each took the money, and a name where the
 * portal has no word for that. Alga's PaymentService records a provider's payment under the
 * provider's type (its PaymentProviderRegistry: 'stripe', with 'paypal' and 'square' reserved for
 * the providers it plans), and recordExternalPayment under the provider id it is given; 'demo' is
 * on rows the portal wrote before it wrote Alga's own name for its demo provider's payments. A
 * provider's reference_number is its id: kept for staff, never the client's reference.
 */
const ONLINE_PROVIDERS: Record<string, { method: string; label: string | null }> = {
  stripe: { method: 'card', label: null },
  square: { method: 'card', label: null },
  demo: { method: 'card', label: null },
  paypal: { method: 'paypal', label: 'PayPal' },
};
const ALGA_TO_METHOD: Record<string, string> = Object.fromEntries(Object.entries(METHOD_TO_ALGA).map(([method, alga]) => [alga, method]));

/**
 * Alga's own name for a method the portal has no word for, as its lists show it: payment_method is
 * free text (recordExternalPayment's provider id, or an agency's import), so 'wire_transfer' reads
 * "Wire transfer" rather than "Other".
 */
function algaMethodLabel(method: string): string | null {
  const words = method.replace(/[_-]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : null;
}

/** A payment row in the portal's words: an online provider's id apart from the reference a client may quote. */
function presentAlgaPayment(row: {
  payment_id: string;
  amount: string;
  payment_method: string | null;
  reference_number: string | null;
  provider: string | null;
}) {
  const stored = row.payment_method?.trim().toLowerCase() || null;
  const provider = stored !== null && Object.hasOwn(ONLINE_PROVIDERS, stored) ? ONLINE_PROVIDERS[stored]! : null;
  const known = stored !== null && Object.hasOwn(ALGA_TO_METHOD, stored) ? ALGA_TO_METHOD[stored]! : null;
  // A provider named only in the metadata (written under Alga's method name) took the money online too.
  const online = Boolean(row.provider) || provider !== null;
  const reference = row.reference_number?.trim() || null;
  return {
    id: row.payment_id,
    amountCents: cents(row.amount),
    method: provider?.method ?? known ?? stored ?? 'other',
    methodLabel: provider ? provider.label : known || !row.payment_method ? null : algaMethodLabel(row.payment_method),
    reference: online ? null : reference,
    providerReference: online ? reference : null,
  };
}

const EMPTY = { items: [], next: null };

/** The note Alga's payment list shows for a payment the client made from the portal. */
const PORTAL_PAYMENT_NOTE = 'Paid from the client portal';
/** rejection_reason of a quote declined from the portal (Alga's own portal asks the client for one; the port has none). */
const PORTAL_REJECTION_REASON = 'Declined in the client portal';

/**
 * Why an invoice charges no tax, as Alga records it for the client: reverse charge, else an
 * exemption with its certificate. Alga keeps flags and a certificate number but no wording, so the
 * portal words the reason (and shows it only on an invoice whose tax is 0).
 */
function vatExemption(row: InvoiceTaxStatusRow | null): InvoiceDetail['vatExemption'] {
  if (row?.reverse_charge) return { reason: 'reverse_charge' };
  if (row?.tax_exempt) return { reason: 'exempt', certificate: row.exemption_certificate?.trim() || null };
  return null;
}

function presentQuote(row: QuoteRow): OfferSummary {
  return {
    id: row.quote_id,
    kind: 'quotation',
    number: row.quote_number?.trim() || row.title,
    title: row.title,
    status: QUOTE_STATUS[row.status] ?? 'withdrawn',
    currency: currencyOrDefault(row.currency_code),
    totalCents: cents(row.total_amount),
    validUntil: row.valid_until,
    sentAt: row.sent_at,
    decidedAt: row.accepted_at ?? row.rejected_at,
  };
}

function invoiceStatus(row: InvoiceRow): InvoiceStatus {
  if (row.status === 'paid') return 'paid';
  if (row.status === 'cancelled' || row.status === 'void') return 'void';
  return 'open';
}

/** Prepaid credit Alga applied to an invoice settles it too: its own line, on the invoice's day. */
function creditApplied(invoiceId: string, credit: number, invoiceDate: string) {
  return credit > 0
    ? [{ id: `credit-${invoiceId}`, amountCents: credit, method: 'credit', reference: null, paidAt: new Date(`${invoiceDate}T00:00:00Z`) }]
    : [];
}

function presentInvoice(row: InvoiceRow): InvoiceSummary {
  const status = invoiceStatus(row);
  const totalCents = cents(row.total_amount);
  // Credit applied settles part of the invoice as a payment does (Alga's computeBalanceDue).
  const paidCents = cents(row.payments) + (row.credit_applied ?? 0);
  return {
    id: row.invoice_id,
    number: row.invoice_number,
    status,
    currency: currencyOrDefault(row.currency_code),
    totalCents,
    paidCents,
    balanceCents: balanceCentsOf(status, totalCents, paidCents),
    issueDate: row.invoice_date,
    dueDate: row.due_date,
  };
}

/** A quote item in the portal's words: its service name, with the description where it says more. */
function lineDescription(line: { service_name: string | null; description: string }): string {
  const service = line.service_name?.trim();
  const description = line.description.trim();
  return service ? `${service}${description && description !== service ? ` — ${description}` : ''}` : line.description;
}

/** A numeric quantity as Alga keeps it (bigint on quote items, numeric(10,2) on charges). */
const quantityOf = (text: string) => (Number.isFinite(Number(text)) ? Number(text) : 1);

export function algaOffers(db: Knex, tenantOf: TenantOf): OffersPort {
  return {
    kinds: ['quotation'],
    async list(workspaceId, clientId, kind, filter, page) {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      const before = keyCursor(page.after, 'timestamp');
      const statuses = offerCodesOf(filter.status, QUOTE_CODES);
      if (kind !== 'quotation' || tenant === null || client === null || before === 'invalid' || statuses?.length === 0) return EMPTY;
      const limit = clampLimit(page.limit);
      const rows = await listQuotes(db, {
        tenant,
        clientId: client,
        before: before && { at: before.key, id: before.id },
        limit,
        ...(statuses ? { statuses } : {}),
        ...listFilterArgs(filter),
      });
      return pageOf(rows, limit, presentQuote, (row) => [row.sort_key, row.quote_id]);
    },
    async find(workspaceId, clientId, kind, id, read): Promise<OfferDetail | null> {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      const quoteId = parseUuid(id);
      if (kind !== 'quotation' || tenant === null || client === null || quoteId === null) return null;
      const args = { tenant, clientId: client, quoteId };
      // In the decision's transaction where given: the lines and totals as its optional items left them.
      // A transaction is one connection: its reads go one after the other (pg would queue them anyway).
      const [row, lines, optional, letterhead] = read?.trx
        ? [
            await findQuote(read.trx, args),
            await listQuoteLines(read.trx, args),
            await listOptionalQuoteLines(read.trx, args),
            await findLetterhead(read.trx, args),
          ]
        : await Promise.all([findQuote(db, args), listQuoteLines(db, args), listOptionalQuoteLines(db, args), findLetterhead(db, args)]);
      if (!row) return null;
      return {
        ...presentQuote(row),
        clientId: row.client_id,
        body: [row.description, row.client_notes].filter((text) => text?.trim()).join('\n\n'),
        lines: lines.map(
          (line): LineItem => ({
            description: lineDescription(line),
            quantity: quantityOf(line.quantity),
            unitPriceCents: cents(line.unit_price),
            totalCents: cents(line.total_price),
            // quote_items.tax_rate is an integer whose unit Alga's quote code does not fix; not shown.
            taxRatePercent: null,
          }),
        ),
        subtotalCents: cents(row.subtotal) - cents(row.discount_total),
        taxCents: cents(row.tax),
        terms: row.terms_and_conditions?.trim() || null,
        // Only a quote still awaiting the answer offers the choice (Alga's accept takes it then).
        optionalLines:
          row.status === 'sent'
            ? optional.map((line) => ({
                id: line.quote_item_id,
                description: lineDescription(line),
                quantity: quantityOf(line.quantity),
                unitPriceCents: cents(line.unit_price),
                // Alga keeps quantity × unit price in total_price for a pending item too (rowGrossAmount).
                totalCents: cents(line.total_price),
                selected: line.is_selected,
              }))
            : [],
        ...(letterhead ? presentLetterhead(letterhead) : {}),
      };
    },
    async expiringSoon(workspaceId, window) {
      const tenant = tenantOf(workspaceId);
      if (tenant === null || !isDay(window.from) || !isDay(window.through)) return [];
      const rows = await listExpiringQuotes(db, { tenant, ...window });
      return rows.map((row) => ({
        kind: 'quotation' as const,
        id: row.quote_id,
        clientId: row.client_id,
        number: row.quote_number?.trim() || row.title,
        title: row.title,
        validUntil: row.valid_until,
      }));
    },
    async decide(workspaceId, clientId, kind, id, decision, write) {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      const quoteId = parseUuid(id);
      if (kind !== 'quotation' || tenant === null || client === null || quoteId === null) return false;
      const contactId = decision.contactId ? parseUuid(decision.contactId) : null;
      const work = async (trx: Knex.Transaction) =>
        decideQuote(trx, {
          tenant,
          clientId: client,
          quoteId,
          outcome: decision.outcome,
          at: decision.at,
          // Alga's own portal asks the client for a reason; the decline form's note is that reason.
          rejectionReason: decision.note?.trim() || PORTAL_REJECTION_REASON,
          userId: contactId ? await findClientUserIdOfContact(trx, { tenant, clientId: client, contactId }) : null,
          poNumber: decision.poNumber?.trim() || null,
          note: decision.note?.trim() || null,
          ...(decision.selectedOptionalLineIds
            ? { selectedOptionalItemIds: decision.selectedOptionalLineIds.filter((id) => parseUuid(id) !== null) }
            : {}),
        });
      // The status and its activity row belong together: the caller's transaction, or one of our own.
      return write?.trx ? work(write.trx) : db.transaction(work);
    },
    async viewed(workspaceId, clientId, kind, id, viewer) {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      const quoteId = parseUuid(id);
      const contactId = parseUuid(viewer.contactId);
      if (kind !== 'quotation' || tenant === null || client === null || quoteId === null) return;
      await markQuoteViewed(db, { tenant, clientId: client, quoteId, contactId, at: viewer.at });
    },
  };
}

/**
 * Alga's billing cycles in the portal's words (BillingCycleType: the client's billing_cycle, and a
 * contract line's billing_frequency, which Alga's contract cadence also reads as 'semiannually' and
 * 'annual').
 */
const CYCLE_FREQUENCY: Record<string, InvoiceFrequency> = {
  weekly: { every: 1, unit: 'week' },
  'bi-weekly': { every: 2, unit: 'week' },
  monthly: { every: 1, unit: 'month' },
  quarterly: { every: 3, unit: 'month' },
  'semi-annually': { every: 6, unit: 'month' },
  semiannually: { every: 6, unit: 'month' },
  annually: { every: 1, unit: 'year' },
  annual: { every: 1, unit: 'year' },
};

/**
 * The invoice Alga will make for a window: named by the contracts it bills (contract_name, as
 * Alga's client portal names a contract), how often one comes where all its lines follow one cycle,
 * and no amount: Alga computes it only when the invoice is generated (see InvoicesPort.upcoming).
 */
function presentUpcoming(row: UpcomingWindowRow): UpcomingInvoice {
  const cycles = new Set(row.cycles.map((cycle) => cycle?.trim().toLowerCase() ?? ''));
  const [cycle] = cycles;
  return {
    id: `${row.window_start}/${row.window_end}`,
    title: row.contract_names.join(', '),
    nextDate: row.window_start,
    amountCents: null,
    currency: null,
    frequency: cycles.size === 1 && cycle !== undefined && Object.hasOwn(CYCLE_FREQUENCY, cycle) ? CYCLE_FREQUENCY[cycle]! : null,
  };
}

/** The day Alga's server counts by: the UTC day of the moment. */
const algaDay = (now: Date) => now.toISOString().slice(0, 10);

/** The port. `now` is the clock whose UTC day counts (what is still to come). */
export function algaInvoices(db: Knex, tenantOf: TenantOf, now: () => Date = () => new Date()): InvoicesPort {
  return {
    async list(workspaceId, clientId, filter, page) {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      const before = keyCursor(page.after, 'timestamp');
      const states = invoiceStatesOf(filter.status);
      if (tenant === null || client === null || before === 'invalid' || states?.length === 0) return EMPTY;
      const limit = clampLimit(page.limit);
      const rows = await listInvoices(db, {
        tenant,
        clientId: client,
        before: before && { at: before.key, id: before.id },
        limit,
        ...(states ? { states } : {}),
        ...listFilterArgs(filter),
      });
      return pageOf(rows, limit, presentInvoice, (row) => [row.sort_key, row.invoice_id]);
    },
    async find(workspaceId, clientId, id): Promise<InvoiceDetail | null> {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      const invoiceId = parseUuid(id);
      if (tenant === null || client === null || invoiceId === null) return null;
      const args = { tenant, clientId: client, invoiceId };
      const [row, lines, payments, taxStatus, letterhead] = await Promise.all([
        findInvoice(db, args),
        listInvoiceLines(db, args),
        listInvoicePayments(db, args),
        findInvoiceTaxStatus(db, args),
        findLetterhead(db, args),
      ]);
      if (!row) return null;
      const credit = row.credit_applied ?? 0;
      return {
        ...presentInvoice(row),
        clientId: row.client_id,
        lines: lines.map((line): LineItem => {
          const rate = line.tax_rate === null ? null : Number(line.tax_rate);
          return {
            description: line.description,
            quantity: quantityOf(line.quantity),
            unitPriceCents: cents(line.unit_price),
            // net_amount is the charge before tax where Alga computed it; total_price otherwise.
            totalCents: cents(line.net_amount ?? line.total_price),
            taxRatePercent: rate !== null && Number.isFinite(rate) ? rate : null,
          };
        }),
        subtotalCents: row.subtotal,
        taxCents: row.tax,
        notes: '',
        payments: [
          ...payments.map((payment) => ({ ...presentAlgaPayment(payment), paidAt: payment.payment_date ?? new Date(0) })),
          ...creditApplied(row.invoice_id, credit, row.invoice_date),
        ],
        vatExemption: vatExemption(taxStatus),
        ...(letterhead ? presentLetterhead(letterhead) : {}),
      };
    },
    /**
     * A statement of account in three statements whatever the history, each scoped by tenant and
     * client: the invoices that weigh on the balance (cheap columns) and their payments together,
     * then the period's invoices. Credit applied counts as a payment on the invoice's day, as on
     * the invoice's page; a prepayment invoice is not listed, as in list().
     */
    async statement(workspaceId, clientId, period) {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      if (tenant === null || client === null) return emptyStatement(period);
      const args = { tenant, clientId: client };
      const [invoices, paid] = await Promise.all([statementInvoices(db, args), statementPayments(db, args)]);
      const byInvoice = new Map(invoices.map((invoice) => [invoice.invoice_id, { invoice, payments: [] as typeof paid }]));
      for (const payment of paid) byInvoice.get(payment.invoice_id)?.payments.push(payment);
      const payments: Array<StatementPayment & { day: string }> = [];
      for (const { invoice, payments: rows } of byInvoice.values()) {
        const settled = [
          ...rows.map((payment) => ({ ...presentAlgaPayment(payment), paidAt: payment.payment_date ?? new Date(0) })),
          ...creditApplied(invoice.invoice_id, invoice.credit_applied ?? 0, invoice.invoice_date),
        ];
        for (const [index, payment] of settled.entries())
          payments.push({
            ...payment,
            invoiceId: invoice.invoice_id,
            invoiceNumber: invoice.invoice_number,
            currency: currencyOrDefault(invoice.currency_code),
            position: index + 1,
            day: dayInZone(payment.paidAt, period.timeZone),
          });
      }
      payments.sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime());
      const moves = movesOf(
        invoices.map((invoice) => ({
          currency: currencyOrDefault(invoice.currency_code),
          day: invoice.invoice_date,
          cents: cents(invoice.total_amount),
        })),
        payments.map((payment) => ({ currency: payment.currency, day: payment.day, cents: payment.amountCents })),
      );
      return statementOf(period, {
        ...movesInMemory(moves),
        rows: async (from, before) => ({
          invoices: (await statementPeriodInvoices(db, { ...args, from, before })).map(presentInvoice),
          payments: payments.filter((payment) => inPeriod(payment.day, from, before)).map(({ day: _day, ...payment }) => payment),
        }),
      });
    },
    async recordPayment(workspaceId, clientId, invoiceId, payment, write) {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      const id = parseUuid(invoiceId);
      if (tenant === null || client === null || id === null) return null;
      if (!isPaymentAmount(payment.amountCents)) return null;
      const method = METHOD_TO_ALGA[payment.method] ?? payment.method;
      const work = (trx: Knex.Transaction) =>
        recordInvoicePayment(trx, {
          tenant,
          clientId: client,
          invoiceId: id,
          amountCents: payment.amountCents,
          method,
          reference: payment.reference,
          paidAt: payment.paidAt,
          notes: PORTAL_PAYMENT_NOTE,
          provider: payment.provider ?? null,
        });
      const row = write?.trx ? await work(write.trx) : await db.transaction(work);
      return row ? { ...presentAlgaPayment(row), paidAt: row.payment_date } : null;
    },
    async upcoming(workspaceId, clientId) {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      if (tenant === null || client === null) return [];
      const rows = await listUpcomingInvoiceWindows(db, { tenant, clientId: client, today: algaDay(now()), limit: 3 });
      return rows.map(presentUpcoming);
    },
  };
}
