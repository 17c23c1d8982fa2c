// The files of the devices section beside its code: the devices the agency looks after for a client.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as showDevices from './migrations/20270503000001_show_devices.ts';

export const devicesManifest: FeatureManifest = {
  name: 'devices',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20270503000001_show_devices': showDevices,
  },
  hostPorts: [{ member: 'devices', port: 'DevicesPort', claim: { concept: 'asset' } }],
};
