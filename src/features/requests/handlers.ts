// The requests pages: the catalogue of what the agency offers, a definition's form (built from the
// host's fields, checked on the server by a schema built from the same fields), "My requests" with
// a search and keyset pages, and a request's page (what was sent, the files, its history, the
// agency's answer and the proposal or quotation made in answer, and its thread: the client's
// messages and the agency's replies, through the messages feature's comments). Requests are the
// host's, read and written through the adapter; so are the files where the host keeps them itself (its
// keepsClientFiles: Alga's submission attachments, Dolibarr's proposal or ticket documents), else
// the portal keeps them. One person, and one company, may send only so many in an hour
// (REQUEST_LIMITS): over either, the form comes back as sent, saying when, and nothing is kept.
// Sending one is logged (the agency is notified from the log) with a live
// event, in one transaction with the host's writes, announced after it commits.
import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  announce,
  attachmentLimitBytes,
  attachmentRefusalMessage,
  attachmentRefusalStatus,
  canClient,
  clientActor,
  type EventBus,
  type FieldErrors,
  type FileStorage,
  formAnswerStatus,
  type HostAdapter,
  hostKeepsClientFiles,
  hostKeptUploads,
  HttpError,
  insertClientActivity,
  isFragmentRequest,
  limitPerPerson,
  notFound,
  parseParam,
  portalContext,
  personOrCompanyRefusal,
  portalI18n,
  POSTING_LIMITS,
  type RateLimiter,
  type ReceivedAttachmentsForm,
  receiveAttachmentsForm,
  readerLanguages,
  recordLiveEvent,
  removeReceived,
  removeReceivedOnFailure,
  renderPortalPage,
  requestMeta,
  sendDownload,
  signedInClient,
  type StoredAttachment,
  translateFieldErrors,
  validateBody,
  type VirusScanner,
} from '../../core/index.ts';
import type { RequestAnswer, RequestDefinition, RequestUpload, RequestDetail, ServiceRequestsPort } from './port.ts';
import { presentUploadTypes } from '../documents/index.ts';
import {
  addComment,
  type CommentSubject,
  type LiveCommentsPort,
  loadThread,
  markRecordThreadRead,
  sendKeptAttachment,
  type ThreadView,
} from '../messages/index.ts';
import { AttachmentId, formSchema, HostRequestId, type MyRequestsQueryInput, typedValues } from './commands.ts';
import { formUrl, presentCatalogue, presentDetail, presentFormFields, presentPendingFiles, presentSummary } from './presenters.ts';
import { REQUEST_LIMITS } from './limits.ts';
import { type PendingFiles, pendingAsStored, pendingIdsOf, REMOVE_PENDING_FIELD } from './pending-files.ts';
import {
  deletePendingFiles,
  findRequestAttachment,
  insertRequestAttachments,
  listRequestAttachments,
  type PendingFileRow,
} from './queries.ts';

const REQUESTS_PAGE_SIZE = 25;

export interface RequestsDeps {
  db: Knex;
  adapter: HostAdapter & { requests: ServiceRequestsPort };
  storage: FileStorage;
  bus: EventBus;
  virusScanner?: VirusScanner | undefined;
  /** config.workspaceStorageQuotaBytes: what the workspace's uploads may add up to. */
  storageQuotaBytes: number;
  /** The counters behind REQUEST_LIMITS, shared across instances. */
  limiter: RateLimiter;
  /** Files of a refused form, kept to be sent with it again. */
  pendingFiles: PendingFiles;
  /** The record threads' comments (the messages feature's): a request's thread, where the port keeps one. */
  comments: LiveCommentsPort;
  now: () => Date;
  onError: (message: string, err: unknown) => void;
}

/** The streamed form of this request (see receiveForm), for the handlers after validation. */
const receivedForms = new WeakMap<Request, ReceivedAttachmentsForm>();
/** The definition the form of this request answers (see loadDefinition). */
const definitions = new WeakMap<Request, RequestDefinition>();
/** The pending files the form named and this person still has (see resolvePending). */
const pendingOfForm = new WeakMap<Request, PendingFileRow[]>();

export function createRequestsHandlers(deps: RequestsDeps) {
  const { db, adapter, storage, bus, pendingFiles, comments } = deps;
  const requests = adapter.requests;

  function definitionOf(req: Request): RequestDefinition {
    const definition = definitions.get(req);
    if (!definition) throw new Error('requests: the definition was not loaded before the form');
    return definition;
  }

  async function findDefinition(req: Request, res: Response): Promise<RequestDefinition> {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    const id = parseParam(HostRequestId, req.params.definitionId);
    const definition = await requests.definition(workspace.id, user.client_id, user.contact_id, id, readerLanguages(res));
    if (!definition) throw notFound('requests:errors.definitionNotFound');
    return definition;
  }

  async function form(
    req: Request,
    res: Response,
    definition: RequestDefinition,
    state: { values?: Record<string, unknown>; errors?: FieldErrors; limited?: string; pending?: PendingFileRow[] } = {},
    status = 200,
  ) {
    const { settings, base } = portalContext(res);
    const i18n = portalI18n(res);
    const uploads = canClient(settings, 'upload_file');
    const errors = translateFieldErrors(state.errors ?? {}, i18n.t);
    const fields = presentFormFields(i18n, definition.fields, state.values ?? {}, errors);
    const hasFiles = fields.some((field) => field.type === 'file');
    // A refusal no field carries (a file field the form cannot show, uploads off) stands above the form.
    const shown = new Set(fields.filter((f) => f.type !== 'file' || uploads).map((f) => f.key));
    const unshown = state.limited ?? Object.entries(errors).find(([key]) => !shown.has(key) && key !== 'form')?.[1] ?? errors.form ?? null;
    renderPortalPage(
      req,
      res,
      'requests/new',
      i18n.t('requests:new.title', { name: definition.name }),
      {
        action: formUrl(base, definition.id),
        cancelUrl: `${base}/requests`,
        definition: { name: definition.name, description: definition.description, quote: definition.kind === 'quote' },
        fields,
        refusal: unshown,
        multipart: hasFiles && uploads,
        uploads,
        uploadTypes: uploads ? presentUploadTypes(i18n) : null,
        maxAttachment: i18n.fmt.fileSize(attachmentLimitBytes(settings.maxUploadMb)),
        pending: uploads ? presentPendingFiles(i18n, state.pending ?? []) : null,
      },
      status,
    );
  }

  async function loadRequest(res: Response) {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    const id = parseParam(HostRequestId, res.req.params.requestId);
    const request = await requests.find(workspace.id, user.client_id, user.contact_id, id);
    if (!request) throw notFound('requests:errors.notFound');
    return request;
  }

  /**
   * Whether requests have threads: only where the agency reads and answers them on its own page of
   * the request (ServiceRequestsPort.staffReadsThread) and the comments port keeps them.
   */
  const hasThreads = requests.staffReadsThread === true && comments.covers('request');

  /** The request's thread as the comments take it; null where requests have none. */
  function threadOf(res: Response, request: RequestDetail): CommentSubject | null {
    if (!hasThreads) return null;
    const { base } = portalContext(res);
    const href = `${base}/requests/mine/${encodeURIComponent(request.id)}`;
    return { type: 'request', id: request.id, href, number: request.ref, title: request.title };
  }

  /** A request's page, with its thread (a refused message comes back as typed, with what is wrong). */
  async function showPage(req: Request, res: Response, form: { draft?: string; errors?: FieldErrors } = {}, status = 200) {
    const { workspace, base } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const request = await loadRequest(res);
    const subject = threadOf(res, request);
    const [attachments, hostFiles, thread] = await Promise.all([
      listRequestAttachments(db, { workspaceId: workspace.id, clientId: user.client_id, requestId: request.id }),
      // The files the host keeps itself, where it does (a contact whose files it does not keep has the portal's).
      requests.files ? requests.files(workspace.id, user.client_id, user.contact_id, request.id) : Promise.resolve([]),
      // The page follows the stream itself (views/requests/show.ejs): the thread adds no second one.
      subject ? loadThread(comments, i18n, res, subject, { ...form, live: false }) : Promise.resolve(null),
      // Seeing the request's thread reads it (its unread count beside the messages drops).
      subject ? markRecordThreadRead(db, workspace.id, user.client_id, user.id, 'request', request.id, deps.now()) : Promise.resolve(),
    ]);
    renderPortalPage(
      req,
      res,
      'requests/show',
      i18n.t('requests:show.title', { ref: request.ref, title: request.title }),
      { request: presentDetail(i18n, base, request, attachments, hostFiles), thread, live: !isFragmentRequest(req) },
      status,
    );
  }

  const renderThread = (req: Request, res: Response) => (thread: ThreadView, status: number) =>
    renderPortalPage(req, res, 'comments/_thread', portalI18n(res).t('comments:heading'), { thread }, status);

  /** The received files as the host takes them, each with the key of the field it answers. */
  function hostUploads(res: Response, stored: StoredAttachment[], fieldKey: string): RequestUpload[] {
    return hostKeptUploads(storage, portalContext(res).workspace.id, stored).map((upload) => ({ ...upload, fieldKey }));
  }

  /** Counts one request against the person's and the company's limits (REQUEST_LIMITS). */
  const sendingRefusal = (res: Response) =>
    personOrCompanyRefusal(deps.limiter, res, {
      perPerson: REQUEST_LIMITS.requestsPerPerson,
      perCompany: REQUEST_LIMITS.requestsPerCompany,
      personMessage: 'requests:errors.tooManyForPerson',
      companyMessage: 'requests:errors.tooManyForCompany',
    });

  /**
   * A refused form's files, not dropped: the ones just received join those it carried already, as
   * pending files of this form in this session, listed on the form shown again.
   */
  async function keepChosen(req: Request, res: Response): Promise<PendingFileRow[]> {
    const carried = pendingOfForm.get(req) ?? [];
    const received = receivedForms.get(req);
    if (!received || received.stored.length === 0) return carried;
    const definition = definitionOf(req);
    if (!definition.fields.some((field) => field.type === 'file')) {
      await removeReceived(storage, portalContext(res).workspace.id, received.stored);
      return carried;
    }
    const kept = await pendingFiles.keep(pendingFiles.scopeOf(req, res, definition.id), received.stored);
    return [...carried, ...kept];
  }

  return {
    catalogue: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const i18n = portalI18n(res);
      const list = await requests.definitions(workspace.id, user.client_id, user.contact_id, readerLanguages(res));
      renderPortalPage(req, res, 'requests/index', i18n.t('requests:title'), {
        groups: presentCatalogue(i18n, base, list),
        mineUrl: `${base}/requests/mine`,
      });
    },

    newForm: async (req: Request, res: Response) => form(req, res, await findDefinition(req, res)),

    /** The definition the form answers, before a byte of the body is read: an unknown one is a 404. */
    loadDefinition: async (req: Request, res: Response, next: () => void) => {
      definitions.set(req, await findDefinition(req, res));
      next();
    },

    /**
     * A form with files, streamed into storage under the upload rules the messages, documents and
     * tickets use (type, size, the workspace's quota and switch, the virus scanner); a plain form
     * passes straight through. The CSRF token travels in the body and is checked before a file is kept.
     */
    receiveForm: async (req: Request, res: Response, next: () => void) => {
      if (!req.is('multipart/form-data')) return next();
      receivedForms.set(req, await receiveAttachmentsForm(req, res, deps));
      next();
    },

    /**
     * The files the form carried from an earlier refusal (its hidden field), this person's in this
     * session only; counted with the new ones, so a required file field is answered by either. A
     * Remove button takes one off and shows the form again as typed, the new files kept too.
     */
    resolvePending: async (req: Request, res: Response, next: () => void) => {
      const definition = definitionOf(req);
      const scope = pendingFiles.scopeOf(req, res, definition.id);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const removing = typeof body[REMOVE_PENDING_FIELD] === 'string' ? (body[REMOVE_PENDING_FIELD] as string) : null;
      if (removing !== null) await pendingFiles.remove(scope, removing);
      const carried = await pendingFiles.find(scope, pendingIdsOf(body));
      pendingOfForm.set(req, carried);
      if (removing !== null) {
        const pending = await keepChosen(req, res);
        return form(req, res, definition, { values: typedValues(definition.fields, body), pending }, formAnswerStatus(req, 200));
      }
      req.body = { ...body, attachments: [...(Array.isArray(body.attachments) ? body.attachments : []), ...carried] };
      next();
    },

    /** The answers checked against the definition's own fields, by a schema built from them. */
    validateAnswers: async (req: Request, res: Response, next: (err?: unknown) => void) => {
      const definition = definitionOf(req);
      const check = validateBody(formSchema(definition.fields), async (request, response, errors) => {
        const pending = await keepChosen(request, response);
        const body = (request.body ?? {}) as Record<string, unknown>;
        // 422: the form was read, but what it says does not answer the definition's fields.
        await form(
          request,
          response,
          definition,
          { values: typedValues(definition.fields, body), errors, pending },
          formAnswerStatus(request, 422),
        );
      });
      await check(req, res, next);
    },

    submit: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const definition = definitionOf(req);
      const input = req.body as Record<string, RequestAnswer | StoredAttachment[] | undefined>;
      const received = receivedForms.get(req);
      const fileField = definition.fields.find((field) => field.type === 'file');
      if (received?.refusal) {
        const status = attachmentRefusalStatus(received.refusal);
        const body = received.fields as Record<string, unknown>;
        return form(
          req,
          res,
          definition,
          {
            values: typedValues(definition.fields, body),
            errors: { [fileField?.key ?? 'form']: attachmentRefusalMessage(res, received.refusal) },
            pending: pendingOfForm.get(req) ?? [],
          },
          formAnswerStatus(req, status),
        );
      }
      const limited = await sendingRefusal(res);
      if (limited) {
        const pending = await keepChosen(req, res);
        res.set('Retry-After', String(limited.retryAfterSeconds));
        // The answers as checked: keyed by field, as the form shows them again.
        return form(req, res, definition, { values: input, limited: limited.message, pending }, 429);
      }
      // Files only where the form asks for them: a form without a file field keeps none.
      const receivedFiles = fileField ? (received?.stored ?? []) : [];
      if (!fileField && received) await removeReceived(storage, workspace.id, received.stored);
      // With those the form carried from an earlier refusal, taken over in the request's transaction.
      const carried = fileField ? (pendingOfForm.get(req) ?? []) : [];
      const stored = [...receivedFiles, ...carried.map(pendingAsStored)];
      const pendingScope = pendingFiles.scopeOf(req, res, definition.id);
      const answers: Record<string, RequestAnswer> = {};
      for (const field of definition.fields) {
        if (field.type === 'file') answers[field.key] = field === fileField ? stored.map((file) => file.filename) : [];
        else answers[field.key] = (input[field.key] as RequestAnswer | undefined) ?? null;
      }
      const hostKeeps = await hostKeepsClientFiles(requests, storage, res, stored);
      const sent = await db
        .transaction(async (trx) => {
          const request = await requests.submit(
            workspace.id,
            user.client_id,
            user.contact_id,
            { definitionId: definition.id, answers, ...(hostKeeps && fileField ? { files: hostUploads(res, stored, fileField.key) } : {}) },
            { trx, ip: requestMeta(req).ip },
          );
          if (!request) return null;
          // Carried files the sweep or another tab took meanwhile: the request cannot say it sent them.
          const taken = await deletePendingFiles(
            trx,
            pendingScope,
            carried.map((row) => row.id),
          );
          if (taken.length !== carried.length) throw new HttpError(409, portalI18n(res).t('requests:errors.pendingGone'));
          // Kept by the host, the files are its own now; the portal keeps a row of each otherwise.
          if (!hostKeeps)
            await insertRequestAttachments(
              trx,
              stored.map((file) => ({
                workspaceId: workspace.id,
                clientId: user.client_id,
                requestId: request.id,
                fieldKey: fileField!.key,
                clientUserId: user.id,
                fileId: file.id,
                filename: file.filename,
                contentType: file.contentType,
                sizeBytes: file.sizeBytes,
              })),
            );
          await insertClientActivity(trx, clientActor(req, res), 'request.submitted', {
            requestId: request.id,
            ref: request.ref,
            title: request.title,
            kind: request.kind,
            files: stored.length,
          });
          const live = await recordLiveEvent(trx, {
            type: 'request-changed',
            workspaceId: workspace.id,
            clientId: user.client_id,
            data: { requestId: request.id },
          });
          return { request, live };
        })
        // The carried files are still pending (their rows came back with the rollback).
        .catch(removeReceivedOnFailure(storage, workspace.id, receivedFiles));
      if (!sent) {
        // The host no longer offers it to this person (unpublished meanwhile): nothing was sent.
        await removeReceived(storage, workspace.id, receivedFiles);
        throw notFound('requests:errors.definitionNotFound');
      }
      // The host has its own copy of each file: the portal's received ones go.
      if (hostKeeps) await removeReceived(storage, workspace.id, stored);
      await announce(bus, [sent.live]).catch((err: unknown) => deps.onError('could not announce a live event', err));
      res.redirect(303, `${base}/requests/mine/${encodeURIComponent(sent.request.id)}`);
    },

    mine: async (req: Request, res: Response) => {
      const query = res.locals.query as MyRequestsQueryInput;
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const i18n = portalI18n(res);
      const page = await requests.list(workspace.id, user.client_id, user.contact_id, query.q ? { search: query.q } : {}, {
        limit: REQUESTS_PAGE_SIZE,
        after: query.after ?? null,
      });
      const href = (params: Record<string, string | undefined>) => {
        const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
        const text = search.toString();
        return `${base}/requests/mine${text ? `?${text}` : ''}`;
      };
      renderPortalPage(req, res, 'requests/mine', i18n.t('requests:mine.title'), {
        q: query.q ?? '',
        live: !isFragmentRequest(req),
        refreshUrl: href({ q: query.q }),
        catalogueUrl: `${base}/requests`,
        requests: page.items.map((request) => presentSummary(i18n, base, request)),
        nextUrl: page.next ? href({ q: query.q, after: page.next }) : null,
        firstPageUrl: query.after ? href({ q: query.q }) : null,
      });
    },

    show: (req: Request, res: Response) => showPage(req, res),

    /** Before anything else on a thread's form: where requests have no thread, it does not exist (404). */
    threadOpen: (_req: Request, _res: Response, next: NextFunction) => {
      if (!hasThreads) throw notFound();
      next();
    },

    /** Before the message is read: the person's comments in a while (POSTING_LIMITS), as on every thread. */
    limitComments: limitPerPerson(deps.limiter, POSTING_LIMITS.commentsPerPerson),

    /**
     * A message in the request's thread, on a request this person may open (loaded first: another
     * company's is a 404): kept through the comments port, logged (the agency is notified from the
     * log), announced live; then back to the thread (303), or the fresh thread for htmx.
     */
    addComment: async (req: Request, res: Response) => {
      const subject = threadOf(res, await loadRequest(res));
      if (!subject) throw notFound();
      await addComment({ db, comments }, req, res, subject, renderThread(req, res));
    },

    /** A refused message: the page again with it as typed and what is wrong (422), or the thread alone for htmx. */
    invalidComment: async (req: Request, res: Response, errors: FieldErrors) => {
      const draft = typeof req.body?.body === 'string' ? String(req.body.body).slice(0, 20_000) : '';
      if (!isFragmentRequest(req)) return showPage(req, res, { draft, errors }, 422);
      const subject = threadOf(res, await loadRequest(res));
      const thread = subject ? await loadThread(comments, portalI18n(res), res, subject, { draft, errors, live: false }) : null;
      if (!thread) throw notFound();
      renderThread(req, res)(thread, formAnswerStatus(req, 422));
    },

    /**
     * A file sent with the request: one the portal keeps (its row's id), else one the host keeps
     * (read through the port, which finds it only on this client's request). One address for both,
     * so the page links each the same way.
     */
    attachment: async (req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      const request = await loadRequest(res);
      // The portal's row id (a uuid), or the host's file id (Alga's uuid, Dolibarr's index row): host-id shaped either way.
      const fileId = parseParam(HostRequestId, req.params.attachmentId);
      const portalId = AttachmentId.safeParse(fileId);
      const row = portalId.success
        ? await findRequestAttachment(db, {
            workspaceId: workspace.id,
            clientId: user.client_id,
            requestId: request.id,
            attachmentId: portalId.data,
          })
        : null;
      if (row) return sendKeptAttachment(res, storage, workspace.id, row);
      const hostFile = requests.fileContent
        ? await requests.fileContent(workspace.id, user.client_id, user.contact_id, request.id, fileId)
        : null;
      if (!hostFile) throw notFound();
      await sendDownload(res, hostFile);
    },
  };
}

export type RequestsHandlers = ReturnType<typeof createRequestsHandlers>;
