// Devices, the agency's side: the devices a client has the agency look after, with their kind,
// status, serial number, asset tag, location and warranty, on a page of the client's.
import { Router } from 'express';
import { findClient } from '../../queries/clients.ts';
import { listDevices } from '../../queries/devices.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { statusLabel } from '../presenters.ts';
import { render } from '../render.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';

/** More than any client of the demo has; the page says when there are more. */
const LIMIT = 200;

/** The badge a device's status shows as (the stylesheet's colours). */
const BADGE = { active: 'accepted', maintenance: 'in_progress', inactive: 'void' } as const;

export function deviceRoutes({ db }: RouteDeps): Router {
  const router = Router();

  router.get('/clients/:id/devices', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const client = found(await findClient(db, { workspaceId, clientId: routeId(req.params.id) }));
    const rows = await listDevices(db, { workspaceId, clientId: client.id, state: 'all', limit: LIMIT + 1 });
    await render(res, 'devices/index', {
      title: `Devices of ${client.name}`,
      section: 'clients',
      client: { name: client.name, href: `/clients/${client.id}` },
      more: rows.length > LIMIT,
      devices: rows.slice(0, LIMIT).map((row) => ({
        // The anchor a ticket about the device links to.
        anchor: `device-${row.id}`,
        name: row.name,
        kind: statusLabel(row.kind),
        badge: BADGE[row.status],
        statusLabel: statusLabel(row.status),
        serialNumber: row.serial_number ?? '—',
        assetTag: row.asset_tag ?? '—',
        location: row.location ?? '—',
        warrantyEndsOn: row.warranty_ends_on ?? '—',
      })),
    });
  });

  return router;
}
