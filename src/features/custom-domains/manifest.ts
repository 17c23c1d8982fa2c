// The files of custom-domains beside its code: a workspace's portal at the agency's own domain.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as customDomains from './migrations/20270202000001_custom_domains.ts';

export const customDomainsManifest: FeatureManifest = {
  name: 'custom-domains',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20270202000001_custom_domains': customDomains,
  },
  staffPages: [{ path: '/custom-domains', label: 'customDomains:staffNav', order: 130 }],
};
