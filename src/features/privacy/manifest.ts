// The files of privacy beside its code: each person's own data: exports and erasure.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as dataExportsAndErasure from './migrations/20261228000001_data_exports_and_erasure.ts';

export const privacyManifest: FeatureManifest = {
  name: 'privacy',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20261228000001_data_exports_and_erasure': dataExportsAndErasure,
  },
  staffPages: [{ path: '/erasure-requests', label: 'privacy:staffNav', order: 120 }],
};
