// The host port of work shared for approval, and the files of the approvals the portal keeps
// (ApprovalsPort, HostApprovalFilesPort): what the portal needs from the host CRM for this feature,
// beside the core's ports (src/core/ports/host.ts). A host binding implements it; the declaration at
// the end adds it to HostAdapter, so the core names no feature.
import type { Readable } from 'node:stream';
import type { HostId, HostWrite, Page, PageRequest } from '../../core/index.ts';

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

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** Work shared for the client's approval; without it the approvals section does not exist. */
    approvals?: ApprovalsPort;
    /** Where the host keeps the files and events of approvals the portal keeps, for a host without approvals of its own. */
    approvalFiles?: HostApprovalFilesPort;
  }
}
