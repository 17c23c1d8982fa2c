// Devices. The device asked for is one of Maria's company (Northwind) in workspace demo: another
// client of the workspace, and a client of another workspace, get 404 for it, and for the
// new-ticket form started from it. The list is each client's own.
import { demoWorkspaceId } from '../support/demo-records.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

async function ownDevice(world: MatrixWorld): Promise<string> {
  const db = world.h.crm.db;
  const row = await db('devices')
    .where({ workspace_id: await demoWorkspaceId(db), name: 'Web server' })
    .first('id');
  return String(row.id);
}

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/devices', url: () => '/devices?q=server', ownedByClient: false, switches: ['showDevices'] },
  {
    method: 'GET',
    path: '/devices/:deviceId',
    url: async (world) => `/devices/${await ownDevice(world)}`,
    ownedByClient: true,
    switches: ['showDevices'],
  },
  // The tickets' own form, started from a device: the device is the owner's company's.
  {
    method: 'GET',
    path: '/tickets/new',
    url: async (world) => `/tickets/new?device=${await ownDevice(world)}`,
    ownedByClient: true,
    switches: ['showTickets', 'showDevices'],
  },
];
