// The client's messages: the conversation with the agency, the record threads beside it, sending
// (with attachments where the workspace allows uploads), downloading attachments, the live stream,
// and the message-email preference.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  attachmentLimitBytes,
  attachmentRefusalMessage,
  attachmentRefusalStatus,
  clientCan,
  clientChannel,
  type ClientStreamRules,
  type EventBus,
  type FieldErrors,
  type FileStorage,
  formAnswerStatus,
  type HostAdapter,
  HttpError,
  isFragmentRequest,
  latestLiveSeq,
  limitPerPerson,
  notFound,
  openLiveStream,
  parseParam,
  portalContext,
  portalI18n,
  type ReceivedAttachmentsForm,
  receiveAttachmentsForm,
  removeReceived,
  POSTING_LIMITS,
  type RateLimiter,
  renderPortalPage,
  signedInClient,
  translateFieldErrors,
  type VirusScanner,
} from '../../core/index.ts';
import { AttachmentIdParam, type MessageEmailsInput, type SendMessageInput } from './commands.ts';
import { presentMessages } from './presenters.ts';
import type { LiveCommentsPort } from './comments/live-comments.ts';
import {
  findAttachment,
  findConversation,
  listMessages,
  messageEmailsWanted,
  seenByOtherSide,
  setMessageEmails,
  threadReadTimes,
} from './queries.ts';
import { CONVERSATION_PAGE, MESSAGE_MAX_LENGTH, type MessagesService } from './service.ts';
import { listRecordThreads, recordHref, unreadComments } from './threads.ts';
import { presentUploadTypes } from '../documents/index.ts';

export interface MessageHandlersDeps {
  db: Knex;
  adapter: HostAdapter;
  comments: LiveCommentsPort;
  storage: FileStorage;
  bus: EventBus;
  service: MessagesService;
  virusScanner?: VirusScanner | undefined;
  now: () => Date;
  /** What the stream is held to once open: the switches as they are now, the session, the caps. */
  streamRules: ClientStreamRules;
  /** config.workspaceStorageQuotaBytes: what the workspace's uploads may add up to. */
  storageQuotaBytes: number;
  limiter: RateLimiter;
}

/** The streamed form of this request (see receiveForm), for the handlers after validation. */
const receivedForms = new WeakMap<Request, ReceivedAttachmentsForm>();

/** An attachment download: the stored name, never sniffed, never shown inline. */
function sendAttachment(res: Response, file: { filename: string; contentType: string; content: Buffer }): void {
  const ascii = file.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  res
    .status(200)
    .type(file.contentType)
    .set({
      'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
    })
    .send(file.content);
}

/**
 * A file the portal keeps for a record (its row in an attachments table, already scoped to the
 * company by the query that found it), downloaded as sendAttachment sends it; no row, or its
 * bytes gone from storage, is a 404.
 */
export async function sendKeptAttachment(
  res: Response,
  storage: FileStorage,
  workspaceId: string,
  row: { file_id: string; filename: string; content_type: string } | null | undefined,
): Promise<void> {
  const file = row ? await storage.get(workspaceId, row.file_id) : null;
  if (!row || !file) throw notFound();
  sendAttachment(res, { filename: row.filename, contentType: row.content_type, content: file.content });
}

export function createMessageHandlers(deps: MessageHandlersDeps) {
  const { db, adapter, comments, storage, bus, service } = deps;

  async function show(req: Request, res: Response, form: { body?: string; errors?: FieldErrors } = {}, status = 200) {
    const { workspace, settings, base } = portalContext(res);
    const { user, contact } = signedInClient(res);
    const { t, fmt } = portalI18n(res);
    const reader = { side: 'client' as const, id: user.id };
    const conversation = await findConversation(db, workspace.id, user.client_id);
    const rows = conversation ? await listMessages(db, workspace.id, user.client_id, conversation.id, CONVERSATION_PAGE) : [];
    const [seen, liveFrom, threads, readTimes] = await Promise.all([
      conversation ? seenByOtherSide(db, workspace.id, user.client_id, 'client') : Promise.resolve('0'),
      latestLiveSeq(db, { workspaceId: workspace.id, clientId: user.client_id }),
      listRecordThreads(adapter, comments, settings, workspace.id, user.client_id, user.contact_id),
      threadReadTimes(db, workspace.id, user.client_id, reader),
    ]);
    const latest = rows.at(-1)?.id ?? '0';
    // Showing the conversation reads it: the other side's receipt moves, live.
    await service.read(workspace.id, user.client_id, reader, latest);
    const can = clientCan(settings);
    renderPortalPage(
      req,
      res,
      'messages/index',
      t('messages:title'),
      {
        messages: presentMessages(rows, reader, seen, fmt, (id) => `${base}/messages/attachments/${id}`),
        threads: threads.map((thread) => ({
          label: thread.label,
          kind: t(`messages:threadKinds.${thread.type}`),
          href: recordHref(base, thread.type, thread.id),
          unread: unreadComments(thread, contact.id, readTimes.get(`${thread.type}:${thread.id}`)),
          count: thread.comments.length,
        })),
        company: contact.clientName,
        canSend: can.message,
        canAttach: can.message && can.upload_file,
        maxLength: MESSAGE_MAX_LENGTH,
        maxAttachment: fmt.fileSize(attachmentLimitBytes(settings.maxUploadMb)),
        uploadTypes: presentUploadTypes(portalI18n(res)),
        streamUrl: `${base}/messages/stream?after=${liveFrom}`,
        refreshUrl: `${base}/messages`,
        body: form.body ?? '',
        errors: translateFieldErrors(form.errors ?? {}, t),
      },
      status,
    );
  }

  return {
    show: (req: Request, res: Response) => show(req, res),

    /** Before the form is read: a refused message stores no attachment either. */
    limitSending: limitPerPerson(deps.limiter, POSTING_LIMITS.messagesPerPerson),

    /**
     * A form with attachments, streamed into storage (core's receiveAttachmentsForm) within the
     * per-file limit and what the workspace's quota has left; a plain form passes straight through.
     * A stale token shows the form again with what was typed (validateBody), its files not kept.
     */
    receiveForm: async (req: Request, res: Response, next: () => void) => {
      if (!req.is('multipart/form-data')) return next();
      receivedForms.set(
        req,
        await receiveAttachmentsForm(req, res, { db, storage, virusScanner: deps.virusScanner, storageQuotaBytes: deps.storageQuotaBytes }),
      );
      next();
    },

    invalidMessage: async (req: Request, res: Response, errors: FieldErrors) => {
      const received = receivedForms.get(req);
      if (received) await removeReceived(storage, portalContext(res).workspace.id, received.stored);
      return show(req, res, { body: typeof req.body?.body === 'string' ? req.body.body : '', errors }, formAnswerStatus(req, 400));
    },

    send: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user, contact } = signedInClient(res);
      const input = req.body as SendMessageInput;
      const received = receivedForms.get(req);
      if (received?.refusal) {
        const status = attachmentRefusalStatus(received.refusal);
        // Uploads switched off is no mistake in the form to correct: the page says so on its own.
        const message = attachmentRefusalMessage(res, received.refusal);
        if (status === 403) throw new HttpError(status, message);
        // The refused files are already removed; the typed message comes back with the reason.
        return show(req, res, { body: input.body, errors: { attachments: message } }, formAnswerStatus(req, status));
      }
      const { messageId } = await service.send({
        workspaceId: workspace.id,
        clientId: user.client_id,
        side: 'client',
        clientUserId: user.id,
        authorName: contact.name,
        body: input.body,
        files: [],
        stored: received?.stored ?? [],
      });
      if (isFragmentRequest(req)) return show(req, res);
      res.redirect(303, `${base}/messages#message-${messageId}`);
    },

    attachment: async (_req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      const id = parseParam(AttachmentIdParam, _req.params.attachmentId);
      const attachment = await findAttachment(db, workspace.id, user.client_id, id);
      await sendKeptAttachment(res, storage, workspace.id, attachment);
    },

    stream: async (req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      await openLiveStream(req, res, {
        db,
        bus,
        workspaceId: workspace.id,
        clientId: user.client_id,
        channel: clientChannel(workspace.id, user.client_id),
        ...deps.streamRules(req, res),
      });
    },

    setMessageEmails: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const input = req.body as MessageEmailsInput;
      await setMessageEmails(db, workspace.id, user.id, input.messageEmails === 'on');
      res.redirect(303, `${base}/account#message-emails`);
    },
  };
}

export type MessageHandlers = ReturnType<typeof createMessageHandlers>;

/** For the account page: whether this client gets message emails. */
export const wantsMessageEmails = messageEmailsWanted;
