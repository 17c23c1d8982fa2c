// A request's thread for the host's own staff page of it: the client's messages and the agency's
// replies, oldest first, and a reply written there. The host has found the request in the staff
// member's workspace and names its client (and its ref and title, for the client's notification);
// the thread is read and written through the comments port, as the client's page does. A reply is
// announced to the client's open pages and tells the client's people who may open the request (a
// client notification, by email as each chose), saying which request and what was said in brief.
import type { HostStaffUser } from '../../core/index.ts';
import type { ClientEvent } from '../client-notifications/index.ts';
import { AddCommentCommand, commentExcerpt, type LiveCommentsPort } from '../messages/index.ts';
import { parsedRef, type StaffRequestRef } from './staff-files.ts';

export interface StaffRequestThreadView {
  /** Oldest first. */
  messages: Array<{ id: string; by: string; fromClient: boolean; at: Date; body: string }>;
  /** False where the comments port takes no staff comments (CommentsPort.addFromStaff): staff reply in the host then. */
  canReply: boolean;
}

export function staffRequestThread(deps: {
  comments: LiveCommentsPort;
  notify: (event: ClientEvent) => Promise<number>;
  onError: (message: string, err: unknown) => void;
}) {
  const { comments } = deps;
  return {
    /** The thread, or null where the comments port keeps none on requests. */
    async list(request: StaffRequestRef): Promise<StaffRequestThreadView | null> {
      const ref = parsedRef(request);
      if (!ref || !comments.covers('request')) return null;
      const list = await comments.list(ref.workspaceId, { type: 'request', id: ref.requestId });
      return {
        messages: list.map((c) => ({ id: c.id, by: c.authorName, fromClient: c.authorContactId !== null, at: c.createdAt, body: c.body })),
        canReply: comments.addFromStaff !== undefined,
      };
    },

    /**
     * Adds the staff member's reply; false where the thread takes no reply from here. Throws a
     * TypeError for a body the client's own form would refuse (empty, too long): the host checks first.
     */
    async reply(request: StaffRequestRef & { ref: string; title: string }, author: HostStaffUser, body: string): Promise<boolean> {
      const ref = parsedRef(request);
      const input = AddCommentCommand.safeParse({ body });
      if (!input.success) throw new TypeError('a reply is 1 to 5000 characters of text');
      if (!ref || !comments.covers('request') || !comments.addFromStaff) return false;
      const subject = { subjectType: 'request' as const, subjectId: ref.requestId };
      const comment = await comments.addFromStaff(ref.workspaceId, { ...subject, body: input.data.body, author });
      await comments.commentAdded?.({ workspaceId: ref.workspaceId, clientId: ref.clientId, ...subject, commentId: comment.id });
      // The reply is written: a failure to tell is logged, and the client reads it on the page anyway.
      await deps
        .notify({
          workspaceId: ref.workspaceId,
          clientId: ref.clientId,
          kind: 'request_reply',
          subjectType: 'request',
          subjectId: ref.requestId,
          occurrence: `comment:${comment.id}`,
          title: request.title,
          number: request.ref,
          detail: { what: 'reply', excerpt: commentExcerpt(input.data.body) },
        })
        .catch((err: unknown) => deps.onError('could not tell the client of a reply on a request', err));
      return true;
    },
  };
}

export type StaffRequestThread = ReturnType<typeof staffRequestThread>;
