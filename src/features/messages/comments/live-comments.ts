// The CommentsPort with live events, and the records it keeps threads on: after a comment is added
// (through whichever port keeps comments, the host's or the portal's), a comment-created event
// tells open pages of both sides (the client's messages page, with its per-record threads, and the
// agency's inbox). The add itself is the host's write, outside any portal transaction, so the
// event is recorded after it.
import type { Knex } from 'knex';
import { type EventBus, recordAndAnnounce } from '../../../core/index.ts';
import type { CommentsPort, CommentSubjectType } from '../port.ts';

interface CommentAdded {
  workspaceId: string;
  clientId: string;
  subjectType: CommentSubjectType;
  subjectId: string;
  commentId: string;
}

export interface LiveCommentsPort extends CommentsPort {
  /** Called by the portal once a comment (a client's, or staff's on the record page) is added. */
  commentAdded?(added: CommentAdded): Promise<void>;
  /** Whether the port keeps comments on this type of record (CommentsPort.subjectTypes): without, the record has no thread. */
  covers(type: CommentSubjectType): boolean;
}

/** What a port that declares no subjectTypes keeps comments on: what every port kept before requests had threads. */
const FIRST_SUBJECT_TYPES: readonly CommentSubjectType[] = ['proposal', 'quotation', 'invoice'];

export function withLiveComments(
  port: CommentsPort,
  deps: { db: Knex; bus: EventBus; onError: (message: string, err: unknown) => void },
): LiveCommentsPort {
  const subjectTypes = port.subjectTypes ?? FIRST_SUBJECT_TYPES;
  return {
    subjectTypes,
    covers: (type) => subjectTypes.includes(type),
    list: (workspaceId, subject) => port.list(workspaceId, subject),
    add: (workspaceId, comment) => port.add(workspaceId, comment),
    ...(port.listMany ? { listMany: port.listMany.bind(port) } : {}),
    ...(port.addFromStaff ? { addFromStaff: port.addFromStaff.bind(port) } : {}),
    commentAdded: (added) =>
      recordAndAnnounce(
        deps.db,
        deps.bus,
        {
          type: 'comment-created',
          workspaceId: added.workspaceId,
          clientId: added.clientId,
          data: { subjectType: added.subjectType, subjectId: added.subjectId, commentId: added.commentId },
        },
        deps.onError,
      ),
  };
}
