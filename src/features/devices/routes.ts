// Devices routes, behind requireClient and the devices section (the showDevices switch with the
// person's devices permission): switched off, or without the permission, every page is a 404 like
// one that does not exist. Read only: a ticket about a device is opened with the tickets' own
// form (/tickets/new?device=…), which links the two as it writes the ticket.
import { Router } from 'express';
import { allow, validateQuery } from '../../core/index.ts';
import { DevicesQuery } from './commands.ts';
import type { DevicesHandlers } from './handlers.ts';

export function devicesRoutes(h: DevicesHandlers): Router {
  const router = Router({ mergeParams: true });
  const devices = allow.section('devices');
  router.get('/devices', devices, validateQuery(DevicesQuery), h.list);
  router.get('/devices/:deviceId', devices, h.show);
  return router;
}
