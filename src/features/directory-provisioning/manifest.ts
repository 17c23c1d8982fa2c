// The files of directory provisioning beside its code: a client company's directory (SCIM 2.0)
// creating, updating and deactivating its people. Read before any portal exists (src/core/feature.ts).
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as directoryProvisioning from './migrations/20270707000001_directory_provisioning.ts';

export const directoryProvisioningManifest: FeatureManifest = {
  name: 'directory-provisioning',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20270707000001_directory_provisioning': directoryProvisioning,
  },
  staffPages: [{ path: '/directory-provisioning', label: 'directoryProvisioning:staffNav', order: 150 }],
};
