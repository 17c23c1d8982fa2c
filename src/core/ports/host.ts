// The adapter ports: everything the portal needs from the host CRM, and nothing more.
// A host binding in plugins/<crm>/ implements HostAdapter. Ids are strings so integer, uuid and
// composite-key hosts all fit; every lookup takes the workspace id so no port can answer across
// tenants. Here are the ports and words every feature shares; each feature's own port lives in
// its folder (src/features/<name>/port.ts) and adds itself to HostAdapter from there.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import type { BuyerParty, SellerParty } from './commercial-records.ts';

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
  seller: SellerParty | null;
  buyer: BuyerParty | null;
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
 * The audit's names for what a CRM may keep that every feature shares (see audit/report-schema.ts).
 * A claim says the adapter relies on that concept living in the host, and where.
 */
export const CORE_HOST_CONCEPTS = ['workspace', 'company', 'contact', 'staffUser', 'clientCredentials'] as const;

/**
 * The names a feature adds for what a host keeps of its records, one entry a feature (its name:
 * its concepts), merged in from the feature's own host-concepts.ts, as its port is merged into
 * HostAdapter. src/features/host-concepts.ts lists the same constants for the audit.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging from each feature.
export interface FeatureHostConcepts {}

export type HostConcept = (typeof CORE_HOST_CONCEPTS)[number] | FeatureHostConcepts[keyof FeatureHostConcepts];

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

/**
 * What a host binding gives the portal: the core's ports here, and each feature's own port, which
 * the feature's port.ts adds to this interface (`declare module`), optional but for the dashboard's
 * summaries.
 */
export interface HostAdapter {
  /** Shown in logs and the audit report. */
  name: string;
  /** Where the host keeps what this adapter uses; checked against the schema before the portal starts. */
  claims: HostClaim[];
  workspaces: WorkspacesPort;
  clients: ClientsPort;
  contacts: ContactsPort;
  staff: StaffPort;
  /** Present when the host keeps client passwords (claim 'clientCredentials'). */
  credentials?: ClientCredentialsPort;
  /** The host's page around the portal's admin pages; without it they have a layout of their own. */
  layout?: HostLayoutPort;
  /**
   * The host's own client permissions; with it a person sees only what both the host's roles and
   * the portal's access allow. Without it the portal's access alone decides.
   */
  clientPermissions?: HostClientPermissionsPort;
}
