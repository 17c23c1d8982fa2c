// The host port of comments on records (CommentsPort): the threads on a proposal, quotation,
// invoice or request, kept in the host's own table where it has one. What the portal needs from the
// host CRM for this feature, beside the core's ports (src/core/ports/host.ts). A host binding
// implements it; the declaration at the end adds it to HostAdapter, so the core names no feature.
import type { HostId, HostStaffUser } from '../../core/index.ts';

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

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** Present when the host keeps comments (claim 'comment'); otherwise the portal keeps its own. */
    comments?: CommentsPort;
  }
}
