// The files of requests beside its code: the client's service and quote requests.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as requests from './migrations/20270403000001_requests.ts';
import * as pendingFiles from './migrations/20270618000001_request_pending_files.ts';

export const requestsManifest: FeatureManifest = {
  name: 'requests',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20270403000001_requests': requests,
    '20270618000001_request_pending_files': pendingFiles,
  },
};
