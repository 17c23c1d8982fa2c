// The hooks a plugin (the client portal's binding, the metrics, the development outbox) gives the
// reference CRM, and what the CRM hands back to it. A module of its own, not part of app.ts: the
// CRM's route files name these types, and app.ts imports those route files, so kept in app.ts they
// would close an import cycle through every route.
import type express from 'express';
import type { Readable } from 'node:stream';

export interface CrmPlugin {
  /** Mounted before the CRM's own session middleware (the plugin brings its own cookie). */
  mountPublic?(app: express.Express): void;
  /** Mounted after the CRM staff session middleware; `requireStaff` redirects to the staff sign-in. */
  mountStaff?(app: express.Express, helpers: CrmStaffHelpers): void;
  /** Extra links in the CRM's Settings area for this staff user. */
  settingsPages?(staff: { id: string; workspaceId: string; role: 'admin' | 'member' }): Promise<Array<{ label: string; href: string }>>;
  /** Extra links on a proposal, quotation or invoice page (e.g. the client portal's record page). */
  recordLinks?(
    staff: { id: string; workspaceId: string; role: 'admin' | 'member' },
    record: { kind: 'proposal' | 'quotation' | 'invoice'; id: string; clientId: string },
  ): Promise<Array<{ label: string; href: string }>>;
  /** Links in the CRM's header for this staff user, with a count (e.g. unread notifications). */
  headerItems?(staff: {
    id: string;
    workspaceId: string;
    role: 'admin' | 'member';
  }): Promise<Array<{ label: string; href: string; count: number; countText?: string; unreadWord?: string }>>;
  /**
   * Staff changed a client's document or task in the CRM's own pages (after the write committed),
   * e.g. so the client portal's open pages of that client refresh. A failing plugin never fails
   * the staff's request: the CRM logs it and carries on.
   */
  recordChanged?(change: CrmRecordChange): Promise<void>;
  /**
   * A staff member signed out (after their session was destroyed), e.g. so the client portal's
   * live streams on their pages end with the session. A failing plugin never fails the sign-out.
   */
  staffSignedOut?(staff: { id: string; workspaceId: string }): Promise<void>;
  /**
   * Files a plugin keeps for a ticket (the client portal: those the client attached there), for
   * the staff page of the ticket, oldest first. The CRM has found the ticket in the staff
   * member's workspace before it asks.
   */
  ticketFiles?(staff: { id: string; workspaceId: string }, ticket: CrmTicketRef): Promise<CrmTicketFile[]>;
  /**
   * The answer to the ticket's satisfaction survey a plugin keeps (the client portal's), for the
   * ticket's staff page; null when there is none. The CRM has found the ticket first.
   */
  ticketSurvey?(staff: { id: string; workspaceId: string }, ticket: CrmTicketRef): Promise<CrmSurveyAnswer | null>;
  /**
   * A company's satisfaction: how many answered, their average and the newest answers, for the
   * client's staff page; null when the plugin keeps none there. The CRM has found the client first.
   */
  companySurveys?(staff: { id: string; workspaceId: string }, client: { id: string }): Promise<CrmCompanySurveys | null>;
  /** One of ticketFiles(), to download; null when it is not a file of that ticket. */
  ticketFileContent?(staff: { id: string; workspaceId: string }, ticket: CrmTicketRef, fileId: string): Promise<CrmFileContent | null>;
  /**
   * Files a plugin keeps for a client's service or quote request (the client portal: those sent
   * with its form), for the request's staff page, oldest first; the CRM has found the request in
   * the staff member's workspace before it asks.
   */
  requestFiles?(staff: { id: string; workspaceId: string }, request: CrmTicketRef): Promise<CrmRequestFile[]>;
  /** One of requestFiles(), to download; null when it is not a file of that request. */
  requestFileContent?(staff: { id: string; workspaceId: string }, request: CrmTicketRef, fileId: string): Promise<CrmFileContent | null>;
  /**
   * The client's asks for more hours a plugin keeps for a contract (the client portal: those made
   * on its contract page), pending first, for the contract's staff page. The CRM has found the
   * contract in the staff member's workspace before it asks.
   */
  contractHourRequests?(staff: { id: string; workspaceId: string }, contract: CrmTicketRef): Promise<CrmHourRequest[]>;
  /**
   * Staff's answer to a pending ask of contractHourRequests(), with words for the client: 'gone'
   * when it is no longer pending (withdrawn or answered meanwhile) or not this plugin's. The
   * answer never changes the line's allowance: staff change it themselves.
   */
  answerContractHourRequest?(
    staff: { id: string; workspaceId: string },
    contract: CrmTicketRef,
    requestId: string,
    answer: { answer: 'agreed' | 'declined'; note: string },
  ): Promise<'answered' | 'gone'>;
  /**
   * The thread a plugin keeps on a client's request (the client portal: the client's messages and
   * the agency's replies), oldest first, for the request's staff page; null when it keeps none. The
   * CRM has found the request in the staff member's workspace before it asks.
   */
  requestThread?(staff: { id: string; workspaceId: string }, request: CrmTicketRef): Promise<CrmRequestThread | null>;
  /**
   * A staff member's reply in that thread, checked by the CRM (1 to 5000 characters); the plugin
   * tells the client. Resolves false when the plugin takes no reply on it.
   */
  requestReply?(staff: CrmStaffAuthor, request: CrmTicketRef & { ref: string; title: string }, body: string): Promise<boolean>;
}

/** A client's ask for more hours on a contract line, as a plugin keeps it. */
export interface CrmHourRequest {
  id: string;
  lineId: string;
  hours: number;
  scope: 'this_period' | 'from_now_on';
  /** YYYY-MM-DD, the period asked for (the end is the day after it); null from now on. */
  periodStart: string | null;
  periodEnd: string | null;
  note: string | null;
  /** Who asked, by their sign-in email; null once their data was erased. */
  askedBy: string | null;
  askedAt: Date;
  state: 'pending' | 'answered' | 'withdrawn';
  answer: 'agreed' | 'declined' | null;
  answerNote: string | null;
  answeredAt: Date | null;
}

/** Who replies: the signed-in staff member, ids as strings. */
interface CrmStaffAuthor {
  id: string;
  workspaceId: string;
  name: string;
  email: string;
  role: 'admin' | 'member';
}

export interface CrmRequestThread {
  messages: Array<{ id: string; by: string; fromClient: boolean; at: Date; body: string }>;
  /** Whether staff reply here (else in the plugin's own pages). */
  canReply: boolean;
}

export interface CrmRequestFile {
  /** The plugin's own id of the file, as requestFileContent takes it back. */
  id: string;
  name: string;
  sizeBytes: number;
  /** The key of the form field it answers. */
  field: string;
  at: Date;
}

/** A ticket of the staff member's workspace, and the client it is for; ids as strings. */
interface CrmTicketRef {
  id: string;
  clientId: string;
}

export interface CrmTicketFile {
  /** The plugin's own id of the file, as ticketFileContent takes it back. */
  id: string;
  name: string;
  sizeBytes: number;
  /** Who attached it, by name. */
  by: string;
  at: Date;
}

/** An answer to a ticket's survey: its rating out of `scale`, and the comment. */
export interface CrmSurveyAnswer {
  ticketId: string;
  rating: number;
  scale: number;
  comment: string | null;
  at: Date;
}

export interface CrmCompanySurveys {
  count: number;
  average: number | null;
  scale: number;
  recent: CrmSurveyAnswer[];
}

export interface CrmFileContent {
  name: string;
  contentType: string;
  sizeBytes: number;
  content: Readable;
}

/**
 * A client's record that staff changed; ids as strings, like every hook's. `happened` says what the
 * client is to be told of: a document shared, a task assigned, an invoice issued, an offer sent, a
 * ticket answered, a version of work requested for approval, an order shipped, a contract line's
 * allowance reached a threshold.
 */
export interface CrmRecordChange {
  workspaceId: string;
  clientId: string;
  kind:
    | 'document'
    | 'task'
    | 'invoice'
    | 'proposal'
    | 'quotation'
    | 'ticket'
    | 'request'
    | 'appointment'
    | 'approval'
    | 'order'
    | 'contract';
  id: string;
  happened?: 'shared' | 'assigned' | 'issued' | 'sent' | 'answered' | 'requested' | 'confirmed' | 'shipped' | 'reached';
  title?: string;
  number?: string;
  contactId?: string;
  /**
   * What tells this happening apart from the record's earlier ones (a ticket's answer, an approval's
   * version, an order's shipment, a line's period and threshold; see HostRecordChange.occurrence).
   */
  occurrence?: string;
}

export interface CrmStaffHelpers {
  /** Lets signed-in staff through; sends anyone else to the CRM sign-in page. */
  requireStaff: express.RequestHandler;
  /**
   * The CRM session's CSRF token, for forms a plugin renders on staff routes: send it back as a
   * `_csrf` field or an `X-CSRF-Token` header (multipart forms: `?_csrf=` on the action URL).
   */
  csrfToken(req: express.Request): string;
}
