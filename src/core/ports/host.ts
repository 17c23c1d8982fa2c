// The adapter ports: everything the portal needs from the host CRM, and nothing more.
// A host binding in plugins/<crm>/ implements HostAdapter. Ids are strings so integer, uuid and
// composite-key hosts all fit; every lookup takes the workspace id so no port can answer across
// tenants.
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import type { Knex } from 'knex';
import type { Locale } from '../i18n/translations.ts';

export type HostId = string;

export interface HostWorkspace {
  id: HostId;
  slug: string;
  name: string;
  /** Absolute or root-relative URL of the host's logo, if it has one. */
  logoUrl: string | null;
  /** '#rrggbb', if the host keeps a brand colour. */
  brandColor: string | null;
  /**
   * Optional: the portal sections ('appointments', …, as the portal names them) the host's own
   * settings switch off for its clients, e.g. a host's own client portal feature switches. Such a
   * section is off beside the host whatever the portal's settings say, and the settings page says
   * why. Read with the workspace, so it counts from the workspace cache's next load.
   */
  sectionsOffInHost?: readonly string[];
}

export interface HostClient {
  id: HostId;
  workspaceId: HostId;
  name: string;
}

export interface HostContact {
  id: HostId;
  workspaceId: HostId;
  clientId: HostId;
  clientName: string;
  name: string;
  email: string;
  phone: string | null;
}

export interface HostStaffUser {
  id: HostId;
  workspaceId: HostId;
  name: string;
  email: string;
  role: 'admin' | 'member';
  /**
   * Optional: the language this staff member chose in the host (a tag such as "de" or Dolibarr's
   * "de_DE"). The staff pages speak it; without it they follow the browser's Accept-Language.
   */
  locale?: string | null;
  /** Optional: the staff member's own IANA time zone in the host; without it the browser's, else UTC. */
  timeZone?: string | null;
  /**
   * Optional: the kinds of records the host lets this staff member read (a CRM's per-user rights);
   * a kind set to false is refused on the staff record pages. Absent, or a kind not named: readable.
   */
  readsRecords?: Partial<Record<'proposal' | 'quotation' | 'invoice', boolean>>;
  /**
   * Optional: a value that changes whenever the host starts a new staff session (its session id,
   * or anything else that a sign-in or session regeneration replaces). The portal's staff CSRF
   * token is bound to it, so it rotates with the staff session; without it the token is stable
   * per staff user and workspace.
   */
  sessionKey?: string;
}

export interface WorkspacesPort {
  findBySlug(slug: string): Promise<HostWorkspace | null>;
  findById(id: HostId): Promise<HostWorkspace | null>;
}

export interface ClientsPort {
  list(workspaceId: HostId): Promise<HostClient[]>;
  findById(workspaceId: HostId, clientId: HostId): Promise<HostClient | null>;
  /**
   * The workspace's clients among these ids, in any order; unknown ids and other workspaces'
   * clients are left out. Optional: staff pages that name the clients of a page of rows use it so
   * they need not list every client; without it they do.
   */
  findByIds?(workspaceId: HostId, clientIds: HostId[]): Promise<HostClient[]>;
  /**
   * Optional: the agency and the client company as a letterhead names them (the seller and buyer
   * an invoice carries, see InvoiceDetail), in one read, for the PDFs that belong to no record the
   * host reads for them: the statement of account and the signed version of an offer. Null for a
   * client not in the workspace. Without it those PDFs carry no letterhead.
   */
  letterhead?(workspaceId: HostId, clientId: HostId): Promise<LetterheadParties | null>;
}

/** The seller and the buyer of ClientsPort.letterhead, each null where the host keeps none of it. */
export interface LetterheadParties {
  seller: InvoiceSeller | null;
  buyer: InvoiceBuyer | null;
}

export interface ContactsPort {
  findById(workspaceId: HostId, contactId: HostId): Promise<HostContact | null>;
  /** Case-insensitive; a host may hold the same email on several contacts. */
  findByEmail(workspaceId: HostId, email: string): Promise<HostContact[]>;
  list(workspaceId: HostId, filter?: { clientId?: HostId }): Promise<HostContact[]>;
  /**
   * The client edits their own name and phone from the account page. Optional: without it the
   * account page shows them as the host has them, with no form.
   */
  updateProfile?(workspaceId: HostId, contactId: HostId, profile: { name: string; phone: string | null }): Promise<HostContact | null>;
  /**
   * The client changes their sign-in email from the account page; the contact's email follows.
   * Runs in `write.trx` when given (a host on the portal's database), so the portal's own change
   * and the contact's commit together. Null when the contact is not in the workspace. Optional:
   * without it the portal refuses the change and says the agency must make it.
   */
  updateEmail?(workspaceId: HostId, contactId: HostId, email: string, write?: HostWrite): Promise<HostContact | null>;
  /**
   * Adds a contact to a client company: agency staff approving a client admin's request for a new
   * colleague. Runs in `write.trx` when given. Null when the client is not in the workspace.
   * Optional: without it staff add the contact in the CRM themselves, and the portal finds it.
   */
  create?(workspaceId: HostId, clientId: HostId, contact: { name: string; email: string }, write?: HostWrite): Promise<HostContact | null>;
}

export interface StaffPort {
  /** The signed-in staff user of the host's own session, or null. The portal never reads the host cookie itself. */
  current(req: Request): Promise<HostStaffUser | null>;
  /**
   * For each staff user given (as `current` read them, with their sessionKey), in the same order:
   * whether the host's session they were read from still signs them in now: false once they signed
   * out, their account was disabled or removed, or their credentials changed. Asked about every
   * open staff live stream of the instance at once, every few seconds (`liveStaffCheckMs`), and at
   * once on `CustomerPortal.staffSignedOut`, so a stream does not outlive the sign-in it opened
   * under; one answer for all of them should cost one query, however many streams are open.
   * Optional: without it those streams end on `staffSignedOut` (the browser reconnects where it is
   * still signed in) or when the browser leaves.
   */
  stillSignedIn?(staff: readonly HostStaffUser[]): Promise<boolean[]>;
  /**
   * The staff of a workspace (whom a conversation can be assigned to, who gets message emails).
   * Optional: without it conversations cannot be assigned and unread client messages are not emailed.
   */
  list?(workspaceId: HostId): Promise<HostStaffUser[]>;
  /**
   * The workspace's admins, who get the portal's emails about client decisions and payments.
   * Optional: a host that cannot list its staff gets in-app notifications only.
   */
  listAdmins?(workspaceId: HostId): Promise<HostStaffUser[]>;
}

export interface MoneyTotal {
  currency: string;
  cents: number;
}

/**
 * How far the dashboard counts a client's records, its whole history ("proposals in all", documents
 * shared) and what is open (offers awaiting an answer, unpaid invoices, open tasks, active
 * projects, open and waiting tickets): a host counts at most this many and one more, and the
 * dashboard shows more than this as "More than 1,000 …". A client with years of history, or tens
 * of thousands of open invoices, tasks or tickets from an import gone wrong, then costs what a new
 * one does; the lists page through the rest.
 */
export const SUMMARY_COUNT_LIMIT = 1000;

/**
 * The day an open invoice due before it is overdue: today in UTC. A host counts its summary's
 * overdue invoices from it and filters its overdue list by it, so the dashboard's count is the
 * list's length.
 */
export const overdueFrom = (): string => new Date().toISOString().slice(0, 10);

/**
 * What the dashboard shows of one client: counts the host computes in a few queries. Offers
 * awaiting an answer (`open`), unpaid invoices, open tasks and history (`total`,
 * `documents.shared`) are each counted up to SUMMARY_COUNT_LIMIT + 1, exactly below it.
 */
export interface ClientSummary {
  proposals: { open: number; total: number };
  quotations: { open: number; total: number };
  /**
   * `overdue` and `outstanding` are over the unpaid invoices counted: exact while `unpaid` is at
   * most SUMMARY_COUNT_LIMIT, a part past it (the dashboard then shows neither).
   */
  invoices: { unpaid: number; overdue: number; outstanding: MoneyTotal[] };
  /**
   * Open tasks this contact sees: assigned to them, or to their whole company (no contact); up to
   * SUMMARY_COUNT_LIMIT + 1.
   */
  tasks: { open: number };
  /**
   * Shared documents, and of them how many belong to a proposal, quotation, invoice or project: a
   * person who may not open such a record does not count its documents. A host that links documents
   * to those records answers `attached`; without it every shared document counts.
   */
  documents: { shared: number; attached?: Partial<Record<'proposal' | 'quotation' | 'invoice' | 'project', number>> };
}

export interface SummariesPort {
  forClient(workspaceId: HostId, clientId: HostId, contactId: HostId): Promise<ClientSummary>;
  /**
   * forClient and the first rows of each list the dashboard shows, in one read. Optional: without
   * it the dashboard calls forClient and each list port (one round trip each). Must answer exactly
   * what those calls answer (the contract suite compares them).
   */
  forDashboard?(workspaceId: HostId, clientId: HostId, contactId: HostId, ask: DashboardAsk): Promise<DashboardData>;
}

/** Which of the dashboard's lists to read (those of the sections it shows), and how many rows of each. */
export interface DashboardAsk {
  proposals: boolean;
  quotations: boolean;
  invoices: boolean;
  documents: boolean;
  tasks: boolean;
  /** The count of active projects (projects.countActive). */
  projects: boolean;
  /** The open and waiting tickets (tickets.counts). */
  tickets: boolean;
  /** The next standing appointments (appointments.list(…, 'upcoming', …), pending, confirmed or moved). */
  appointments?: boolean;
  rows: number;
}

/** The dashboard's reads; a list not asked for is null. */
export interface DashboardData {
  summary: ClientSummary;
  /** The first rows of offers.list(…, 'proposal', { status: ['open'] }, …). */
  proposals: OfferSummary[] | null;
  /** The first rows of offers.list(…, 'quotation', { status: ['open'] }, …). */
  quotations: OfferSummary[] | null;
  /** The first rows of invoices.list(…, { status: ['open'] }, …). */
  invoices: InvoiceSummary[] | null;
  /** The first rows of documents.list(…, {}, …): the latest shared. */
  documents: SharedDocument[] | null;
  /** The first rows of tasks.list(…, { status: 'open' }, …): open tasks by due date. */
  tasks: ClientTask[] | null;
  /** projects.countActive(…), up to SUMMARY_COUNT_LIMIT + 1. */
  activeProjects: number | null;
  /** tickets.counts(…), each up to SUMMARY_COUNT_LIMIT + 1. */
  tickets: { open: number; waiting: number } | null;
  /**
   * The next standing appointments, soonest first, when asked; absent where the host's
   * forDashboard does not read them (the port is asked on its own then).
   */
  appointments?: Appointment[] | null;
}

/**
 * The audit's names for what a CRM may keep (see audit/report-schema.ts). A claim says the adapter
 * relies on that concept living in the host, and where.
 */
export const HOST_CONCEPTS = [
  'workspace',
  'company',
  'contact',
  'staffUser',
  'proposal',
  'quotation',
  'invoice',
  'payment',
  'task',
  'document',
  'clientCredentials',
  'comment',
  'ticket',
  'ticketMessage',
  'project',
  'serviceRequestType',
  'serviceRequest',
  'appointmentRequest',
  'availability',
  'booking',
  'kbArticle',
  'surveyTemplate',
  'surveyInvitation',
  'surveyResponse',
  'surveyTrigger',
  'salesOrder',
  'orderLine',
  'shipment',
  'contract',
  'contractLine',
  'contractUsage',
  'timeEntry',
  'asset',
  'documentVersion',
] as const;
export type HostConcept = (typeof HOST_CONCEPTS)[number];

export interface HostClaim {
  concept: HostConcept;
  /** The host table, optionally schema-qualified (`public.llx_socpeople`). */
  table: string;
  /** The columns the adapter reads or writes there. */
  columns: string[];
  /**
   * Only these rows hold the concept, when the table also holds others: client logins kept in a
   * users table that also holds staff (`{ share: true }`, `{ user_type: 'client' }`). Each column
   * named here must exist too.
   */
  where?: Record<string, string | number | boolean>;
}

/**
 * What a host binding tells the audit of itself (plugins/<crm>/audit-manifest.ts): its name, a
 * sentence, and the claims its adapter exports, never a copy, so what the audit checks is what the
 * binding relies on. Here, below both, so the bindings and the audit each read it from the portal.
 */
export interface AdapterDescription {
  name: string;
  description: string;
  claims: readonly HostClaim[];
}

/**
 * A host that already keeps client logins (email + password hash on its own records). The portal
 * then never stores a password of its own: it checks and changes passwords through this port and
 * keeps only what the host lacks (sessions, one-time codes, invitation and reset links).
 */
export interface ClientCredentialsPort {
  /** The contact that may sign in with this email (a login the host has not switched off), or null. */
  findLogin(workspaceId: HostId, email: string): Promise<HostContact | null>;
  /**
   * The contact whose host-stored password matches, or null. The hash format is the host's
   * business. 'host-sign-in-only': the password matches a login the host also asks a second factor
   * of that the portal cannot check; the portal refuses it and sends the client to the host's own
   * sign-in (and findLogin answers null for it, so no code or link signs it in either).
   */
  verifyPassword(workspaceId: HostId, email: string, password: string): Promise<HostContact | null | 'host-sign-in-only'>;
  /** Stores a new password in the host's own format. */
  setPassword(workspaceId: HostId, contactId: HostId, password: string): Promise<void>;
  hasPassword(workspaceId: HostId, contactId: HostId): Promise<boolean>;
}

/** What a record thread is on: a proposal, quotation or invoice, or a client's service or quote request. */
export type CommentSubjectType = 'proposal' | 'quotation' | 'invoice' | 'request';

export interface HostComment {
  id: HostId;
  subjectType: CommentSubjectType;
  subjectId: HostId;
  body: string;
  /** Set when a client wrote it; null when agency staff did. */
  authorContactId: HostId | null;
  authorName: string;
  createdAt: Date;
}

/** Comments on a proposal, quotation, invoice or request: the host's own table when it has one. */
export interface CommentsPort {
  /**
   * Optional: the record types this port keeps comments on. Absent: proposal, quotation and
   * invoice (what a host's comments were for before requests had threads). A type it does not keep
   * has no thread in the portal (the page shows none, its form is a 404): a host keeps its
   * comments' records, and the portal keeps no second store beside the host's.
   */
  subjectTypes?: readonly CommentSubjectType[];
  list(workspaceId: HostId, subject: { type: CommentSubjectType; id: HostId }): Promise<HostComment[]>;
  add(
    workspaceId: HostId,
    comment: { subjectType: CommentSubjectType; subjectId: HostId; body: string; authorContactId: HostId },
  ): Promise<HostComment>;
  /**
   * Optional: the comments of several records at once (oldest first), in one query, for the
   * threads listed beside the conversation. Without it the portal calls list() per record.
   */
  listMany?(workspaceId: HostId, subjects: Array<{ type: CommentSubjectType; id: HostId }>): Promise<HostComment[]>;
  /**
   * Optional: a comment by agency staff (authorContactId null in what list() returns), written
   * from the portal's staff record page. Without it that page shows the thread with no form, and
   * staff answer in the host's own pages.
   */
  addFromStaff?(
    workspaceId: HostId,
    comment: { subjectType: CommentSubjectType; subjectId: HostId; body: string; author: HostStaffUser },
  ): Promise<HostComment>;
}

/** Keyset pagination: `after` is the opaque cursor a previous page returned as `next`. */
export interface PageRequest {
  limit: number;
  after?: string | null;
}

export interface Page<T> {
  items: T[];
  /** The cursor of the next page, or null on the last one. */
  next: string | null;
}

/**
 * A write the portal must make together with its own rows (evidence of an acceptance, a payment's
 * idempotency key): a host on the portal's database runs it in the transaction it is given, so a
 * failure leaves neither. Calendar dates are 'YYYY-MM-DD'; money is integer cents in the record's
 * currency (ISO 4217).
 */
export interface HostWrite {
  trx?: Knex.Transaction;
  /**
   * Optional: the address the client's request came from, for a host that records it with what
   * the client wrote (Dolibarr's tickets and agenda events keep an `ip`); null where unknown.
   */
  ip?: string | null;
}

export interface LineItem {
  description: string;
  quantity: number;
  unitPriceCents: number;
  /** quantity × unit price, before tax, as the host computed it. */
  totalCents: number;
  /** Percent, where the host keeps a tax rate per line; null otherwise. */
  taxRatePercent: number | null;
  /** The tax on this line in cents, where the host computes it per line; absent or null otherwise. */
  taxCents?: number | null;
  /**
   * Optional: the discount in percent the total already takes off quantity × unit price, where the
   * host keeps one per line (Dolibarr's remise_percent); absent, null or 0 for none.
   */
  discountPercent?: number | null;
}

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
  seller?: InvoiceSeller | null;
  buyer?: InvoiceBuyer | null;
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

/** A range of money in cents, both ends included: a list's search read as an amount (amountSearchOf). */
export interface AmountRange {
  fromCents: number;
  toCents: number;
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

/**
 * The agency that issues an invoice or an offer, as invoicing rules want it named on the invoice
 * (EU VAT directive art. 226: full name and address, VAT identification number). Every field the
 * host does not keep is absent or null; the PDF then leaves its line out.
 */
export interface InvoiceSeller {
  /** The registered name ("Demo Agency GmbH"), where it differs from the workspace's display name. */
  legalName?: string | null;
  /** The postal address, one line each. */
  addressLines?: string[] | null;
  /** VAT identification number ("DE123456789"). */
  vatId?: string | null;
  /** Tax number or company registration ("HRB 123456, Amtsgericht München"; UK company number). */
  registrationNumber?: string | null;
}

/** The client company as an invoice or an offer addresses it. */
export interface InvoiceBuyer {
  addressLines?: string[] | null;
  /** The client's VAT identification number or tax id, where the host keeps one. */
  taxId?: string | null;
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
  seller?: InvoiceSeller | null;
  buyer?: InvoiceBuyer | null;
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
   * Records a payment against an open invoice, turning it paid when the balance reaches zero.
   * Answers null (and records nothing) for an invoice that is not open or an amount over the balance.
   * Optional: a host that cannot record one is not paid online through the portal (no pay button).
   */
  recordPayment?(workspaceId: HostId, clientId: HostId, id: HostId, payment: NewPayment, write?: HostWrite): Promise<InvoicePayment | null>;
  /**
   * Optional: every invoice of the client that list() returns (all statuses), oldest issued first,
   * and every payment of those invoices, oldest first, in a fixed number of reads, for a statement
   * of account. Without it the portal pages through list() and reads each invoice with find().
   */
  statement?(workspaceId: HostId, clientId: HostId): Promise<InvoiceStatementData>;
}

/** What a statement of account lists: the client's invoices and their payments. */
export interface InvoiceStatementData {
  invoices: InvoiceSummary[];
  payments: Array<InvoicePayment & { invoiceId: HostId }>;
}

/** The record a document or task belongs to, where the host knows it. */
export type HostRecordType = 'proposal' | 'quotation' | 'invoice' | 'project';

export interface HostRecordRef {
  type: HostRecordType;
  id: HostId;
  /** What the client reads: a number, a title, or both. */
  label: string;
}

export interface SharedDocument {
  id: HostId;
  name: string;
  contentType: string;
  sizeBytes: number;
  sharedAt: Date;
  /** The staff member who shared it, where the host records one. */
  sharedBy: string | null;
  record: HostRecordRef | null;
}

/** A document opened for download: read `content` once, in chunks; it never holds the whole file. */
export interface DocumentContent {
  name: string;
  contentType: string;
  sizeBytes: number;
  content: Readable;
  /** The record it belongs to, as list() names it: the portal serves it only to whom may open that record. */
  record: Pick<HostRecordRef, 'type' | 'id'> | null;
}

/** Which of the shared documents DocumentsPort.list returns; every part given narrows the list. */
export interface DocumentListFilter {
  record?: { type: HostRecordType; id: HostId };
  /**
   * Text the list's rows contain, case-insensitive and taken literally (see containsPattern):
   * in the file name.
   * Absent, the list is unfiltered. It narrows the list's own statement: no read is added.
   */
  search?: string;
}

/**
 * What the host shares with one client company, newest first, scoped by workspace and client in
 * every query. A document the host no longer shares (or another client's) is simply not found.
 */
export interface DocumentsPort {
  list(workspaceId: HostId, clientId: HostId, filter: DocumentListFilter, page: PageRequest): Promise<Page<SharedDocument>>;
  open(workspaceId: HostId, clientId: HostId, id: HostId): Promise<DocumentContent | null>;
  /**
   * Optional: takes a file a client uploaded (already checked, scanned and kept by the portal) into
   * the host's own documents of that client, not shared back, so staff find it where they keep
   * files. Answers the host's id, or null when the host declines it (another workspace's client,
   * a file over the host's own limit). Read `content` once; it is the portal's stored copy. The
   * host's copy is the host's: the client deleting their upload in the portal leaves it.
   */
  accept?(
    workspaceId: HostId,
    clientId: HostId,
    file: { name: string; contentType: string; sizeBytes: number; uploadedBy: string; content: Readable },
  ): Promise<{ id: HostId } | null>;
}

/** The portal's words for a task's state; a host maps its own (in progress is open). */
export type TaskStatus = 'open' | 'done';

export interface ClientTask {
  id: HostId;
  title: string;
  description: string;
  /** 'YYYY-MM-DD', or null. */
  dueDate: string | null;
  status: TaskStatus;
  completedAt: Date | null;
  record: HostRecordRef | null;
  /** True when assigned to this contact; false when visible to the whole company. */
  assignedToContact: boolean;
}

/** Which of a contact's tasks TasksPort.list returns. */
export interface TaskListFilter {
  status: TaskStatus;
  /**
   * Text the list's rows contain, case-insensitive and taken literally (see containsPattern):
   * in the title.
   * Absent, the list is unfiltered. It narrows the list's own statement: no read is added.
   */
  search?: string;
}

/**
 * Tasks a contact sees: those assigned to them and those the host shows their whole company
 * (assigned to no contact). Scoped by workspace, client and contact in every query, so a task
 * reassigned to someone else or deleted is not found, and its status cannot be changed.
 * Open tasks come by due date (none last), done tasks newest completed first.
 */
export interface TasksPort {
  list(workspaceId: HostId, clientId: HostId, contactId: HostId, filter: TaskListFilter, page: PageRequest): Promise<Page<ClientTask>>;
  find(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId): Promise<ClientTask | null>;
  /** Marks done or reopens; answers the task as it is now, or null when the contact cannot see it. */
  setStatus(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId, status: TaskStatus): Promise<ClientTask | null>;
  /**
   * The statuses setStatus records, where the host records fewer than both (a binding file that
   * declares marking done but no reopening): the portal offers only those. Absent: both.
   */
  settable?: readonly TaskStatus[];
}

/**
 * The portal's words for where a ticket stands; a host maps its own statuses onto them. `waiting`
 * is the agency waiting on the client (Dolibarr's "need more info", a status Alga marks so);
 * `closed` is resolved, closed or cancelled: the client may reopen it, and rate it.
 */
export type TicketState = 'open' | 'waiting' | 'closed';

/**
 * The portal's names of the finer statuses hosts share (Dolibarr's and the reference CRM's),
 * translated by the portal as its own words (tickets:status.*). A host whose statuses are its
 * users' own names (Alga's boards) gives them as `statusLabel` instead.
 */
export type TicketStatusName = 'unread' | 'read' | 'assigned' | 'inProgress' | 'onHold' | 'resolved' | 'canceled';

/** One of the host's categories, types or priorities, offered on the new-ticket form. */
export interface TicketChoice {
  id: HostId;
  label: string;
}

/** What the new-ticket form offers; a list is empty where the host has none of that kind. */
export interface TicketOptions {
  categories: TicketChoice[];
  types: TicketChoice[];
  priorities: TicketChoice[];
}

export interface TicketSummary {
  id: HostId;
  /** The number the client quotes ("TS2611-0003", "TIC1002"). */
  ref: string;
  subject: string;
  state: TicketState;
  /** The host's own name of the status ("In progress"), where it has one beyond the state; null to say the state. */
  statusLabel: string | null;
  /** The status in the portal's words, where the host's is one of them; said before `statusLabel`. */
  statusName?: TicketStatusName | null;
  priority: string | null;
  category: string | null;
  openedAt: Date;
  /** The newest message or status change: lists sort by it, newest first. */
  lastActivityAt: Date;
  closedAt: Date | null;
}

/** A message of a ticket's conversation. Internal notes of the agency are never one. */
export interface TicketMessage {
  id: HostId;
  author: 'client' | 'agency';
  authorName: string;
  /** Plain text; the portal escapes it. */
  body: string;
  at: Date;
}

/** A change of a ticket's status, where the host records them. */
export interface TicketStatusChange {
  at: Date;
  state: TicketState;
  statusLabel: string | null;
  statusName?: TicketStatusName | null;
}

export interface TicketDetail extends TicketSummary {
  description: string;
  /** The name of who opened it, where the host keeps it. */
  openedBy: string | null;
  /** Oldest first; without the opening description. */
  messages: TicketMessage[];
  /** Oldest first; empty where the host keeps no history (the page then shows opened and closed). */
  history: TicketStatusChange[];
  /**
   * Optional: the client's devices the ticket is about (DevicesPort ids), as the host links them
   * (a ticket opened with "open a ticket about this device"); absent or empty where none is.
   */
  devices?: Array<{ id: HostId; name: string }>;
}

/** A ticket as the agency resolved it (TicketsPort.resolution). */
export interface TicketResolution {
  /**
   * What tells this resolution apart from an earlier one of the same ticket (reopened and resolved
   * again): the same when read again. Each resolution invites once.
   */
  occurrence: string;
  resolvedAt: Date;
  /** The contact who opened the ticket: the person invited. Null where staff opened it for the company. */
  contactId: HostId | null;
  ref: string;
  subject: string;
}

/** A survey's question as the host's template words it. */
export interface TicketSurveyTemplate {
  /** Ratings run from 1 to this. */
  scale: number;
  /** The host's name of a rating, by its number; a rating without one is said by its number. */
  labels: Record<string, string>;
  ratingType: string;
  prompt: string;
  commentPrompt: string;
  thankYou: string;
}

/** The person's survey of a ticket in the host: the template, the answer given, and whether it still takes one. */
export interface TicketSurvey {
  template: TicketSurveyTemplate;
  answer: { rating: number; comment: string | null; at: Date } | null;
  /** Why it takes no answer now: answered (the host keeps one answer), expired; null when it does. */
  closed: 'answered' | 'expired' | null;
}

/** The host's own satisfaction surveys (TicketsPort.surveys). */
export interface TicketSurveysPort {
  /**
   * The person's latest survey invitation on the ticket, with its answer; null where the host
   * invited them to none. `opening`: the person opens the survey page now (the host may record it).
   */
  find(workspaceId: HostId, clientId: HostId, contactId: HostId, ticketId: HostId, opening?: boolean): Promise<TicketSurvey | null>;
  /** The answer to that invitation, written as the host writes one: 'saved', or why it was not; null when there is no invitation. */
  answer(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    ticketId: HostId,
    answer: { rating: number; comment: string | null },
    write?: HostWrite,
  ): Promise<'saved' | 'answered' | 'expired' | 'outOfScale' | null>;
}

/**
 * A file attached to a ticket in the host itself: by the agency in its own screens (an Alga
 * document associated with the ticket, a file in Dolibarr's ticket directory, a reference CRM
 * answer's file). The portal's own uploads are not these; it keeps them beside the ticket.
 */
export interface TicketFile {
  id: HostId;
  name: string;
  contentType: string;
  sizeBytes: number;
  /** When it was attached: it is listed with the message written at that moment. */
  at: Date;
  /** The message it came with, where the host links them; null to place it by time. */
  messageId: HostId | null;
  /**
   * Optional: who attached it, where the host records it. A file with no message is then listed
   * with the message that side wrote at the same moment (a reply and its files are one act), or
   * else on its own under this name; absent, it goes with the message written at that moment.
   */
  attachedBy?: { side: 'client' | 'agency'; name: string } | null;
}

/** A ticket file's bytes, read once. */
export interface TicketFileContent {
  name: string;
  contentType: string;
  sizeBytes: number;
  content: Readable;
}

/** Which of a client's tickets list() returns. */
export interface TicketListFilter {
  /** 'open' holds open and waiting tickets. */
  state: 'open' | 'closed' | 'all';
  /** Only those waiting on the client. */
  waiting?: boolean;
  /** Text the ref or the subject contains, case-insensitive. */
  search?: string;
  /** The reader's languages, for the names of categories and priorities (see TicketsPort). */
  languages?: readonly string[];
  /** Only the tickets linked to this device of the client (DevicesPort), as the host links them. */
  deviceId?: HostId;
}

export interface NewTicket {
  subject: string;
  description: string;
  categoryId: HostId | null;
  typeId: HostId | null;
  priorityId: HostId | null;
  /** The client's files, for a host that keeps them itself (TicketsPort.keepsClientFiles); else absent. */
  files?: TicketUpload[];
  /**
   * Optional: the client's device the ticket is about (DevicesPort), linked with the ticket in the
   * same transaction as the host links them; create() returns null when it is not the client's.
   */
  deviceId?: HostId;
}

/**
 * A client's file, already received and checked by the portal (type, size, virus scanner), handed
 * to a host that keeps the client's ticket files itself.
 */
export interface TicketUpload {
  /** The portal's safe name (safeFilename): what a host that keeps names as given should keep. */
  name: string;
  /**
   * The name as the client sent it (sentFilename: base name, the checked extension, nothing else
   * dropped or cut), for a host that names a kept file with its own rules (Dolibarr); else `name`.
   */
  sentName?: string;
  contentType: string;
  sizeBytes: number;
  /** Its bytes, read once. */
  open(): Promise<Readable>;
}

/** A client's write on tickets a host may record or not (TicketsPort.offers). */
export type TicketWrite = 'create' | 'reply' | 'close' | 'reopen';

/**
 * Why a host cannot take a new ticket from a person now, whatever their form says: its own set-up
 * (no board open to them, no status to file a new ticket under, no ticket priority, no ticket
 * numbering). The form says so as the host's refusal, not as a wrong choice.
 */
export interface TicketRefusal {
  refused: 'no_board' | 'no_status' | 'no_priority' | 'no_number';
}

/**
 * Support tickets of one client company, as the host keeps them: every query scoped by workspace
 * and client, so another company's ticket is not found. `contactId` names the client's person who
 * reads or acts (the ticket's origin, a message's author): a host that shows a person only some of
 * the company's tickets (Alga's portal visibility groups) applies its rule to the reads too; one
 * without such a rule reads the company's tickets. Staff answer in the host's own screens; what
 * they write there for the client comes back through find(). `languages` (options, find, and the
 * list's filter) is the reader's order of preference: a host that keeps its categories' and
 * priorities' names in several languages gives the first of them it has, else its own name.
 */
export interface TicketsPort {
  options(workspaceId: HostId, languages?: readonly string[]): Promise<TicketOptions>;
  /** Newest activity first. */
  list(workspaceId: HostId, clientId: HostId, contactId: HostId, filter: TicketListFilter, page: PageRequest): Promise<Page<TicketSummary>>;
  find(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId, languages?: readonly string[]): Promise<TicketDetail | null>;
  /**
   * Open tickets (open or waiting) and those waiting on the client, for the dashboard: each
   * counted up to SUMMARY_COUNT_LIMIT + 1 (a subquery's limit, so an imported heap of tickets is
   * not read in full), exactly below it.
   */
  counts(workspaceId: HostId, clientId: HostId, contactId: HostId): Promise<{ open: number; waiting: number }>;
  /**
   * Null when the choices are not the host's or the client is not in the workspace; a
   * TicketRefusal when the host cannot take a ticket from this person now, whatever they chose.
   */
  create(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    ticket: NewTicket,
    write?: HostWrite,
  ): Promise<TicketSummary | TicketRefusal | null>;
  /**
   * A client's message; a waiting ticket goes back to the agency. Null when the ticket is not the
   * client's. `files`: the message's files, for a host that keeps them itself (keepsClientFiles).
   */
  reply(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    id: HostId,
    body: string,
    write?: HostWrite,
    files?: TicketUpload[],
  ): Promise<TicketMessage | null>;
  /** The client closes or reopens it. Null when the ticket is not the client's. */
  setState(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    id: HostId,
    to: 'open' | 'closed',
    write?: HostWrite,
  ): Promise<TicketSummary | null>;
  /**
   * Optional: the writes the host records, where it records fewer than all (a binding file that
   * declares no write to open a ticket): the portal offers only those, and a form or action it does
   * not offer answers 404 like a page that does not exist. Absent: all of them.
   */
  offers?: readonly TicketWrite[];
  /**
   * Optional: the files attached to the ticket in the host (see TicketFile), oldest first; empty
   * when the ticket is not the client's. A host whose files the portal cannot read has neither
   * this nor fileContent.
   */
  files?(workspaceId: HostId, clientId: HostId, ticketId: HostId): Promise<TicketFile[]>;
  /**
   * Optional: true where the host keeps the client's files itself, beside the agency's (Dolibarr's
   * ticket directory, where its staff see them): create() and reply() then take the files
   * (NewTicket.files, reply's `files`) and write them with the ticket or message, all or none, and
   * files() lists them; the portal keeps no copy. Absent or false: the portal keeps them.
   */
  keepsClientFiles?: boolean;
  /**
   * Optional, with keepsClientFiles: whether the host keeps this contact's files, where it depends
   * on who writes (Alga records the contact's client login as uploader: a contact without one
   * keeps its files in the portal). Absent: keepsClientFiles says it for every contact.
   */
  keepsClientFilesOf?(workspaceId: HostId, clientId: HostId, contactId: HostId): Promise<boolean>;
  /**
   * Optional: whether the host's own set-up lets it take a new ticket from a client of the
   * workspace now (a default board, a status for new tickets on it, a priority): the reason it
   * cannot, or null. Shown to the agency beside the tickets switch, so they learn it before a
   * client does; a person's own visibility is not asked here (create() says it to them).
   */
  readiness?(workspaceId: HostId): Promise<TicketRefusal | null>;
  /**
   * Optional: the agency's resolution of the ticket, for the satisfaction survey it invites the
   * client to: null while the ticket is open, when the client closed it themselves, or when it is
   * not this client's. Without it no survey invitation goes out (the client may still answer the
   * survey of a closed ticket from its page).
   */
  resolution?(workspaceId: HostId, clientId: HostId, ticketId: HostId): Promise<TicketResolution | null>;
  /**
   * Optional: the host keeps satisfaction surveys of its own (Alga's survey_invitations and
   * survey_responses): the survey page reads and answers them here. Without it the portal keeps
   * the answers itself, one per ticket, changeable (portal_ticket_ratings).
   */
  surveys?: TicketSurveysPort;
  /**
   * Optional, where the host keeps no surveys: the answer the portal keeps is also written on the
   * ticket where the agency works on it (Dolibarr: a private message on the ticket), in the
   * portal's transaction (`write.trx`), so the two never disagree. False when the ticket is not
   * this client's.
   */
  noteSurveyAnswer?(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    ticketId: HostId,
    answer: { rating: number; scale: number; comment: string | null },
    write?: HostWrite,
  ): Promise<boolean>;
  /** One of files(), to download; null when it is not a file of that ticket of this client. */
  fileContent?(workspaceId: HostId, clientId: HostId, ticketId: HostId, fileId: HostId): Promise<TicketFileContent | null>;
  /**
   * Optional: the ticket's page on the agency's side, where staff answer it: the CRM's own address
   * (absolute, where the CRM runs apart and its address is set) or a path on the origin the staff
   * are on (a CRM that serves the portal inside it). Null when the host has none to give.
   */
  staffPageOf?(ticketId: HostId): string | null;
}

/** A device's kind, as the portal names it; a host maps its own (Alga's asset_type) onto these. */
export type DeviceType = 'workstation' | 'networkDevice' | 'server' | 'mobileDevice' | 'printer' | 'other';
export const DEVICE_TYPES: readonly DeviceType[] = ['workstation', 'networkDevice', 'server', 'mobileDevice', 'printer', 'other'];

/** One of the devices the agency looks after for a client, as the host keeps it. */
export interface DeviceSummary {
  id: HostId;
  name: string;
  type: DeviceType;
  /** The host's own word for its status ('active', 'in repair'), shown as it is. */
  status: string;
  /** False for a device the host marks inactive (retired, disposed of). */
  active: boolean;
  serialNumber: string | null;
  assetTag: string | null;
  /** Where it stands, where the host knows it; null otherwise. */
  location: string | null;
  updatedAt: Date | null;
}

export interface DeviceDetail extends DeviceSummary {
  purchasedOn: string | null;
  /** 'YYYY-MM-DD', where the host keeps a warranty end. */
  warrantyEndsOn: string | null;
}

/** Which of a client's devices list() returns. */
interface DeviceListFilter {
  state: 'active' | 'inactive' | 'all';
  type?: DeviceType;
  /** Text the name, asset tag or serial number contains, case-insensitive. */
  search?: string;
}

/**
 * The devices the agency looks after for one client company: every query scoped by workspace and
 * client, so another company's device is not found. The tickets about a device are read through
 * TicketsPort.list (filter.deviceId), so the host's rules for which tickets a person sees apply.
 */
export interface DevicesPort {
  /** By name, then id. */
  list(workspaceId: HostId, clientId: HostId, contactId: HostId, filter: DeviceListFilter, page: PageRequest): Promise<Page<DeviceSummary>>;
  find(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId): Promise<DeviceDetail | null>;
}

/** The kinds of field a request form asks; a host maps its own onto them. */
type RequestFieldType = 'text' | 'textarea' | 'select' | 'multiselect' | 'number' | 'date' | 'checkbox' | 'file';

/** One field of a request form, as the host defines it. */
export interface RequestField {
  /** The payload's key for the answer; unique within the form. */
  key: string;
  type: RequestFieldType;
  label: string;
  /** A line under the label, where the host keeps one. */
  help: string | null;
  required: boolean;
  /** With select and multiselect: the choices, in the host's order. */
  options?: { value: string; label: string }[];
  /** With number: the bounds the host sets. */
  min?: number | null;
  max?: number | null;
}

/**
 * One thing the agency offers its clients to ask for ("Request a quote for printing"), with its
 * own form. A `quote` request is answered with a proposal or quotation the client accepts in the
 * portal; a `general` one with the agency's answer.
 */
export interface RequestDefinition {
  id: HostId;
  name: string;
  description: string;
  /** The host's grouping of its catalogue, where it has one. */
  category: string | null;
  /** The host's icon name, where it keeps one; the portal shows a generic mark for others. */
  icon: string | null;
  kind: 'general' | 'quote';
  fields: RequestField[];
}

/**
 * The portal's words for where a request stands: `submitted` (not read yet), `inReview`,
 * `answered` (the agency answered or sent a quotation), `closed`. A host maps its own statuses.
 */
export type RequestState = 'submitted' | 'inReview' | 'answered' | 'closed';

/** An answer of the client's form as the request page shows it. */
export type RequestAnswer = string | number | boolean | string[] | null;

export interface RequestSummary {
  id: HostId;
  /** The number the client quotes (REQ-0001), or the host's id where it numbers none. */
  ref: string;
  /** The definition's name at the time it was sent. */
  title: string;
  kind: 'general' | 'quote';
  state: RequestState;
  /** The host's own name of its status where it says more than the state; null to say the state. */
  statusLabel: string | null;
  submittedAt: Date;
  /** The newest change, by either side. */
  updatedAt: Date;
}

/** A proposal or quotation the agency made in answer to a request. */
interface RequestOffer {
  kind: 'proposal' | 'quotation';
  id: HostId;
  number: string;
}

export interface RequestDetail extends RequestSummary {
  /** The fields of the form as they were sent, with the client's answers (files: their names). */
  fields: RequestField[];
  answers: Record<string, RequestAnswer>;
  /** The agency's answer to the client, where it wrote one. */
  answer: string | null;
  answeredAt: Date | null;
  /** Oldest first; empty where the host keeps no history. */
  history: { at: Date; state: RequestState; statusLabel: string | null }[];
  /** The proposal or quotation the agency made in answer, where there is one. */
  offer: RequestOffer | null;
}

/** What a client sends: the definition's answers, checked against its fields by the portal. */
interface NewRequest {
  definitionId: HostId;
  answers: Record<string, RequestAnswer>;
  /**
   * The client's files, for a host that keeps them itself (ServiceRequestsPort.keepsClientFiles),
   * each with the form field it answers; else absent, and the portal keeps them.
   */
  files?: RequestUpload[];
}

/** A client's file sent with a request (see TicketUpload), and the key of the field it answers. */
export interface RequestUpload extends TicketUpload {
  fieldKey: string;
}

/** A file the client sent with a request, as the host keeps it. */
export interface RequestFile {
  id: HostId;
  name: string;
  contentType: string;
  sizeBytes: number;
  /** The key of the form field it answers. */
  fieldKey: string;
  at: Date;
}

/**
 * The agency's catalogue of services and quotes a client may ask for, and the client's requests:
 * every call scoped by workspace and client, so another company's request is not found; `contactId`
 * names the person who asks or reads (the request's requester), for a host that shows each person
 * only their own (Alga's "my requests"). The agency answers in the host's own screens; what it
 * writes there for the client comes back through find().
 */
export interface ServiceRequestsPort {
  /**
   * The definitions this person may ask for (published, visible to clients), in the host's order.
   * Optional `languages`, the reader's in order (see TicketsPort): a host that keeps names, form
   * labels and choices in several gives the first of them it has, else its own words.
   */
  definitions(workspaceId: HostId, clientId: HostId, contactId: HostId, languages?: readonly string[]): Promise<RequestDefinition[]>;
  /** One of definitions(), or null; `languages` as there. */
  definition(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    id: HostId,
    languages?: readonly string[],
  ): Promise<RequestDefinition | null>;
  /** Null when the definition is not one this person may ask for. */
  submit(workspaceId: HostId, clientId: HostId, contactId: HostId, request: NewRequest, write?: HostWrite): Promise<RequestSummary | null>;
  /** Newest first; `search` matched in the ref and the title, any case. */
  list(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    filter: { search?: string },
    page: PageRequest,
  ): Promise<Page<RequestSummary>>;
  find(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId): Promise<RequestDetail | null>;
  /**
   * Optional: the request a proposal or quotation of the client answers, for its page ("in answer
   * to your request …"); null when it answers none.
   */
  answeredBy?(workspaceId: HostId, clientId: HostId, offer: { kind: 'proposal' | 'quotation'; id: HostId }): Promise<RequestSummary | null>;
  /**
   * Optional: true where the host keeps the files a client sends with a request itself, where its
   * staff see them (Alga's submission attachments, the documents of Dolibarr's proposal or
   * ticket): submit() then takes them (NewRequest.files) and writes them with the request, all or
   * none, in the caller's transaction, and files() lists them; the portal keeps no copy. Absent or
   * false: the portal keeps them.
   */
  keepsClientFiles?: boolean;
  /**
   * Optional, with keepsClientFiles: whether the host keeps this contact's files, where it depends
   * on who sends (Alga records the contact's client login as uploader). Absent: keepsClientFiles
   * says it for every contact.
   */
  keepsClientFilesOf?(workspaceId: HostId, clientId: HostId, contactId: HostId): Promise<boolean>;
  /** Optional, with keepsClientFiles: the files sent with the request, oldest first; empty when it is not the client's. */
  files?(workspaceId: HostId, clientId: HostId, contactId: HostId, requestId: HostId): Promise<RequestFile[]>;
  /** Optional, with files: one of them to download; null when it is not a file of that request of this client. */
  fileContent?(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    requestId: HostId,
    fileId: HostId,
  ): Promise<TicketFileContent | null>;
  /**
   * Optional: the request's page on the agency's side, as TicketsPort.staffPageOf: staff
   * notifications of the client's acts on it link there. Null when the host has none to give.
   */
  staffPageOf?(id: HostId): string | null;
  /**
   * Optional: true where the host's own staff page of a request shows its thread with the client
   * and takes the agency's replies, through CustomerPortal.requestThread (the reference CRM's
   * does). Absent or false: the agency has nowhere to read or answer it, so a request has no
   * thread in the portal (its page shows none and no form, the form's route is a 404, the messages
   * page lists no request threads), whatever the comments port keeps.
   */
  staffReadsThread?: boolean;
}

/** The portal's words for where a project stands; a host maps its own statuses onto them. */
export type ProjectState = 'active' | 'onHold' | 'completed';

export interface ProjectSummary {
  id: HostId;
  /** The number the client quotes ("PJ2611-0002"); the title where the host numbers none. */
  ref: string;
  title: string;
  state: ProjectState;
  /** The host's own name of the status, where it says more than the state; null to say the state. */
  statusLabel: string | null;
  /** 0–100, as the host computes it (done tasks, declared progress); null where it has none. */
  progressPercent: number | null;
  /** 'YYYY-MM-DD', or null. */
  startDate: string | null;
  endDate: string | null;
}

/** A task of a project as the client may see it. */
export interface ProjectTask {
  id: HostId;
  title: string;
  done: boolean;
  progressPercent: number | null;
  /** 'YYYY-MM-DD', or null. */
  dueDate: string | null;
}

/** A phase or milestone of a project, with its tasks. */
export interface ProjectPhase {
  id: HostId;
  name: string;
  progressPercent: number | null;
  startDate: string | null;
  endDate: string | null;
  tasks: ProjectTask[];
}

export interface ProjectDetail extends ProjectSummary {
  description: string;
  /** In the host's order; empty where the host has no phases. */
  phases: ProjectPhase[];
  /** Tasks in no phase (all of them, for a host without phases). */
  tasks: ProjectTask[];
}

/**
 * The projects one person of a client company may see, as the host's own client portal shows them
 * (a host may show a person only public projects and those they are linked to): every query scoped
 * by workspace, client and contact. Listed by state, then newest start first.
 */
export interface ProjectsPort {
  list(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    filter: { state: ProjectState | 'all'; search?: string },
    page: PageRequest,
  ): Promise<Page<ProjectSummary>>;
  find(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId): Promise<ProjectDetail | null>;
  /**
   * Active projects, for the dashboard: counted up to SUMMARY_COUNT_LIMIT + 1 (a subquery's
   * limit), exactly below it.
   */
  countActive(workspaceId: HostId, clientId: HostId, contactId: HostId): Promise<number>;
}

/** A category of the knowledge base, named in the reader's language where the host has it. */
export interface KnowledgeCategory {
  id: HostId;
  name: string;
  /** Its published client articles (one per article, whatever its translations). */
  articles: number;
}

/**
 * A piece of an article's body, as text: hosts keep markdown (the reference CRM), BlockNote JSON
 * (Alga PSA) or editor HTML (Dolibarr), and each turns it into these, so the portal renders
 * escaped text only and never a host's markup.
 */
export interface KnowledgeBlock {
  kind: 'heading' | 'paragraph' | 'bullet' | 'numbered' | 'quote' | 'code';
  text: string;
}

export interface KnowledgeArticleSummary {
  id: HostId;
  title: string;
  category: { id: HostId; name: string } | null;
  /** The article's language as the host tags it ("en", "de_DE"), or null where it keeps none. */
  language: string | null;
  /** The opening words of the body as plain text, at most about 200 characters. */
  excerpt: string;
  /** ISO 8601, or null. */
  updatedAt: string | null;
}

export interface KnowledgeArticle extends KnowledgeArticleSummary {
  body: KnowledgeBlock[];
}

/** Which articles KnowledgeBasePort.list returns; every part given narrows the list. */
interface KnowledgeFilter {
  categoryId?: HostId;
  /** The reader's words, each matched (as a word's beginning, any case) in the title or the body. */
  words?: string[];
}

/**
 * The articles an agency published for its clients (never drafts, never internal ones), as the
 * host's own client portal shows them. Every call is scoped by workspace and client (a host may
 * keep articles per tenant, or per client); `languages` is the reader's order of preference (their
 * language, then the workspace's): of an article kept in several languages, the first of them the
 * host has is given, else any one.
 */
export interface KnowledgeBasePort {
  categories(workspaceId: HostId, clientId: HostId, languages: readonly string[]): Promise<KnowledgeCategory[]>;
  /** By title, a page at a time. */
  list(
    workspaceId: HostId,
    clientId: HostId,
    languages: readonly string[],
    filter: KnowledgeFilter,
    page: PageRequest,
  ): Promise<Page<KnowledgeArticleSummary>>;
  /** One article, in the reader's language where it has a translation in it; null when not published for clients. */
  find(workspaceId: HostId, clientId: HostId, languages: readonly string[], id: HostId): Promise<KnowledgeArticle | null>;
  /** Up to `limit` articles matching any of `words`, best first (the new-ticket form's suggestions). */
  suggest(
    workspaceId: HostId,
    clientId: HostId,
    languages: readonly string[],
    words: readonly string[],
    limit: number,
  ): Promise<KnowledgeArticleSummary[]>;
  /**
   * Optional: the titles of these articles of the workspace, in one read, for the agency's page of
   * "Was this helpful?" answers (staff, so no client and no language: the title the host keeps,
   * whatever the article's state now, a draft or one made internal since included). An id the host
   * no longer keeps is left out of the map: the page says the article was removed. Without it the
   * page names each article by its id.
   */
  titles?(workspaceId: HostId, ids: readonly HostId[]): Promise<Map<HostId, string>>;
}

/**
 * The host's own page around the portal's admin pages, so the CRM's header and main navigation stay
 * in place while staff work in the portal's settings. Optional: without it the admin pages use a
 * plain layout of their own with a way back to the host's settings.
 */
export interface HostLayoutPort {
  /**
   * A whole HTML document for the signed-in staff member: the host's header and navigation, `head`
   * inside its <head> (the portal's stylesheets and scripts), and `body` as its main content, inside
   * the host's own <main>. Synchronous, like the portal's own templates.
   */
  staffPage(req: Request, res: Response, page: { title: string; head: string; body: string }): string;
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

/** Something the agency did in the host that the client's people are to be told of. */
export interface HostNewsItem {
  kind: 'invoice' | 'proposal' | 'quotation' | 'task' | 'ticket' | 'appointment' | 'order' | 'contract';
  /**
   * An invoice `issued`; a proposal or quotation `sent` for the client's answer; a task `assigned`
   * to a contact; a ticket or an appointment `answered` by the agency; an order `shipped` (a
   * shipment of it left: the id is the order's, the occurrence the shipment's); a contract
   * `reached` (a line's use this period reached a threshold of its allowance: the number is the
   * threshold in percent, the title the line's name, the occurrence line, period and threshold)
   * (the words of hostRecordChanged's change).
   */
  happened: 'issued' | 'sent' | 'assigned' | 'answered' | 'shipped' | 'reached';
  id: HostId;
  clientId: HostId;
  number: string;
  title: string;
  /** With a task: the contact it was assigned to; with an appointment: the contact who asked for it. */
  contactId?: HostId;
  /**
   * Which happening on the record this is, where a record has many: a ticket's answers and status
   * changes each carry the host's own id of it (the same when read again), and each is told once.
   * Absent: the record is told once (an invoice issued).
   */
  occurrence?: string;
}

/**
 * What the agency issued and sent in the host, read by the portal for a host that cannot call
 * `hostRecordChanged` from its own pages (a CRM in another process or language). Optional.
 */
export interface HostNewsPort {
  /**
   * The workspace's invoices issued, offers sent, tasks assigned and tickets answered (where its
   * tickets port is on) after `cursor` (what the host can tell), with the cursor to pass next
   * time. The cursor is the adapter's own text; null is the first read, which tells what happened
   * after `startedAt` (when the portal began to follow the workspace, kept by the portal, so a
   * first read minutes or a restart later misses nothing in between) and nothing before it. An item
   * may come again in a later call (an adapter reads a little before its cursor, so a write
   * committed late is not missed): the portal tells each person once. Scoped by workspace; only
   * records the client may see (list() and find() answer them).
   */
  since(workspaceId: HostId, cursor: string | null, startedAt: Date): Promise<{ items: HostNewsItem[]; cursor: string }>;
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

/**
 * What the host's own client roles let each person do, for a host that keeps roles and permissions
 * for its client logins (Alga PSA's `roles` with `client`, `role_permissions`, `permissions`). The
 * portal's roles and overrides apply on top and never widen it (core/policies/client-access.ts
 * names what each section needs). Read once per signed-in request and on the live streams' sweep.
 */
export interface HostClientPermissionsPort {
  /**
   * Per contact of the workspace among `contactIds`, the `resource:action` pairs (e.g.
   * "billing:read") its client login holds through its roles; a contact the host has no answer
   * for (unknown, of another workspace) is left out, and then holds nothing.
   */
  of(workspaceId: HostId, contactIds: HostId[]): Promise<Map<HostId, ReadonlySet<string>>>;
}

/** Where an appointment stands: asked for, agreed, refused by the agency, agreed at a new time, called off. */
export type AppointmentStatus = 'pending' | 'confirmed' | 'declined' | 'moved' | 'cancelled';

/** What a client may book time for, and for how long. */
export interface AppointmentService {
  id: HostId;
  name: string;
  minutes: number;
}

/** A time a client may book: free in the agency's hours, far enough ahead. */
export interface AppointmentSlot {
  startsAt: Date;
  endsAt: Date;
}

export interface Appointment {
  id: HostId;
  serviceId: HostId;
  serviceName: string;
  /** The client's person who asked for it; null when the agency booked it or the contact is gone. */
  contactId: HostId | null;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  note: string;
  /** The client's IANA zone when they asked: the invitation's and the emails'. */
  timeZone: string;
  /** Optional: why the agency declined it, where it did and the host keeps its words; null or absent otherwise. */
  declineReason?: string | null;
  /**
   * Optional: why the agency called off one it had confirmed or moved, where it did and the host
   * keeps its words; null or absent otherwise (the client cancelled it, or the host keeps none).
   */
  cancelReason?: string | null;
  /**
   * Optional: with a declined one, the other times the agency offered instead, soonest first,
   * until the client takes one (AppointmentsPort.takeOffer); absent where the host keeps none.
   */
  offeredTimes?: AppointmentSlot[];
  /** The invitation's revision (iCalendar SEQUENCE): up on each move. */
  sequence: number;
  requestedAt: Date;
}

export interface NewAppointment {
  serviceId: HostId;
  startsAt: Date;
  note: string;
  timeZone: string;
}

/**
 * Why a host does not book a time: another booking holds it now ('taken', refused in the
 * database, so two clients asking at once never both get it), or it is not a time the agency
 * offers for that service ('unavailable').
 */
export interface AppointmentRefusal {
  refused: 'taken' | 'unavailable';
}

/**
 * Why a host does not book a time the agency offered: another booking holds it now ('taken'), or
 * the offer is no longer there to take ('stale': one of the times was taken already, in another
 * tab or by a colleague, or the agency withdrew them).
 */
export interface OfferRefusal {
  refused: 'taken' | 'stale';
}

/**
 * Why a host does not move an appointment to the time a client asked for: another booking holds
 * it ('taken'), it is not a time the agency offers ('unavailable'), or the appointment changed
 * since the client read it (`changed`: another reschedule, or the agency's answer, came first).
 */
export interface RescheduleRefusal {
  refused: 'taken' | 'unavailable' | 'changed';
}

/**
 * Appointments a client books with the agency, as the host keeps them: every query scoped by
 * workspace and client (another company's appointment is not found). The agency confirms,
 * declines, moves or calls them off in the host's own screens and tells the portal
 * (hostRecordChanged, or its news port): those writes are the host's, so the port has none of them.
 */
export interface AppointmentsPort {
  /**
   * The services this client may book, in the host's order (a host may offer some only under a
   * contract). Optional `languages`, the reader's in order: a host that names its services in
   * several gives the first of them it has, else the service's own name.
   */
  services(workspaceId: HostId, clientId: HostId, languages?: readonly string[]): Promise<AppointmentService[]>;
  /** Free times for the service starting in [from, to), soonest first; null when the service is not the host's. */
  freeSlots(workspaceId: HostId, serviceId: HostId, from: Date, to: Date, now: Date): Promise<AppointmentSlot[] | null>;
  /**
   * Coming up (ends after now, soonest first) or past (latest first). Optional `languages`, as
   * services(): the service's name in the reader's language where the host keeps one.
   */
  list(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    when: 'upcoming' | 'past',
    now: Date,
    page: PageRequest,
    languages?: readonly string[],
  ): Promise<Page<Appointment>>;
  /** `languages` as list(). */
  find(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId, languages?: readonly string[]): Promise<Appointment | null>;
  /** Null when the client or contact is not the workspace's. */
  request(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    wanted: NewAppointment,
    now: Date,
    write?: HostWrite,
  ): Promise<Appointment | AppointmentRefusal | null>;
  /** The client calls it off; null when it is not the client's or no longer standing. */
  cancel(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId, write?: HostWrite): Promise<Appointment | null>;
  /**
   * Optional, where the host keeps the times offered with a decline (Appointment.offeredTimes):
   * books the offered time starting at `startsAt` for the contact, as `request` books one (a new
   * appointment waiting for the agency), and takes every offer of the declined request away, so
   * an offer is taken once. Null when the declined request is not the client's.
   */
  takeOffer?(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    id: HostId,
    startsAt: Date,
    now: Date,
    write?: HostWrite,
  ): Promise<Appointment | OfferRefusal | null>;
  /**
   * Optional: the client asks for another time for a pending or confirmed appointment still to
   * come, as the host's own screens record a move request. `sequence` is the revision the client
   * read (Appointment.sequence): where it has changed since, nothing is moved ('changed'), so of
   * two reschedules at once one wins. Null when it is not the client's or no longer standing.
   */
  reschedule?(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    id: HostId,
    wanted: { startsAt: Date; sequence: number },
    now: Date,
    write?: HostWrite,
  ): Promise<Appointment | RescheduleRefusal | null>;
  /**
   * Optional: the appointment's page on the agency's side, as TicketsPort.staffPageOf: staff
   * notifications of the client's acts on it link there. Null when the host has none to give.
   */
  staffPageOf?(id: HostId): string | null;
}

/** Work the agency shared for a client's approval, one file per version, as the host keeps it. */
export interface ApprovalVersion {
  /** 1, 2, …: the agency's next upload is the next number; a version is never replaced. */
  number: number;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  /** What the agency wrote with this version. */
  message: string;
  sharedAt: Date;
}

export interface ApprovalSummary {
  id: HostId;
  title: string;
  latest: ApprovalVersion;
}

export interface ApprovalDetail {
  id: HostId;
  title: string;
  /** Newest first; the first is the one a client may decide on. */
  versions: ApprovalVersion[];
}

/** One version's file, read through the host's storage. */
export interface ApprovalFile {
  name: string;
  contentType: string;
  sizeBytes: number;
  content: Readable;
}

/** A client's decision, as the host is told it (the evidence itself is the portal's). */
export interface ApprovalDecisionNote {
  approvalId: HostId;
  title: string;
  version: number;
  outcome: 'approved' | 'changes_requested';
  comment: string;
  /** The point the comment is about, as fractions of the shown size (and the PDF's page); null for none. */
  point: { x: number; y: number; page: number | null } | null;
  contactId: HostId;
  decidedBy: string;
  /** SHA-256 of exactly the file decided, hex. */
  fileSha256: string;
  decidedAt: Date;
  /** Optional: the browser's User-Agent the decision came with, for a host that shows it beside the IP. */
  userAgent?: string | null;
}

/**
 * Approvals of work: the files the agency shares with a client for approval, version by version.
 * Every read is scoped by workspace and client (another company's is not found). The host keeps
 * the files and, where it keeps events, an event per decision (recordDecision); the decision's
 * evidence is the portal's (portal_approval_decisions).
 */
export interface ApprovalsPort {
  /** The client's approvals, latest shared first; `search` narrows by title (empty: all). */
  list(workspaceId: HostId, clientId: HostId, search: string, page: PageRequest): Promise<Page<ApprovalSummary>>;
  find(workspaceId: HostId, clientId: HostId, id: HostId, read?: HostWrite): Promise<ApprovalDetail | null>;
  /** One version's file; null when it is not this client's or there is no such version. */
  open(workspaceId: HostId, clientId: HostId, id: HostId, version: number): Promise<ApprovalFile | null>;
  /** Tells the host of a decision, where it keeps one (an agenda event, the record's status), in the caller's transaction. */
  recordDecision?(workspaceId: HostId, clientId: HostId, decision: ApprovalDecisionNote, write?: HostWrite): Promise<void>;
  /**
   * Optional: the approval's page on the agency's side, as TicketsPort.staffPageOf: staff
   * notifications of the client's acts on it link there. Null when the host has none to give.
   */
  staffPageOf?(id: HostId): string | null;
}

/** One version's file as the agency shares it, for the host to keep among the client's documents. */
export interface ApprovalVersionUpload {
  /** The approval's title, for the host's document name ("Homepage design, version 2"). */
  title: string;
  version: number;
  fileName: string;
  /** The name as staff's browser sent it (see TicketUpload.sentName); else `fileName`. */
  sentFileName?: string;
  contentType: string;
  content: Buffer;
  /** The staff member who shared it, by the host's user id: the host's document names them. */
  sharedBy: HostId;
}

/**
 * Optional, for a host that keeps documents and events but no approvals of its own (Dolibarr's
 * documents and agenda, Alga PSA's documents and interactions): the portal keeps the approvals and
 * their versions (portal_kept_approvals), the host keeps each version's file among the client's
 * documents and an event per decision. Scoped by workspace and client as every port.
 */
export interface HostApprovalFilesPort {
  /** Writes a version's file among the client's documents, in the caller's transaction (a rollback leaves nothing); the host's reference to it, or null when the client is not the workspace's. */
  keep(workspaceId: HostId, clientId: HostId, upload: ApprovalVersionUpload, write?: HostWrite): Promise<string | null>;
  /** A kept file read back by its reference; null when it is gone or not this client's. */
  open(workspaceId: HostId, clientId: HostId, fileRef: string): Promise<ApprovalFile | null>;
  /** The decision written as the host's own event on the client (and contact), in the caller's transaction. */
  recordDecision(
    workspaceId: HostId,
    clientId: HostId,
    decision: ApprovalDecisionNote & { fileRef: string; sharedBy: HostId },
    write?: HostWrite,
  ): Promise<void>;
}

/** A request type as the agency keeps it in the portal, for a host with no catalogue of its own. */
export interface CatalogueRequestType {
  id: HostId;
  name: string;
  description: string;
  fields: RequestField[];
  /** What a request becomes in the host: its priced estimate (a quote) or a ticket of `ticketType`. */
  becomes: 'proposal' | 'ticket';
  ticketType: string | null;
  active: boolean;
}

/** A calendar of the host clients may book, with the hours the agency keeps for it in the portal (null: none yet). */
export interface CatalogueCalendar {
  id: HostId;
  name: string;
  hours: CatalogueHours | null;
}

export interface CatalogueHours {
  /** ISO weekday 1–7 with 'HH:MM' opening and closing, in `timeZone`. */
  spans: { weekday: number; opens: string; closes: string }[];
  timeZone: string;
  minutes: number;
  noticeMinutes: number;
  horizonDays: number;
}

/**
 * Optional, for a host that keeps neither a catalogue of requests nor booking hours (Dolibarr): the
 * agency keeps them in the portal's admin, and the host's requests and appointments ports read
 * them. Every call scoped by workspace; an id of another workspace is not found (null / false).
 */
export interface HostPortalCataloguePort {
  requestTypes(workspaceId: HostId): Promise<CatalogueRequestType[]>;
  /** The host's ticket types a request may become ({code, label}); empty where requests become proposals only. */
  ticketTypes(workspaceId: HostId): Promise<{ code: string; label: string }[]>;
  /** Adds (id null) or changes a request type; null when the id is not the workspace's. */
  saveRequestType(workspaceId: HostId, id: HostId | null, type: Omit<CatalogueRequestType, 'id'>): Promise<HostId | null>;
  /** The host's calendars clients may be offered; empty where it has none (or the module is off). */
  calendars(workspaceId: HostId): Promise<CatalogueCalendar[]>;
  /** Sets a calendar's hours; false when the calendar is not the workspace's. */
  saveCalendarHours(workspaceId: HostId, calendarId: HostId, hours: CatalogueHours): Promise<boolean>;
}

/**
 * A client company's own details as the host keeps them on its record: the postal address its
 * invoices carry, where invoices are emailed, its VAT or tax id and its phone. A part the host does
 * not keep is null.
 */
export interface CompanyDetails {
  addressLine1: string | null;
  addressLine2: string | null;
  postalCode: string | null;
  city: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  countryCode: string | null;
  billingEmail: string | null;
  phone: string | null;
  taxId: string | null;
}

export type CompanyDetailsField = keyof CompanyDetails;

/** One field a change wrote: its value before and after. */
export interface CompanyDetailsChange {
  field: CompanyDetailsField;
  from: string | null;
  to: string | null;
}

/**
 * The company's details, read and changed by its client admin, written to the host's own record as
 * the host's own screen writes it (the columns, the modification stamp, the tenant or entity). Every
 * query scoped by workspace and client.
 */
export interface CompanyDetailsPort {
  /** The fields the host lets a client change; the others are shown read only. */
  editable: readonly CompanyDetailsField[];
  /** Null for a client not in the workspace. */
  read(workspaceId: HostId, clientId: HostId, write?: HostWrite): Promise<CompanyDetails | null>;
  /**
   * Writes the given fields (only editable ones), in `write.trx` when given, and answers the
   * details before and after; null for a client not in the workspace, or one the host cannot write
   * (an Alga client without a location is one: the agency adds it first).
   */
  update(
    workspaceId: HostId,
    clientId: HostId,
    changes: Partial<CompanyDetails>,
    write?: HostWrite,
  ): Promise<{ before: CompanyDetails; after: CompanyDetails } | null>;
}

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

/** How an allowance is counted: hours of work, or units of a service (visits, licences, devices). */
export type AllowanceMeasure = 'hours' | 'units';

/** What a contract line allows in one period and how much of it is used. */
export interface ContractAllowance {
  measure: AllowanceMeasure;
  /** The unit's name as the host keeps it where counted in units ("licences"); null for hours. */
  unitName: string | null;
  /** The period (YYYY-MM-DD, the start within it, the end not), or null where the host keeps no usage for today. */
  periodStart: string | null;
  periodEnd: string | null;
  /** What the period allows, anything rolled over from the one before included. */
  total: number;
  used: number;
}

export type ContractState = 'active' | 'upcoming' | 'ended';

export interface ContractLineSummary {
  id: HostId;
  name: string;
  description: string | null;
  /** How many of the line's service the contract includes, where the host keeps a number. */
  quantity: number | null;
  /** YYYY-MM-DD, or null where the line runs with its contract. */
  startsOn: string | null;
  endsOn: string | null;
  /** An allowance (hours, units) and today's period of it; null for a line without one. */
  allowance: ContractAllowance | null;
}

export interface ContractSummary {
  id: HostId;
  /** The host's number for it ("CT2611-0001"), where it keeps one. */
  reference: string | null;
  name: string;
  state: ContractState;
  /** YYYY-MM-DD, or null. */
  startsOn: string | null;
  endsOn: string | null;
  lines: ContractLineSummary[];
}

interface ContractDetail extends ContractSummary {
  description: string | null;
}

/** One period of an allowance: what it allowed and what was used in it. */
export interface AllowancePeriod {
  /** YYYY-MM-DD, the start within the period, the end not. */
  start: string;
  end: string;
  total: number;
  used: number;
}

/** A piece of work counted against an allowance, as the agency recorded it. */
export interface ContractTimeEntry {
  id: HostId;
  /** YYYY-MM-DD, the day the work was done. */
  date: string;
  /** Hours, or units where the allowance counts units. */
  amount: number;
  description: string;
  /** Who did the work, as the host names them; null where it keeps no name. */
  by: string | null;
}

/**
 * A client's contracts with the agency, their lines, and what each allowance allows and has used,
 * as the host's own screens compute it. Every call is scoped by workspace and client: another
 * company's contract is not found (null). `today` (YYYY-MM-DD, the reader's day) chooses the
 * current period, unless the host's own client pages count by a day of their own (Alga PSA: the
 * UTC day). Only contracts the host shows a client (never templates; a draft only where the host's
 * own client pages show it).
 */
export interface ContractsPort {
  /** Running ones first, then upcoming, then ended; each with its lines and today's period of each allowance. */
  list(workspaceId: HostId, clientId: HostId, today: string): Promise<ContractSummary[]>;
  find(workspaceId: HostId, clientId: HostId, contractId: HostId, today: string): Promise<ContractDetail | null>;
  /** A line's periods, newest first, at most `limit`; null when the line is not the contract's or has no allowance. */
  history(
    workspaceId: HostId,
    clientId: HostId,
    contractId: HostId,
    lineId: HostId,
    today: string,
    limit: number,
  ): Promise<{ line: ContractLineSummary; periods: AllowancePeriod[] } | null>;
  /** The work counted in one period of a line, by day; null when the line is not the contract's. */
  entries(
    workspaceId: HostId,
    clientId: HostId,
    contractId: HostId,
    lineId: HostId,
    period: { start: string; end: string },
  ): Promise<ContractTimeEntry[] | null>;
  /**
   * Optional: the contract's page on the agency's side, as TicketsPort.staffPageOf, which lists the
   * client's asks for more hours and answers them (CustomerPortal.contractHours). Staff
   * notifications of an ask link there. Without it, clients are not offered to ask for more hours.
   */
  staffPageOf?(id: HostId): string | null;
}

export interface HostAdapter {
  /** Shown in logs and the audit report. */
  name: string;
  /** Where the host keeps what this adapter uses; checked against the schema before the portal starts. */
  claims: HostClaim[];
  workspaces: WorkspacesPort;
  clients: ClientsPort;
  contacts: ContactsPort;
  staff: StaffPort;
  summaries: SummariesPort;
  /** Present when the host keeps client passwords (claim 'clientCredentials'). */
  credentials?: ClientCredentialsPort;
  /** Present when the host keeps comments (claim 'comment'); otherwise the portal keeps its own. */
  comments?: CommentsPort;
  /** Proposals and quotations (claims 'proposal', 'quotation'); without it those sections do not exist. */
  offers?: OffersPort;
  /** Invoices and payments (claims 'invoice', 'payment'); without it the invoices section does not exist. */
  invoices?: InvoicesPort;
  /** Documents the host shares with clients (claim 'document'); without it only the client's own uploads are listed. */
  documents?: DocumentsPort;
  /** Tasks (claim 'task'); without it the tasks section does not exist. */
  tasks?: TasksPort;
  /** Support tickets (claim 'ticket'); without it the tickets section does not exist. */
  tickets?: TicketsPort;
  /** Client projects (claim 'project'); without it the projects section does not exist. */
  projects?: ProjectsPort;
  /** The knowledge base's published client articles; without it the Help section does not exist. */
  knowledgeBase?: KnowledgeBasePort;
  /** Service and quote requests; without it the requests section does not exist. */
  requests?: ServiceRequestsPort;
  /** Appointments clients book with the agency; without it the appointments section does not exist. */
  appointments?: AppointmentsPort;
  /** Work shared for the client's approval; without it the approvals section does not exist. */
  approvals?: ApprovalsPort;
  /** Where the host keeps the files and events of approvals the portal keeps, for a host without approvals of its own. */
  approvalFiles?: HostApprovalFilesPort;
  /** Request types and booking hours kept in the portal's admin, for a host without its own; without it no such page. */
  portalCatalogue?: HostPortalCataloguePort;
  /** The client company's own details, read and changed from the portal; without it the Company page does not exist. */
  companyDetails?: CompanyDetailsPort;
  /** A client's orders and deliveries; without it the orders section does not exist. */
  orders?: OrdersPort;
  /** The devices the agency looks after for clients; without it the devices section does not exist. */
  devices?: DevicesPort;
  /** The client's contracts and the usage of their allowances; without it the contracts section does not exist. */
  contracts?: ContractsPort;
  /** The host's page around the portal's admin pages; without it they have a layout of their own. */
  layout?: HostLayoutPort;
  /** Links from the portal's staff record pages to the host's own; without it there are none. */
  recordPages?: HostRecordPagesPort;
  /** Invoices issued and offers sent, polled for clients' notifications; without it the host reports them with hostRecordChanged. */
  news?: HostNewsPort;
  /** Stripe keys the host keeps; a workspace's own keys (portal settings) come first, the environment's after. */
  stripeKeys?: HostStripeKeysPort;
  /**
   * The host's own client permissions; with it a person sees only what both the host's roles and
   * the portal's access allow. Without it the portal's access alone decides.
   */
  clientPermissions?: HostClientPermissionsPort;
}
