// Client uploads on the staff side: every file the workspace's clients sent, newest first, and
// the download. The first staff download marks the upload opened, after which the client can no
// longer delete it.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  clientNamesOf,
  type EventBus,
  type FileStorage,
  type HostAdapter,
  notFound,
  parseParam,
  recordAndAnnounce,
  renderAdminPage,
  sendDownload,
  staffContext,
} from '../../core/index.ts';
import { findWorkspaceUpload, listWorkspaceUploads, markOpenedByStaff } from '../documents/index.ts';
import { UploadId } from '../documents/index.ts';

const STAFF_UPLOADS_SHOWN = 200;

const size = (bytes: number) =>
  bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : bytes >= 1e3 ? `${Math.round(bytes / 1e3)} KB` : `${bytes} bytes`;

export function createUploadsHandlers(deps: {
  db: Knex;
  adapter: HostAdapter;
  storage: FileStorage;
  bus: EventBus;
  /** The staff live stream (the messages pages' one), which this page follows too. */
  streamUrl: string;
  now: () => Date;
  logger: { error(message: string, err?: unknown): void };
}) {
  const { db, adapter, storage, bus, now } = deps;
  return {
    list: async (req: Request, res: Response) => {
      const { workspace, base, i18n } = staffContext(res);
      const { t, fmt } = i18n;
      const uploads = await listWorkspaceUploads(db, { workspaceId: workspace.id, limit: STAFF_UPLOADS_SHOWN });
      const clientNames = await clientNamesOf(
        adapter.clients,
        workspace.id,
        uploads.map((upload) => upload.client_id),
      );
      renderAdminPage(req, res, 'admin/uploads', t('admin:uploads.title'), {
        streamUrl: deps.streamUrl,
        uploads: uploads.map((upload) => ({
          name: upload.filename,
          type: upload.content_type,
          size: size(upload.size_bytes),
          uploadedAt: fmt.dateTime(upload.created_at),
          who: upload.uploader_name,
          client: clientNames.get(upload.client_id) ?? t('admin:uploads.formerClient'),
          opened: upload.staff_opened_at ? fmt.dateTime(upload.staff_opened_at) : null,
          downloadUrl: `${base}/uploads/${upload.id}/download`,
        })),
      });
    },

    download: async (req: Request, res: Response) => {
      const id = parseParam(UploadId, req.params.uploadId);
      const { workspace, staff } = staffContext(res);
      const upload = await findWorkspaceUpload(db, { workspaceId: workspace.id, uploadId: id });
      const file = upload ? await storage.open(workspace.id, upload.file_id) : null;
      if (!upload || !file) throw notFound('We could not find that upload. The client may have deleted it.');
      // The first opening takes the client's delete away: their open documents page hears of it.
      if (await markOpenedByStaff(db, { workspaceId: workspace.id, uploadId: id, staffId: staff.id, at: now() })) {
        await recordAndAnnounce(
          db,
          bus,
          { type: 'document-changed', workspaceId: workspace.id, clientId: upload.client_id, data: { uploadId: id, change: 'opened' } },
          (m, e) => deps.logger.error(m, e),
        );
      }
      await sendDownload(res, {
        name: upload.filename,
        contentType: upload.content_type,
        sizeBytes: file.sizeBytes,
        content: file.content,
      });
    },
  };
}
