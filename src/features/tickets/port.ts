// The host port of support tickets, their files and satisfaction surveys (TicketsPort): what the
// portal needs from the host CRM for this feature, beside the core's ports (src/core/ports/host.ts). A
// host binding implements it; the declaration at the end adds it to HostAdapter, so the core names no
// feature.
import type { Readable } from 'node:stream';
import type { HostId, HostWrite, Page, PageRequest } from '../../core/index.ts';

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

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** Support tickets (claim 'ticket'); without it the tickets section does not exist. */
    tickets?: TicketsPort;
  }
}
