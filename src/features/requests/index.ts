// Requests: what the agency offers its clients to ask for (services, quotes), each with its own
// form, and the client's requests with the agency's answer, kept by the host.
import type { CoreServices, Feature } from '../../core/index.ts';
import { createRequestsHandlers } from './handlers.ts';
import { createPendingFiles, PENDING_SWEEP_MS } from './pending-files.ts';
import { requestsManifest } from './manifest.ts';
import { requestsPersonalData } from './personal-data.ts';
import { REQUESTS_MULTIPART_PATHS, requestsRoutes } from './routes.ts';
import { type StaffRequestFiles, staffRequestFiles } from './staff-files.ts';
import { type StaffRequestThread, staffRequestThread } from './staff-thread.ts';
import type { LiveCommentsPort } from '../messages/index.ts';
import type { ClientEvent } from '../client-notifications/index.ts';

// This feature's host port, for the features that build on it.
export type { RequestField, ServiceRequestsPort } from './port.ts';

export type { StaffRequestFile } from './staff-files.ts';
export type { StaffRequestThreadView } from './staff-thread.ts';

export function requestsFeature(
  core: CoreServices,
  hooks: { comments: LiveCommentsPort; notify: (event: ClientEvent) => Promise<number> },
): Feature & { staffFiles: StaffRequestFiles; staffThread: StaffRequestThread } {
  const { db, adapter, events, storage, virusScanner, config, logger } = core;
  const { requests } = adapter;
  const onError = (message: string, err: unknown) => logger.error(message, err);
  const pendingFiles = createPendingFiles({ db, storage, now: core.now, onError });
  return {
    name: requestsManifest.name,
    needs: { ports: ['requests'] },
    personalData: requestsPersonalData({ db, storage, now: core.now }),
    clientRoutes: requests
      ? [
          requestsRoutes(
            createRequestsHandlers({
              db,
              adapter: { ...adapter, requests },
              storage,
              bus: events,
              virusScanner,
              storageQuotaBytes: config.workspaceStorageQuotaBytes,
              limiter: core.limiter,
              pendingFiles,
              comments: hooks.comments,
              now: core.now,
              onError,
            }),
          ),
        ]
      : [],
    // A refused form's files wait an hour at most, and no longer than their session.
    jobs: requests
      ? [
          {
            name: 'pending request files',
            everyMs: PENDING_SWEEP_MS,
            run: () => void pendingFiles.sweep().catch((err: unknown) => onError('pending request files sweep failed', err)),
          },
        ]
      : [],
    // A request with files carries its CSRF token in its body, checked as it is read.
    multipartPaths: REQUESTS_MULTIPART_PATHS,
    // The client's files for the host's own staff page of the request (CustomerPortal.requestFiles).
    staffFiles: staffRequestFiles({ db, storage }),
    // The request's thread for the host's own staff page (CustomerPortal.requestThread).
    staffThread: staffRequestThread({ comments: hooks.comments, notify: hooks.notify, onError }),
  };
}
