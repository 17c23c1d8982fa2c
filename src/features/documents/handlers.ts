// The documents page: what the host shares with this client and what the client uploaded, the
// downloads of both (streamed, every one logged), uploads behind allow_file_uploads, and deleting
// one's own upload until the agency has opened it. Uploading and deleting are ClientUploads'
// work (client-uploads.ts); these handlers turn its outcomes into pages.
import type { Request, Response } from 'express';
import {
  attachedToOpenRecords,
  canClient,
  canDeleteUpload,
  canOpenRecord,
  clientActor,
  HttpError,
  insertClientActivity,
  isFragmentRequest,
  mayActOnOwn,
  notFound,
  type Page,
  parseParam,
  permits,
  portalContext,
  portalI18n,
  renderPortalPage,
  sendDownload,
  signedInClient,
  tokensMatch,
  verifySessionCsrfHeader,
  withheldBy,
  listHref,
  listParams,
  presentSearch,
} from '../../core/index.ts';
import type { HostRecordType, SharedDocument } from './port.ts';
import { ClientUploads, type ClientUploadsDeps, type Uploader } from './client-uploads.ts';
import { HostDocumentId, UploadId, type DocumentsQueryInput } from './commands.ts';
import { presentShared, presentUpload, presentUploadTypes, recordOptions } from './presenters.ts';
import { findClientUpload, listClientUploads, type UploadRow } from './queries.ts';
import type { UploadRefusal } from './receive-upload.ts';

const SHARED_PAGE_SIZE = 25;
const UPLOADS_SHOWN = 100;

const REFUSAL_STATUS: Record<UploadRefusal | 'infected', number> = {
  not_multipart: 400,
  csrf: 403,
  no_file: 400,
  empty: 400,
  too_large: 413,
  wrong_type: 415,
  aborted: 400,
  storage_full: 413,
  infected: 422,
};

/** The documents pages need what the upload service needs, and nothing more. */
export type DocumentsDeps = ClientUploadsDeps;

export function createDocumentsHandlers(deps: DocumentsDeps) {
  const { db, adapter, storage } = deps;
  const clientUploads = new ClientUploads(deps);

  /** The signed-in person, as the upload service records them. */
  const uploader = (req: Request, res: Response): Uploader => ({ ...clientActor(req, res), name: signedInClient(res).contact.name });

  async function show(req: Request, res: Response, outcome: { error?: string; status?: number } = {}) {
    const { workspace, base, settings } = portalContext(res);
    const { user, access, workspaceSettings } = signedInClient(res);
    const i18n = portalI18n(res);
    const query = (res.locals.query ?? {}) as DocumentsQueryInput;
    const [type, id] = query.record ? (query.record.split(':') as [HostRecordType, string]) : [];
    // Filtering by a record the person may not open answers as that record's page does.
    if (type && !canOpenRecord(settings, { type })) throw notFound();
    const filter = { ...(type && id ? { record: { type, id } } : {}), ...(query.q ? { search: query.q } : {}) };
    const empty: Page<SharedDocument> = { items: [], next: null };
    const [page, uploads] = await Promise.all([
      adapter.documents
        ? adapter.documents.list(workspace.id, user.client_id, filter, { limit: SHARED_PAGE_SIZE, after: query.after ?? null })
        : empty,
      // The client's uploads belong to no host record, so a record filter leaves them out.
      query.record
        ? []
        : listClientUploads(db, {
            workspaceId: workspace.id,
            clientId: user.client_id,
            ...(query.q ? { search: query.q } : {}),
            limit: UPLOADS_SHOWN,
          }),
    ]);
    // A document attached to a record of a section the person cannot see is that record's: not listed.
    const shared = { items: attachedToOpenRecords(settings, page.items), next: page.next };
    // Delete is offered on an upload the person may delete: with the upload right, their own or, as client admin, any.
    const person = { clientUserId: user.id, access };
    const mayDelete = (upload: UploadRow) => permits(settings, 'uploads') && mayActOnOwn(person, upload.client_user_id);
    // What every link of the list keeps: the record chosen and the search.
    const here = listParams({ record: query.record, q: query.q });
    const path = `${base}/documents`;
    const nextUrl = shared.next ? listHref(path, { ...here, after: shared.next }) : null;
    renderPortalPage(
      req,
      res,
      'documents/index',
      i18n.t('documents:title'),
      {
        shared: shared.items.map((doc) => presentShared(i18n, base, doc)),
        uploads: uploads.map((upload) => presentUpload(i18n, base, upload, mayDelete(upload))),
        filtered: Boolean(query.record),
        refreshUrl: listHref(path, here),
        // A fragment is swapped into a page that already follows the stream.
        live: !isFragmentRequest(req),
        recordOptions: recordOptions(i18n, shared.items, query.record ?? null),
        search: presentSearch(query.q, shared, listHref(path, { ...here, q: undefined })),
        nextUrl,
        firstPageUrl: query.after ? listHref(path, here) : null,
        canUpload: canClient(settings, 'upload_file'),
        // Without uploads, say whom to ask: the agency switched them off, or the person's access lacks them.
        uploadsWithheldBy: withheldBy(workspaceSettings, access, 'uploads'),
        maxUploadMb: settings.maxUploadMb,
        uploadTypes: presentUploadTypes(i18n),
        notice: query.done ? i18n.t(`documents:notice.${query.done}`) : null,
        error: outcome.error ?? null,
      },
      outcome.status ?? 200,
    );
  }

  /**
   * A refused upload, answered in place with its message and real status. A boosted (htmx) form
   * would leave the upload's POST address in the address bar, where a reload found no page; the
   * page's own address replaces it. Without JavaScript the browser stays on the POST address,
   * which GETs the Documents page (uploadsAddress).
   */
  const refuse = (req: Request, res: Response, error: string, status: number) => {
    if (req.get('HX-Request') === 'true') res.set('HX-Replace-Url', `${portalContext(res).base}/documents`);
    return show(req, res, { error, status });
  };

  const afterChange = (req: Request, res: Response, done: 'uploaded' | 'deleted') => {
    const { base } = portalContext(res);
    if (isFragmentRequest(req)) {
      res.locals.query = { done };
      return show(req, res);
    }
    res.redirect(303, `${base}/documents?done=${done}`);
  };

  /** The person's own upload (or, for a client admin, a colleague's); to anyone else it is not there. */
  async function ownUpload(req: Request, res: Response) {
    const id = parseParam(UploadId, req.params.uploadId);
    const who = uploader(req, res);
    const upload = await findClientUpload(db, { workspaceId: who.workspace.id, clientId: who.user.client_id, uploadId: id });
    if (!upload || !mayActOnOwn({ clientUserId: who.user.id, access: signedInClient(res).access }, upload.client_user_id))
      throw notFound('We could not find that upload.');
    return upload;
  }

  return {
    show: (req: Request, res: Response) => show(req, res),

    /** The upload form's POST address, loaded again (a reload, Enter in the address bar): the Documents page. */
    uploadsAddress: (_req: Request, res: Response) => res.redirect(303, `${portalContext(res).base}/documents`),

    downloadShared: async (req: Request, res: Response) => {
      const id = parseParam(HostDocumentId, req.params.documentId);
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      const found = adapter.documents ? await adapter.documents.open(workspace.id, user.client_id, id) : null;
      const file = found && canOpenRecord(portalContext(res).settings, found.record) ? found : null;
      if (!file) throw notFound('We could not find that document. It may no longer be shared with you.');
      // The record it belongs to, so the entry is governed by that record wherever it is shown.
      const record = file.record ? { subjectType: file.record.type, subjectId: file.record.id } : {};
      await insertClientActivity(db, clientActor(req, res), 'document.downloaded', {
        source: 'host',
        documentId: id,
        name: file.name,
        ...record,
      });
      await sendDownload(res, file);
    },

    downloadUpload: async (req: Request, res: Response) => {
      const id = parseParam(UploadId, req.params.uploadId);
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      const upload = await findClientUpload(db, { workspaceId: workspace.id, clientId: user.client_id, uploadId: id });
      const file = upload ? await storage.open(workspace.id, upload.file_id) : null;
      if (!upload || !file) throw notFound('We could not find that upload.');
      await insertClientActivity(db, clientActor(req, res), 'document.downloaded', {
        source: 'upload',
        uploadId: id,
        name: upload.filename,
      });
      await sendDownload(res, {
        name: upload.filename,
        contentType: upload.content_type,
        sizeBytes: file.sizeBytes,
        content: file.content,
      });
    },

    upload: async (req: Request, res: Response) => {
      const { settings } = portalContext(res);
      const outcome = await clientUploads.receive(req, uploader(req, res), {
        maxBytes: settings.maxUploadMb * 1024 * 1024,
        csrfVerified: verifySessionCsrfHeader(req),
        csrfMatches: (token) => tokensMatch(req.session.csrfToken, token),
      });
      if (outcome.ok) return afterChange(req, res, 'uploaded');
      const { refusal } = outcome;
      if (refusal === 'aborted') return; // Nobody is listening any more.
      if (refusal === 'csrf') throw new HttpError(403, 'This form has expired. Please go back, reload the page and try again.');
      // A refused body may still be arriving; closing the connection spares reading the rest.
      if (refusal === 'too_large' || refusal === 'storage_full') res.set('Connection', 'close');
      return refuse(req, res, portalI18n(res).t(`documents:errors.${refusal}`, { mb: settings.maxUploadMb }), REFUSAL_STATUS[refusal]);
    },

    /** What deleting takes away, asked before it is done: the file's name, size and when it was sent. */
    confirmDeleteUpload: async (req: Request, res: Response) => {
      const upload = await ownUpload(req, res);
      const i18n = portalI18n(res);
      if (!canDeleteUpload(upload)) throw new HttpError(409, i18n.t('documents:errors.opened'));
      const { base } = portalContext(res);
      renderPortalPage(req, res, 'documents/delete-upload', i18n.t('documents:deleteUpload.title', { name: upload.filename }), {
        upload: presentUpload(i18n, base, upload, true),
        backUrl: `${base}/documents#uploads-title`,
      });
    },

    deleteUpload: async (req: Request, res: Response) => {
      const upload = await ownUpload(req, res);
      const who = uploader(req, res);
      // Opened already, or opened by staff between this check and the delete.
      if (!canDeleteUpload(upload) || !(await clientUploads.remove(who, upload.id)))
        throw new HttpError(409, portalI18n(res).t('documents:errors.opened'));
      return afterChange(req, res, 'deleted');
    },
  };
}

export type DocumentsHandlers = ReturnType<typeof createDocumentsHandlers>;
