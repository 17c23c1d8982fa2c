// Devices: what the agency looks after for a client, as the host keeps it, with the tickets about each.
import type { CoreServices, Feature } from '../../core/index.ts';
import { createDevicesHandlers } from './handlers.ts';
import { devicesManifest } from './manifest.ts';
import { devicesRoutes } from './routes.ts';

export function devicesFeature(core: CoreServices): Feature {
  const { devices, tickets } = core.adapter;
  return {
    name: devicesManifest.name,
    needs: { ports: ['devices'] },
    clientRoutes: devices ? [devicesRoutes(createDevicesHandlers({ devices, tickets }))] : [],
  };
}
