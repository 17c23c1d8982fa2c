// Messages: the client ↔ agency feed with attachments, threads (comments) on proposals, quotations,
// invoices and requests, the staff's inbox, and the digest of unread messages by email.
import { messagesManifest } from './manifest.ts';
import type { CoreServices, Feature } from '../../core/index.ts';
import type { Router } from 'express';
import { createPortalComments } from './comments/portal-comments.ts';
import { withLiveComments, type LiveCommentsPort } from './comments/live-comments.ts';
import { createMessageDigest, type MessageDigest } from './digest.ts';
import { createMessageHandlers } from './handlers.ts';
import { messagesPersonalData } from './personal-data.ts';
import { MESSAGES_PATH, messageRoutes } from './routes.ts';
import { createMessagesService, type MessagesServiceDeps } from './service.ts';
import { createStaffHandlers } from './staff-handlers.ts';
import { staffMessagesRouter } from './staff-router.ts';
import { staffMessageRoutes } from './staff-routes.ts';

export { AddCommentCommand, COMMENT_MAX_LENGTH } from './comments/commands.ts';
export type { LiveCommentsPort } from './comments/live-comments.ts';
export type { CommentsPort } from './port.ts';
export { type CommentSubject, type ThreadView, addComment, commentExcerpt, loadThread } from './comments/thread.ts';
export type { MessageDigest } from './digest.ts';
export { sendKeptAttachment, wantsMessageEmails } from './handlers.ts';
export { unreadInConversation } from './queries.ts';
export { staffUnreadCount } from './staff-handlers.ts';
export { markRecordThreadRead } from './threads.ts';

const DIGEST_INTERVAL_MS = 60_000;

/**
 * The feature; the comments every record page threads (the host's when it keeps them, else the
 * portal's); the staff inbox, mounted by the host at config.messagesPath; and the digest (run() for tests).
 */
export function messagesFeature(
  core: CoreServices,
  hooks: Pick<MessagesServiceDeps, 'staffMessageSent'> = {},
): Feature & { comments: LiveCommentsPort; inbox: Router; digest: MessageDigest } {
  const {
    db,
    adapter,
    staffAdapter,
    staffPagesShown,
    flags,
    config,
    links,
    mailer,
    storage,
    events,
    virusScanner,
    streamRules,
    now,
    logger,
    limiter,
    workspaces,
  } = core;
  const onError = (message: string, err: unknown) => logger.error(message, err);
  const comments = withLiveComments(adapter.comments ?? createPortalComments(db, adapter.contacts), { db, bus: events, onError });
  const service = createMessagesService({ db, bus: events, storage, logger, ...hooks });
  const digest = createMessageDigest({ db, adapter, mailer, config, links, now, logger });
  const storageQuotaBytes = config.workspaceStorageQuotaBytes;
  return {
    name: messagesManifest.name,
    needs: { ports: [] },
    comments,
    digest,
    personalData: messagesPersonalData({ db, storage, comments, portalKeepsComments: adapter.comments === undefined }),
    clientRoutes: [
      messageRoutes(
        createMessageHandlers({
          db,
          adapter,
          comments,
          storage,
          bus: events,
          service,
          virusScanner,
          now,
          streamRules,
          storageQuotaBytes,
          limiter,
        }),
      ),
    ],
    // A message with attachments carries its CSRF token in its body, checked as it is read (receiveForm).
    multipartPaths: [MESSAGES_PATH],
    inbox: staffMessagesRouter({
      workspaces,
      adapter: staffAdapter,
      staffPagesShown,
      flags,
      config,
      routes: staffMessageRoutes(createStaffHandlers({ db, adapter, storage, virusScanner, bus: events, service, storageQuotaBytes })),
    }),
    jobs: [
      {
        name: 'message digest',
        everyMs: DIGEST_INTERVAL_MS,
        run: () => void digest.run().catch((err) => logger.error('message digest failed', err)),
      },
    ],
  };
}
