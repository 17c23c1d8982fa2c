// The documents page: what the host shares with this client and what the client uploaded, the
// downloads of both (streamed, every one logged), uploads behind allow_file_uploads, and deleting
// one's own upload until the agency has opened it.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import type { PortalLogger } from '../../core/ops/logging.ts';
import type { EventBus } from '../../core/events/event-bus.ts';
import { announce, recordLiveEvent, type LiveEvent } from '../../core/live/live-events.ts';
import { insertActivity } from '../../core/activity/queries.ts';
import type { ActivityEvent } from '../../core/activity/events.ts';
import type { HostAdapter, HostRecordType, Page, SharedDocument } from '../../core/ports/host.ts';
import type { FileStorage, VirusScanner } from '../../core/ports/services.ts';
import { canClient, canDeleteUpload, requireClientAction } from '../../core/policies/portal-policy.ts';
import { verifySessionCsrfHeader } from '../../core/web/csrf.ts';
import { HttpError, notFound } from '../../core/web/http-error.ts';
import { portalContext, portalI18n, renderPortalPage, signedInClient } from '../../core/web/portal-context.ts';
import { isFragmentRequest } from '../../core/web/render.ts';
import { requestMeta } from '../../core/web/request-meta.ts';
import { sendDownload } from '../../core/web/send-download.ts';
import { parseParam } from '../../core/web/validate.ts';
import { HostDocumentId, UploadId, type DocumentsQueryInput } from './commands.ts';
import { presentShared, presentUpload, presentUploadTypes, recordOptions } from './presenters.ts';
import { deleteUnopenedUpload, findClientUpload, insertUpload, listClientUploads } from './queries.ts';
import { receiveUpload, UploadRefused, type UploadRefusal } from './receive-upload.ts';
import { storedUploadBytes } from '../../core/files/usage-queries.ts';
import { tokensMatch } from '../../core/web/csrf.ts';

const UPLOAD_PURPOSE = 'client_upload';
const SHARED_PAGE_SIZE = 25;
const UPLOADS_SHOWN = 100;

const REFUSAL_STATUS: Record<UploadRefusal, number> = {
  not_multipart: 400, csrf: 403, no_file: 400, empty: 400, too_large: 413, wrong_type: 415, aborted: 400, storage_full: 413,
};

/** The content, refused as storage_full past what the workspace's storage quota has left. */
async function* withinQuota(content: AsyncIterable<Buffer>, remainingBytes: number): AsyncIterable<Buffer> {
  let size = 0;
  for await (const chunk of content) {
    size += chunk.length;
    if (size > remainingBytes) throw new UploadRefused('storage_full');
    yield chunk;
  }
}

export interface DocumentsDeps {
  db: Knex;
  adapter: HostAdapter;
  storage: FileStorage;
  bus: EventBus;
  virusScanner?: VirusScanner | undefined;
  logger: PortalLogger;
  /** config.workspaceStorageQuotaBytes: what the workspace's uploads may add up to. */
  storageQuotaBytes: number;
}

export function createDocumentsHandlers(deps: DocumentsDeps) {
  const { db, adapter, storage, bus, virusScanner, logger } = deps;

  /** The change's live event, written in its transaction (announce it after the commit). */
  const changed = (res: Response, trx: Knex.Transaction, data: { uploadId: string; change: 'uploaded' | 'deleted' }) => {
    const { workspace } = portalContext(res);
    return recordLiveEvent(trx, { type: 'document-changed', workspaceId: workspace.id, clientId: signedInClient(res).user.client_id, data });
  };
  /**
   * A host that takes client files (DocumentsPort.accept) gets a copy, so staff also find it among
   * the CRM's documents. The upload is done either way: a host that declines or fails is logged.
   */
  const handToHost = async (workspaceId: string, clientId: string, uploadedBy: string, received: { filename: string; type: { mime: string }; stored: { id: string; sizeBytes: number } }) => {
    const accept = adapter.documents?.accept;
    if (!accept) return;
    try {
      const opened = await storage.open(workspaceId, received.stored.id);
      if (!opened) return;
      const taken = await accept.call(adapter.documents, workspaceId, clientId, { name: received.filename, contentType: received.type.mime, sizeBytes: received.stored.sizeBytes, uploadedBy, content: opened.content });
      if (!taken) logger.info(`the host declined a client upload of ${received.stored.sizeBytes} bytes in workspace ${workspaceId}; it stays in the portal only`);
    } catch (err) {
      logger.error('could not hand a client upload to the host', err);
    }
  };
  const publish = (event: LiveEvent) => announce(bus, [event]).catch((err: unknown) => logger.error('could not announce a live event', err));

  const log = (req: Request, res: Response, event: ActivityEvent, details: Record<string, unknown>, trx: Knex | Knex.Transaction = db) => {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    return insertActivity(trx, { workspaceId: workspace.id, event, clientUserId: user.id, clientId: user.client_id, email: user.email, details, ...requestMeta(req) });
  };

  async function show(req: Request, res: Response, outcome: { error?: string; status?: number } = {}) {
    const { workspace, base, settings } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const query = (res.locals.query ?? {}) as DocumentsQueryInput;
    const [type, id] = query.record ? (query.record.split(':') as [HostRecordType, string]) : [];
    const filter = type && id ? { record: { type, id } } : {};
    const empty: Page<SharedDocument> = { items: [], next: null };
    const [shared, uploads] = await Promise.all([
      adapter.documents ? adapter.documents.list(workspace.id, user.client_id, filter, { limit: SHARED_PAGE_SIZE, after: query.after ?? null }) : empty,
      // The client's uploads belong to no host record, so a record filter leaves them out.
      query.record ? [] : listClientUploads(db, { workspaceId: workspace.id, clientId: user.client_id, limit: UPLOADS_SHOWN }),
    ]);
    const here = new URLSearchParams(query.record ? { record: query.record } : {});
    const nextUrl = shared.next ? `${base}/documents?${new URLSearchParams({ ...Object.fromEntries(here), after: shared.next })}` : null;
    renderPortalPage(req, res, 'documents/index', i18n.t('documents:title'), {
      shared: shared.items.map((doc) => presentShared(i18n, base, doc)),
      uploads: uploads.map((upload) => presentUpload(i18n, base, upload)),
      filtered: Boolean(query.record),
      refreshUrl: `${base}/documents${here.size ? `?${here}` : ''}`,
      // A fragment is swapped into a page that already follows the stream.
      live: !isFragmentRequest(req),
      recordOptions: recordOptions(i18n, shared.items, query.record ?? null),
      nextUrl,
      firstPageUrl: query.after ? `${base}/documents${here.size ? `?${here}` : ''}` : null,
      canUpload: canClient(settings, 'upload_file'),
      maxUploadMb: settings.maxUploadMb,
      uploadTypes: presentUploadTypes(i18n),
      notice: query.done ? i18n.t(`documents:notice.${query.done}`) : null,
      error: outcome.error ?? null,
    }, outcome.status ?? 200);
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

  return {
    show: (req: Request, res: Response) => show(req, res),

    /** The upload form's POST address, loaded again (a reload, Enter in the address bar): the Documents page. */
    uploadsAddress: (_req: Request, res: Response) => res.redirect(303, `${portalContext(res).base}/documents`),

    downloadShared: async (req: Request, res: Response) => {
      const id = parseParam(HostDocumentId, req.params.documentId);
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      const file = adapter.documents ? await adapter.documents.open(workspace.id, user.client_id, id) : null;
      if (!file) throw notFound('We could not find that document. It may no longer be shared with you.');
      await log(req, res, 'document.downloaded', { source: 'host', documentId: id, name: file.name });
      await sendDownload(res, file);
    },

    downloadUpload: async (req: Request, res: Response) => {
      const id = parseParam(UploadId, req.params.uploadId);
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      const upload = await findClientUpload(db, { workspaceId: workspace.id, clientId: user.client_id, uploadId: id });
      const file = upload ? await storage.open(workspace.id, upload.file_id) : null;
      if (!upload || !file) throw notFound('We could not find that upload.');
      await log(req, res, 'document.downloaded', { source: 'upload', uploadId: id, name: upload.filename });
      await sendDownload(res, { name: upload.filename, contentType: upload.content_type, sizeBytes: file.sizeBytes, content: file.content });
    },

    upload: async (req: Request, res: Response) => {
      const { workspace, settings } = portalContext(res);
      const client = signedInClient(res);
      requireClientAction(settings, 'upload_file');
      const i18n = portalI18n(res);
      let stored: { id: string; sizeBytes: number } | null = null;
      try {
        // A full workspace is refused before the body is read; one nearly full, as the file passes the line.
        const remainingBytes = deps.storageQuotaBytes - (await storedUploadBytes(db, workspace.id));
        if (remainingBytes <= 0) throw new UploadRefused('storage_full');
        const received = await receiveUpload(req, {
          maxBytes: settings.maxUploadMb * 1024 * 1024,
          csrfVerified: verifySessionCsrfHeader(req),
          csrfMatches: (token) => tokensMatch(req.session.csrfToken, token),
          store: async (meta, content) => (stored = await storage.putStream(workspace.id, UPLOAD_PURPOSE, meta, withinQuota(content, remainingBytes))),
        });
        if (virusScanner) {
          const opened = await storage.open(workspace.id, received.stored.id);
          if (!opened) throw new Error('an upload just stored could not be opened for scanning');
          const verdict = await virusScanner.scan(opened.content);
          if (verdict.infected) {
            logger.info(`upload refused by the virus scanner (${verdict.signature}) in workspace ${workspace.id}`);
            await storage.delete(workspace.id, received.stored.id);
            stored = null;
            return refuse(req, res, i18n.t('documents:errors.infected'), 422);
          }
        }
        const event = await db.transaction(async (trx) => {
          const row = await insertUpload(trx, {
            workspaceId: workspace.id,
            clientId: client.user.client_id,
            clientUserId: client.user.id,
            uploaderName: client.contact.name,
            fileId: received.stored.id,
            filename: received.filename,
            contentType: received.type.mime,
            sizeBytes: received.stored.sizeBytes,
          });
          // Staff notifications are built from the activity log: this event is the notice.
          await log(req, res, 'document.uploaded', { uploadId: row.id, name: row.filename, sizeBytes: row.size_bytes, contentType: row.content_type }, trx);
          return changed(res, trx, { uploadId: String(row.id), change: 'uploaded' });
        });
        stored = null;
        await publish(event);
        await handToHost(workspace.id, client.user.client_id, client.contact.name, received);
      } catch (err) {
        // Stored but not recorded (the scan or the insert failed): undo the file.
        const orphan = stored as { id: string } | null;
        if (orphan) await storage.delete(workspace.id, orphan.id).catch((undo: unknown) => logger.error('could not remove an unrecorded upload', undo));
        if (!(err instanceof UploadRefused)) throw err;
        if (err.reason === 'aborted') return; // Nobody is listening any more.
        if (err.reason === 'csrf') throw new HttpError(403, 'This form has expired. Please go back, reload the page and try again.');
        const message = i18n.t(`documents:errors.${err.reason}`, { mb: settings.maxUploadMb });
        // A refused body may still be arriving; closing the connection spares reading the rest.
        if (err.reason === 'too_large' || err.reason === 'storage_full') res.set('Connection', 'close');
        return refuse(req, res, message, REFUSAL_STATUS[err.reason]);
      }
      return afterChange(req, res, 'uploaded');
    },

    deleteUpload: async (req: Request, res: Response) => {
      const id = parseParam(UploadId, req.params.uploadId);
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      const upload = await findClientUpload(db, { workspaceId: workspace.id, clientId: user.client_id, uploadId: id });
      if (!upload) throw notFound('We could not find that upload.');
      if (!canDeleteUpload(upload)) throw new HttpError(409, portalI18n(res).t('documents:errors.opened'));
      const deleted = await db.transaction(async (trx) => {
        const row = await deleteUnopenedUpload(trx, { workspaceId: workspace.id, clientId: user.client_id, uploadId: id });
        if (!row) return null;
        await log(req, res, 'document.deleted', { uploadId: id, name: row.filename }, trx);
        return { row, event: await changed(res, trx, { uploadId: id, change: 'deleted' }) };
      });
      // Staff opened it between the check and the delete.
      if (!deleted) throw new HttpError(409, portalI18n(res).t('documents:errors.opened'));
      await publish(deleted.event);
      await storage.delete(workspace.id, deleted.row.file_id).catch((err: unknown) => logger.error(`could not remove the file of deleted upload ${id}`, err));
      return afterChange(req, res, 'deleted');
    },
  };
}

export type DocumentsHandlers = ReturnType<typeof createDocumentsHandlers>;
