// Documents: what the agency shares with a client (download) and what the client uploads back
// (virus-scanned, within the workspace's quota), with live updates of the list.
import { documentsManifest } from './manifest.ts';
import type { CoreServices, Feature } from '../../core/index.ts';
import { createDocumentsHandlers } from './handlers.ts';
import { documentsPersonalData } from './personal-data.ts';
import { documentsRoutes, UPLOAD_PATH } from './routes.ts';

// This feature's host port, for the features that build on it.
export type { DocumentContent, HostRecordRef, SharedDocument } from './port.ts';

export { UploadId } from './commands.ts';
export { presentShared, presentUploadTypes } from './presenters.ts';
export { findWorkspaceUpload, listWorkspaceUploads, markOpenedByStaff } from './queries.ts';

export function documentsFeature(core: CoreServices): Feature {
  const { db, adapter, storage, events, virusScanner, logger, config } = core;
  return {
    name: documentsManifest.name,
    needs: { ports: [] },
    personalData: documentsPersonalData({ db, storage }),
    clientRoutes: [
      documentsRoutes(
        createDocumentsHandlers({
          db,
          adapter,
          storage,
          bus: events,
          virusScanner,
          logger,
          storageQuotaBytes: config.workspaceStorageQuotaBytes,
        }),
      ),
    ],
    multipartPaths: [UPLOAD_PATH],
  };
}
