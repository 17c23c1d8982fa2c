// A client's upload as one named piece of work, so the handler only turns its outcome into a page:
// check the workspace's quota, stream the file into storage (receive-upload.ts), ask the virus
// scanner, record it (the upload row, the activity entry the agency is notified from and the live
// event, in one transaction), announce the event, and hand a copy to a host that takes client files.
// A file stored but never recorded is deleted again, whichever step failed. Deleting an upload the
// agency has not opened is here too, with the same log and live event.
import type { Request } from 'express';
import type { Knex } from 'knex';
import {
  announce,
  type ClientActor,
  type EventBus,
  type FileStorage,
  type HostAdapter,
  insertClientActivity,
  type LiveEvent,
  type PortalLogger,
  recordLiveEvent,
  storedUploadBytes,
  type VirusScanner,
} from '../../core/index.ts';
import { deleteUnopenedUpload, insertUpload } from './queries.ts';
import { receiveUpload, UploadRefused, type ReceivedFile, type UploadRefusal } from './receive-upload.ts';

const UPLOAD_PURPOSE = 'client_upload';

/** Who uploads (or downloads): the signed-in client person, and the request's trail for the activity log. */
export interface Uploader extends ClientActor {
  /** Their name as the agency sees it beside the file. */
  name: string;
}

/** How the request's body is read: the size limit and the CSRF check that comes with the form. */
export interface UploadBody {
  maxBytes: number;
  csrfVerified: boolean;
  csrfMatches(token: string): boolean;
}

export type UploadOutcome = { ok: true } | { ok: false; refusal: UploadRefusal | 'infected' };

export interface ClientUploadsDeps {
  db: Knex;
  adapter: HostAdapter;
  storage: FileStorage;
  bus: EventBus;
  virusScanner?: VirusScanner | undefined;
  logger: PortalLogger;
  /** config.workspaceStorageQuotaBytes: what the workspace's uploads may add up to. */
  storageQuotaBytes: number;
}

type Stored = { id: string; sizeBytes: number };

/** The content, refused as storage_full past what the workspace's storage quota has left. */
async function* withinQuota(content: AsyncIterable<Buffer>, remainingBytes: number): AsyncIterable<Buffer> {
  let size = 0;
  for await (const chunk of content) {
    size += chunk.length;
    if (size > remainingBytes) throw new UploadRefused('storage_full');
    yield chunk;
  }
}

export class ClientUploads {
  constructor(private readonly deps: ClientUploadsDeps) {}

  async receive(req: Request, who: Uploader, body: UploadBody): Promise<UploadOutcome> {
    const { db, storage, virusScanner, logger } = this.deps;
    let stored: Stored | null = null;
    try {
      // A full workspace is refused before the body is read; one nearly full, as the file passes the line.
      const remainingBytes = this.deps.storageQuotaBytes - (await storedUploadBytes(db, who.workspace.id));
      if (remainingBytes <= 0) throw new UploadRefused('storage_full');
      const received = await receiveUpload<Stored>(req, {
        ...body,
        store: async (meta, content) =>
          (stored = await storage.putStream(who.workspace.id, UPLOAD_PURPOSE, meta, withinQuota(content, remainingBytes))),
      });
      if (virusScanner) {
        const opened = await storage.open(who.workspace.id, received.stored.id);
        if (!opened) throw new Error('an upload just stored could not be opened for scanning');
        const verdict = await virusScanner.scan(opened.content);
        if (verdict.infected) {
          logger.info(`upload refused by the virus scanner (${verdict.signature}) in workspace ${who.workspace.id}`);
          await storage.delete(who.workspace.id, received.stored.id);
          stored = null;
          return { ok: false, refusal: 'infected' };
        }
      }
      const event = await db.transaction(async (trx) => {
        const row = await insertUpload(trx, {
          workspaceId: who.workspace.id,
          clientId: who.user.client_id,
          clientUserId: who.user.id,
          uploaderName: who.name,
          fileId: received.stored.id,
          filename: received.filename,
          contentType: received.type.mime,
          sizeBytes: received.stored.sizeBytes,
        });
        // Staff notifications are built from the activity log: this entry is the notice.
        const details = { uploadId: row.id, name: row.filename, sizeBytes: row.size_bytes, contentType: row.content_type };
        await insertClientActivity(trx, who, 'document.uploaded', details);
        return this.changed(trx, who, { uploadId: String(row.id), change: 'uploaded' });
      });
      stored = null;
      await this.publish(event);
      await this.handToHost(who, received);
      return { ok: true };
    } catch (err) {
      // Stored but not recorded (the scan or the insert failed): undo the file.
      const orphan = stored as Stored | null;
      if (orphan)
        await storage
          .delete(who.workspace.id, orphan.id)
          .catch((undo: unknown) => logger.error('could not remove an unrecorded upload', undo));
      if (err instanceof UploadRefused) return { ok: false, refusal: err.reason };
      throw err;
    }
  }

  /** Deletes an upload the agency has not opened; false when staff opened it first. */
  async remove(who: Uploader, uploadId: string): Promise<boolean> {
    const { db, storage, logger } = this.deps;
    const deleted = await db.transaction(async (trx) => {
      const row = await deleteUnopenedUpload(trx, { workspaceId: who.workspace.id, clientId: who.user.client_id, uploadId });
      if (!row) return null;
      await insertClientActivity(trx, who, 'document.deleted', { uploadId, name: row.filename });
      return { row, event: await this.changed(trx, who, { uploadId, change: 'deleted' }) };
    });
    if (!deleted) return false;
    await this.publish(deleted.event);
    await storage
      .delete(who.workspace.id, deleted.row.file_id)
      .catch((err: unknown) => logger.error(`could not remove the file of deleted upload ${uploadId}`, err));
    return true;
  }

  /** The change's live event, written in its transaction (announced after the commit). */
  private changed(trx: Knex.Transaction, who: Uploader, data: { uploadId: string; change: 'uploaded' | 'deleted' }) {
    return recordLiveEvent(trx, { type: 'document-changed', workspaceId: who.workspace.id, clientId: who.user.client_id, data });
  }

  private publish(event: LiveEvent) {
    return announce(this.deps.bus, [event]).catch((err: unknown) => this.deps.logger.error('could not announce a live event', err));
  }

  /**
   * A host that takes client files (DocumentsPort.accept) gets a copy, so staff also find it among
   * the CRM's documents. The upload is done either way: a host that declines or fails is logged.
   */
  private async handToHost(who: Uploader, received: ReceivedFile<Stored>) {
    const { adapter, storage, logger } = this.deps;
    const accept = adapter.documents?.accept;
    if (!accept) return;
    try {
      const opened = await storage.open(who.workspace.id, received.stored.id);
      if (!opened) return;
      const taken = await accept.call(adapter.documents, who.workspace.id, who.user.client_id, {
        name: received.filename,
        contentType: received.type.mime,
        sizeBytes: received.stored.sizeBytes,
        uploadedBy: who.name,
        content: opened.content,
      });
      if (!taken)
        logger.info(
          `the host declined a client upload of ${received.stored.sizeBytes} bytes in workspace ${who.workspace.id}; it stays in the portal only`,
        );
    } catch (err) {
      logger.error('could not hand a client upload to the host', err);
    }
  }
}
