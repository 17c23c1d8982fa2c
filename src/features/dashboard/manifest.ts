// The files of dashboard beside its code: the client's start page.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';

export const dashboardManifest: FeatureManifest = {
  name: 'dashboard',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  hostPorts: [{ member: 'summaries', port: 'SummariesPort', methods: ['forClient'], required: true }],
};
