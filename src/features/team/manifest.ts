// The files of team beside its code: a client company's people and its requests for new colleagues.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as colleagueRequests from './migrations/20261230000001_colleague_requests.ts';
import * as colleagueRequestRoles from './migrations/20270101000002_colleague_request_roles.ts';

export const teamManifest: FeatureManifest = {
  name: 'team',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20261230000001_colleague_requests': colleagueRequests,
    '20270101000002_colleague_request_roles': colleagueRequestRoles,
  },
  staffPages: [{ path: '/colleague-requests', label: 'team:staffNav', order: 110 }],
};
