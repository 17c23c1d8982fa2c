// The agency's inbox: every client conversation of the workspace with this staff member's unread
// count, a conversation page to reply (with attachments), mark read or unread, and assign.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  authorizeAssignee,
  badRequest,
  clientNamesOf,
  COUNT_LIMIT,
  countText,
  type EventBus,
  type FieldErrors,
  type FileStorage,
  formAnswerStatus,
  type HostAdapter,
  type HostClient,
  hostFrame,
  isFragmentRequest,
  latestLiveSeq,
  notFound,
  openLiveStream,
  parseParam,
  sendPage,
  staffChannel,
  staffChrome,
  staffContext,
  staffWords,
  storedUploadBytes,
  type VirusScanner,
  ATTACHMENT_MAX_BYTES,
} from '../../core/index.ts';
import { checkAttachments, type IncomingFile } from './attachments.ts';
import { AttachmentIdParam, ClientIdParam, type AssignInput, type InboxQueryInput, type SendMessageInput } from './commands.ts';
import { sendKeptAttachment } from './handlers.ts';
import { presentInbox, presentMessages } from './presenters.ts';
import { findAttachment, findConversation, listInbox, listMessages, seenByOtherSide, staffUnreadTotal } from './queries.ts';
import { CONVERSATION_PAGE, MESSAGE_MAX_LENGTH, type MessagesService } from './service.ts';
import { presentUploadTypes } from '../documents/index.ts';

const INBOX_LIMIT = 200;
const SEARCH_RESULTS = 20;

/** Clients whose name contains the text (any case), by name; an empty text matches every client. */
async function searchClients(adapter: HostAdapter, workspaceId: string, text: string): Promise<{ clients: HostClient[]; more: boolean }> {
  const needle = text.toLocaleLowerCase('en');
  const matching = (await adapter.clients.list(workspaceId)).filter((client) => client.name.toLocaleLowerCase('en').includes(needle));
  return { clients: matching.slice(0, SEARCH_RESULTS), more: matching.length > SEARCH_RESULTS };
}

export interface StaffHandlersDeps {
  db: Knex;
  adapter: HostAdapter;
  storage: FileStorage;
  virusScanner?: VirusScanner | undefined;
  bus: EventBus;
  service: MessagesService;
  /** config.workspaceStorageQuotaBytes: staff attachments count against the same quota as clients'. */
  storageQuotaBytes: number;
}

/** In the host's own page when it offers one (as the admin pages are), else in the inbox's own layout. */
function renderStaffPage(req: Request, res: Response, view: string, title: string, model: object, status = 200) {
  const context = staffContext(res);
  // The inbox's own layout draws its crumbs from inboxUrl rather than a navigation row.
  const chrome = { ...staffChrome(context, [], (req.originalUrl.split('?')[0] ?? context.base) || context.base), inboxUrl: context.base };
  sendPage(
    req,
    res,
    view,
    { ...staffWords(context.i18n), ...model, base: context.base, csrfToken: context.csrfToken },
    {
      ...hostFrame(req, res, context.hostLayout, chrome, title, { plain: 'messages/staff-layout', embedded: 'messages/staff-embedded' }),
      title,
      status,
      chrome,
    },
  );
}

export function createStaffHandlers(deps: StaffHandlersDeps) {
  const { db, adapter, storage, bus, service } = deps;

  async function loadClient(req: Request, res: Response): Promise<HostClient> {
    const clientId = parseParam(ClientIdParam, req.params.clientId);
    const client = await adapter.clients.findById(staffContext(res).workspace.id, clientId);
    if (!client) throw notFound();
    return client;
  }

  async function showConversation(
    req: Request,
    res: Response,
    client: HostClient,
    form: { body?: string; errors?: FieldErrors; notice?: string } = {},
    status = 200,
  ) {
    const { workspace, staff, base, i18n } = staffContext(res);
    const { t, fmt } = i18n;
    const reader = { side: 'staff' as const, id: staff.id };
    const conversation = await findConversation(db, workspace.id, client.id);
    const [rows, seen, liveFrom, staffList] = await Promise.all([
      conversation ? listMessages(db, workspace.id, client.id, conversation.id, CONVERSATION_PAGE) : Promise.resolve([]),
      seenByOtherSide(db, workspace.id, client.id, 'staff'),
      latestLiveSeq(db, { workspaceId: workspace.id, clientId: client.id }),
      adapter.staff.list ? adapter.staff.list(workspace.id) : Promise.resolve([]),
    ]);
    if (!form.notice) await service.read(workspace.id, client.id, reader, rows.at(-1)?.id ?? '0');
    const href = `${base}/${encodeURIComponent(client.id)}`;
    renderStaffPage(
      req,
      res,
      'messages/staff-conversation',
      client.name,
      {
        clientName: client.name,
        href,
        messages: presentMessages(rows, reader, seen, fmt, (id) => `${href}/attachments/${id}`),
        staffOptions: staffList.map((s) => ({ value: s.id, label: s.name, selected: conversation?.assigned_staff_id === s.id })),
        canAssign: Boolean(adapter.staff.list),
        streamUrl: `${base}/stream?after=${liveFrom}&client=${encodeURIComponent(client.id)}`,
        maxLength: MESSAGE_MAX_LENGTH,
        maxAttachment: fmt.fileSize(ATTACHMENT_MAX_BYTES),
        uploadTypes: presentUploadTypes(i18n),
        body: form.body ?? '',
        errors: Object.fromEntries(
          Object.entries(form.errors ?? {}).map(([field, key]) => [field, t(key, { mb: ATTACHMENT_MAX_BYTES / (1024 * 1024) })]),
        ),
        notice: form.notice ?? null,
      },
      status,
    );
  }

  return {
    inbox: async (req: Request, res: Response) => {
      const { workspace, staff, base, i18n } = staffContext(res);
      const { q } = res.locals.query as InboxQueryInput;
      const [{ rows, clientNames }, staffList, liveFrom, found] = await Promise.all([
        listInbox(db, workspace.id, staff.id, INBOX_LIMIT).then(async (rows) => ({
          rows,
          clientNames: await clientNamesOf(
            adapter.clients,
            workspace.id,
            rows.map((row) => row.client_id),
          ),
        })),
        adapter.staff.list ? adapter.staff.list(workspace.id) : Promise.resolve([]),
        latestLiveSeq(db, { workspaceId: workspace.id, clientId: null }),
        // Every client is listed only for a search, not on every look at the inbox.
        q === undefined ? null : searchClients(adapter, workspace.id, q),
      ]);
      const conversations = presentInbox(rows, clientNames, new Map(staffList.map((s) => [s.id, s.name])), i18n.fmt, base);
      // Counted as the header's badge counts: up to COUNT_LIMIT, then "99+".
      const unreadTotal = Math.min(
        conversations.reduce((sum, c) => sum + c.unread, 0),
        COUNT_LIMIT,
      );
      renderStaffPage(req, res, 'messages/staff-inbox', i18n.t('messages:inbox.title'), {
        conversations,
        unreadTotal,
        unreadTotalText: countText(unreadTotal),
        search: {
          query: q ?? '',
          results: found ? found.clients.map((c) => ({ name: c.name, href: `${base}/${encodeURIComponent(c.id)}` })) : null,
          more: found?.more ?? false,
        },
        streamUrl: `${base}/stream?after=${liveFrom}`,
        refreshUrl: base,
      });
    },

    stream: async (req: Request, res: Response) => {
      const { workspace, staff } = staffContext(res);
      // A conversation page follows one client; the inbox follows them all. Events are the workspace's either way.
      const client = ClientIdParam.safeParse(req.query.client);
      // Staff see every section's events (the switches are about what clients see); the cap counts
      // per staff session where the host names it (HostStaffUser.sessionKey), else per staff user.
      // The stream ends with that sign-in (stream-sessions.ts asks the host about it).
      await openLiveStream(req, res, {
        db,
        bus,
        workspaceId: workspace.id,
        clientId: client.success ? client.data : null,
        channel: staffChannel(workspace.id),
        holder: { session: `staff:${workspace.id}:${staff.id}:${staff.sessionKey ?? ''}`, staff },
      });
    },

    conversation: async (req: Request, res: Response) => showConversation(req, res, await loadClient(req, res)),

    invalidReply: async (req: Request, res: Response, errors: FieldErrors) =>
      showConversation(
        req,
        res,
        await loadClient(req, res),
        { body: typeof req.body?.body === 'string' ? req.body.body : '', errors },
        formAnswerStatus(req, 400),
      ),

    reply: async (req: Request, res: Response) => {
      const client = await loadClient(req, res);
      const { workspace, staff, base } = staffContext(res);
      const input = req.body as SendMessageInput;
      const checked = await checkAttachments((input.attachments ?? []) as IncomingFile[], { virusScanner: deps.virusScanner });
      if (!checked.ok)
        return showConversation(req, res, client, { body: input.body, errors: { attachments: checked.error } }, formAnswerStatus(req, 400));
      const adding = checked.files.reduce((sum, file) => sum + file.sizeBytes, 0);
      if (adding > 0 && adding > deps.storageQuotaBytes - (await storedUploadBytes(db, workspace.id))) {
        return showConversation(
          req,
          res,
          client,
          { body: input.body, errors: { attachments: 'messages:errors.storageFullStaff' } },
          formAnswerStatus(req, 413),
        );
      }
      const { messageId } = await service.send({
        workspaceId: workspace.id,
        clientId: client.id,
        side: 'staff',
        staffId: staff.id,
        authorName: staff.name,
        body: input.body,
        files: checked.files,
      });
      if (isFragmentRequest(req)) return showConversation(req, res, client);
      res.redirect(303, `${base}/${encodeURIComponent(client.id)}#message-${messageId}`);
    },

    markRead: async (req: Request, res: Response) => {
      const client = await loadClient(req, res);
      const { workspace, staff, base } = staffContext(res);
      const conversation = await findConversation(db, workspace.id, client.id);
      const rows = conversation ? await listMessages(db, workspace.id, client.id, conversation.id, 1) : [];
      await service.read(workspace.id, client.id, { side: 'staff', id: staff.id }, rows.at(-1)?.id ?? '0');
      res.redirect(303, base);
    },

    markUnread: async (req: Request, res: Response) => {
      const client = await loadClient(req, res);
      const { workspace, staff, base } = staffContext(res);
      await service.markUnread(workspace.id, client.id, { side: 'staff', id: staff.id });
      res.redirect(303, base);
    },

    assign: async (req: Request, res: Response) => {
      const client = await loadClient(req, res);
      const { workspace, base, i18n } = staffContext(res);
      const input = req.body as AssignInput;
      if (!adapter.staff.list) throw badRequest('This CRM does not list its staff, so conversations cannot be assigned.');
      const assignee = input.staffId ? ((await adapter.staff.list(workspace.id)).find((s) => s.id === input.staffId) ?? null) : null;
      if (input.staffId && !assignee) throw badRequest('Choose a member of your team.');
      authorizeAssignee(assignee, workspace.id);
      await service.assign(workspace.id, client.id, assignee?.id ?? null);
      if (isFragmentRequest(req))
        return showConversation(req, res, client, {
          notice: assignee ? i18n.t('messages:inbox.assigned', { name: assignee.name }) : i18n.t('messages:inbox.assignedToNobody'),
        });
      res.redirect(303, `${base}/${encodeURIComponent(client.id)}`);
    },

    attachment: async (req: Request, res: Response) => {
      const client = await loadClient(req, res);
      const { workspace } = staffContext(res);
      const attachment = await findAttachment(db, workspace.id, client.id, parseParam(AttachmentIdParam, req.params.attachmentId));
      await sendKeptAttachment(res, storage, workspace.id, attachment);
    },
  };
}

export type StaffHandlers = ReturnType<typeof createStaffHandlers>;

/** The CRM header's count: client messages this staff member has not read. */
export const staffUnreadCount = staffUnreadTotal;
