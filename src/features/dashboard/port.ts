// The host port of the dashboard's counts and first rows of each list (SummariesPort): what the portal
// needs from the host CRM for this feature, beside the core's ports (src/core/ports/host.ts). A host
// binding implements it; the declaration at the end adds it to HostAdapter, so the core names no
// feature.
import type { HostId } from '../../core/index.ts';
import type { OfferSummary } from '../offers/index.ts';
import type { InvoiceSummary } from '../invoices/index.ts';
import type { SharedDocument } from '../documents/index.ts';
import type { ClientTask } from '../tasks/index.ts';
import type { Appointment } from '../appointments/index.ts';

export interface MoneyTotal {
  currency: string;
  cents: number;
}

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

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    summaries: SummariesPort;
  }
}
