// The host port of invoices, their payments and the Stripe keys a host keeps (InvoicesPort,
// HostStripeKeysPort): what the portal needs from the host CRM for this feature, beside the core's
// ports (src/core/ports/host.ts). A host binding implements it; the declaration at the end adds it to
// HostAdapter, so the core names no feature.
import type { AmountRange, HostId, HostWrite, BuyerParty, SellerParty, LineItem, Locale, Page, PageRequest } from '../../core/index.ts';

/** 'open' covers unpaid and part-paid; overdue is derived from the due date. */
export type InvoiceStatus = 'open' | 'paid' | 'void';

export interface InvoiceSummary {
  id: HostId;
  number: string;
  status: InvoiceStatus;
  currency: string;
  totalCents: number;
  paidCents: number;
  balanceCents: number;
  issueDate: string;
  dueDate: string | null;
}

export interface InvoicePayment {
  id: HostId;
  amountCents: number;
  /**
   * The portal's word for how it was paid ('card', 'bank_transfer', 'check', 'cash',
   * 'direct_debit' for a SEPA debit, 'ach' for a US one, …), or the host's own.
   */
  method: string;
  /**
   * Optional: the host's own name for a method the portal has no word for (Dolibarr's payment
   * mode dictionary: "Bill of exchange", "Factor"), shown instead of "Other".
   */
  methodLabel?: string | null;
  /**
   * What the payer or the agency wrote for it (a transfer's reference, a cheque's number), which
   * the client may quote; never an online provider's id, which is providerReference.
   */
  reference: string | null;
  /** Optional: the host's own number for the payment ("PAY2611-0001"), which the client may quote. */
  number?: string | null;
  /**
   * Optional: the online provider's id for the payment ("pi_…"), where one took it: for staff
   * reconciling with the provider. Never shown on a client's page or document.
   */
  providerReference?: string | null;
  paidAt: Date;
}

/** Where to pay by bank transfer. */
export interface BankDetails {
  iban?: string | null;
  bic?: string | null;
  bankName?: string | null;
  /** The account holder, when it is not the seller's legal name. */
  accountHolder?: string | null;
}

/**
 * Why an invoice charges no VAT, as the host records it: reverse charge (the EU business customer
 * accounts for the VAT), a supply not taxable in the seller's country (a customer outside the
 * EU), the small-business scheme (the seller charges no VAT at all), or an exemption.
 */
export type VatExemptionReason = 'reverse_charge' | 'not_taxable' | 'small_business' | 'exempt';

/**
 * What an invoice without VAT must say about it (EU VAT directive art. 226 (11), (11a)). The
 * portal prints the host's own note where it keeps one, otherwise its own words for the reason,
 * then the certificate's number; and only on an invoice whose VAT total is 0.
 */
export interface VatExemption {
  reason?: VatExemptionReason | null;
  /** The host's own wording ("Reverse charge: VAT to be accounted for by the recipient …"), printed as it is. */
  note?: string | null;
  /** An exemption certificate's number (a US resale certificate), where the host keeps one. */
  certificate?: string | null;
}

export interface InvoiceDetail extends InvoiceSummary {
  clientId: HostId;
  lines: LineItem[];
  subtotalCents: number;
  taxCents: number;
  notes: string;
  payments: InvoicePayment[];
  /** Optional legal details for an invoice a business can file; each absent where the host has none. */
  seller?: SellerParty | null;
  buyer?: BuyerParty | null;
  /** 'YYYY-MM-DD': the day of supply, or the first day of the period supplied. */
  supplyDate?: string | null;
  /** 'YYYY-MM-DD': the last day of the period supplied, when it is a period. */
  supplyEndDate?: string | null;
  /** Payment terms as the host words them ("Payable within 30 days without deduction."). */
  paymentTerms?: string | null;
  /**
   * The same terms in the portal's languages, where the host translates the term it names
   * (Dolibarr's standard terms, as its language files word them): the reader's is printed instead
   * of paymentTerms. Absent for a term the host words in one language only.
   */
  paymentTermsByLocale?: Readonly<Partial<Record<Locale, string>>> | null;
  /** The seller's bank account for transfers. */
  bank?: BankDetails | null;
  /** Why no VAT is charged, where the host records it; shown only when the invoice's VAT total is 0. */
  vatExemption?: VatExemption | null;
}

export interface NewPayment {
  amountCents: number;
  method: string;
  reference: string | null;
  paidAt: Date;
  /**
   * The online provider that took the money ('stripe', 'demo'), when it came through one: a host
   * records such a payment as its own online payments are recorded (the provider's reference in
   * the host's column for it, the bank account the host books that provider's payments on).
   */
  provider?: string | null;
}

/** Which of a client's invoices InvoicesPort.list returns; every part given narrows the list. */
export interface InvoiceListFilter {
  status?: InvoiceStatus[];
  /**
   * Only open invoices past their due date: exactly those summaries.forClient counts in
   * `invoices.overdue` (while the unpaid are within SUMMARY_COUNT_LIMIT), by the same day, so the
   * dashboard's count links to its list.
   */
  overdue?: boolean;
  /**
   * Text the list's rows contain, case-insensitive and taken literally (see containsPattern):
   * in the number (an invoice has no title in the portal).
   * Absent, the list is unfiltered. It narrows the list's own statement: no read is added.
   */
  search?: string /** Optional, with search: as OfferListFilter.amount, on the invoice's total. */;
  amount?: AmountRange;
}

/** Invoices of one client company and their payments, scoped by workspace and client. */
export interface InvoicesPort {
  list(workspaceId: HostId, clientId: HostId, filter: InvoiceListFilter, page: PageRequest): Promise<Page<InvoiceSummary>>;
  find(workspaceId: HostId, clientId: HostId, id: HostId): Promise<InvoiceDetail | null>;
  /**
   * Optional: true where the host names the account to pay into on its invoices
   * (InvoiceDetail.bank). The invoice list then offers paying several by one bank transfer; an
   * invoice's own pay page asks its bank details instead.
   */
  readonly bankAccounts?: boolean;
  /**
   * Records a payment against an open invoice, turning it paid when the balance reaches zero.
   * Answers null (and records nothing) for an invoice that is not open or an amount over the balance.
   * Optional: a host that cannot record one is not paid online through the portal (no pay button).
   */
  recordPayment?(workspaceId: HostId, clientId: HostId, id: HostId, payment: NewPayment, write?: HostWrite): Promise<InvoicePayment | null>;
  /**
   * Optional: records one payment over several of the client's open invoices (a checkout that paid
   * them together), for hosts whose own books write it so: one payment with a part per invoice
   * and one bank line for the total (Dolibarr), rather than a payment per invoice. Answers one
   * per share, in order: the payment (amountCents the share's) or null for a share it could not
   * apply (the invoice no longer open, the amount over its balance); the other shares are still
   * written, as one payment for their total. Without it each share is recorded by recordPayment.
   */
  recordPayments?(
    workspaceId: HostId,
    clientId: HostId,
    shares: ReadonlyArray<{ invoiceId: HostId; amountCents: number }>,
    payment: Omit<NewPayment, 'amountCents'>,
    write?: HostWrite,
  ): Promise<Array<InvoicePayment | null>>;
  /**
   * Optional: a statement of account for a period, read by what the period holds, not by the
   * client's history: the balance brought forward per currency, the invoices list() returns issued
   * in the period (all statuses), oldest first, and the payments of the client's invoices paid in
   * it, oldest first, each with its invoice's number, currency and its place among that invoice's
   * payments. A host answers it with statementOf (statement-period.ts) from three reads: what the
   * client owes now, its moves by day in a range (cheap columns, aggregated by the database), and
   * the period's rows; for 'since-zero' statementOf walks the days back from today to find the
   * period's first day. Without it the portal pages through list() and reads each invoice with find().
   */
  statement?(workspaceId: HostId, clientId: HostId, period: StatementPeriod): Promise<InvoiceStatementData>;
  /**
   * Optional: the next invoices of the client's recurring invoices, where the host keeps them
   * (the reference CRM's recurring_invoices, Dolibarr's llx_facture_rec, Alga PSA's billing
   * periods of the client's contracts): at most three (the page names the next ones, not a
   * schedule), the soonest first, in one read. Only those the host will still issue: active (not
   * suspended), not past their last generation. Without it the portal shows none.
   *
   * A host that sets the amount only when it makes the invoice answers it without one
   * (UpcomingInvoice.amountCents null): Alga PSA's billing engine computes each invoice at
   * generation from the client's contract lines (pricing schedules, proration over the period,
   * time and usage recorded by then, discounts, tax by region or from an external accounting
   * system), so any figure shown beforehand would be an estimate the invoice may contradict.
   */
  upcoming?(workspaceId: HostId, clientId: HostId): Promise<UpcomingInvoice[]>;
}

/** How often a recurring invoice comes: every 1 month, every 2 weeks, every 1 year. */
export interface InvoiceFrequency {
  every: number;
  unit: 'day' | 'week' | 'month' | 'year';
}

/** The next invoice of a recurring one the host keeps: what the client will be billed, and when. */
export interface UpcomingInvoice {
  id: HostId;
  /** The host's name for it ("Monthly retainer"). */
  title: string;
  /**
   * 'YYYY-MM-DD': the day the host will issue the next one (where the agency issues it by hand, as
   * in Alga PSA, the first day the host lets it).
   */
  nextDate: string;
  /**
   * The next invoice's total, tax included; null where the host sets it only when it makes the
   * invoice (the page then says so instead of a figure). Null together with currency.
   */
  amountCents: number | null;
  currency: string | null;
  /** Null where the host keeps no frequency it can say in these words. */
  frequency: InvoiceFrequency | null;
}

/**
 * The period a statement of account covers, days in the workspace's time zone: from a day (or
 * since the balance was last zero) up to the day before `before` (or today). A payment counts on
 * the day its instant falls on in timeZone.
 */
export interface StatementPeriod {
  /** 'YYYY-MM-DD', the first day; 'since-zero': found by walking back to the last zero (statementOf). */
  from: string | 'since-zero';
  /** 'YYYY-MM-DD', the day after the last; null: no end. */
  before: string | null;
  timeZone: string;
}

/** A payment on a statement: its invoice named, as that invoice may have been issued before the period. */
export interface StatementPayment extends InvoicePayment {
  invoiceId: HostId;
  invoiceNumber: string;
  currency: string;
  /** Its place among its invoice's payments, oldest first from 1: names its receipt where the host gives no reference. */
  position: number;
}

/** What a statement of account lists: the period, what was owed at its start, its invoices and payments. */
export interface InvoiceStatementData {
  /** 'YYYY-MM-DD', the first day as found; null: from the client's first invoice. */
  from: string | null;
  before: string | null;
  /**
   * Per currency, what was owed at the period's start: the invoices issued before it, not void,
   * less the payments of those not void made before it. Currencies with nothing before are absent.
   */
  broughtForward: Array<{ currency: string; cents: number }>;
  invoices: InvoiceSummary[];
  /** The payments of the client's invoices that are not void, paid in the period. */
  payments: StatementPayment[];
}

/**
 * The Stripe API key a host already keeps (Dolibarr's Stripe module), so an agency configures it
 * once. Only the API key: a host's webhook signing secret (Dolibarr's STRIPE_*_WEBHOOK_KEY) belongs
 * to the host's own endpoint, and Stripe gives every endpoint its own, so the portal's endpoint
 * verifies its events with its own (STRIPE_WEBHOOK_SECRET, or the workspace's saved keys).
 */
export interface HostStripeKeysPort {
  stripeKeys(workspaceId: HostId): Promise<{ secretKey: string } | null>;
}

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** Invoices and payments (claims 'invoice', 'payment'); without it the invoices section does not exist. */
    invoices?: InvoicesPort;
    /** Stripe keys the host keeps; a workspace's own keys (portal settings) come first, the environment's after. */
    stripeKeys?: HostStripeKeysPort;
  }
}
