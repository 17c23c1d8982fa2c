export { AddCommentCommand, COMMENT_MAX_LENGTH } from './comments/commands.ts';
export type { LiveCommentsPort } from './comments/live-comments.ts';
export { type CommentSubject, type ThreadView, addComment, loadThread } from './comments/thread.ts';
export { wantsMessageEmails } from './handlers.ts';
export { markRecordThreadRead } from './threads.ts';
