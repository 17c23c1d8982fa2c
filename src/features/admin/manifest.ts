// The files of admin beside its code: the workspace's settings and its clients' access, for staff.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';

export const adminManifest: FeatureManifest = {
  name: 'admin',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
};
