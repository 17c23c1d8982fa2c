// Devices, the agency's side: the devices a client has the agency look after, with their kind,
// status, serial number, asset tag, location and warranty, on a page of the client's; and the form
// staff add one with or change it on (its client too). Tickets name devices, so a device the agency
// no longer looks after is made inactive, never deleted; the portal shows the client what staff
// enter here. Each form is a POST with the CSRF token that redirects to the client's devices (PRG);
// a refused one is shown again with its values and what to change (400).
import { Router, type Response } from 'express';
import { z } from 'zod';
import { DEVICE_KINDS, DEVICE_STATUSES } from '../../migrations/20270503000001_devices.ts';
import { findClient, listClients } from '../../queries/clients.ts';
import { type DeviceRow, findDevice, insertDevice, listDevices, updateDevice } from '../../queries/devices.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { choiceField, type FieldError, idField, nameText, optionalDateField, optionalText, parseForm } from '../forms.ts';
import { clientOptions, statusLabel } from '../presenters.ts';
import { formView, render } from '../render.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';

/** More than any client of the demo has; the page says when there are more. */
const LIMIT = 200;

/** The badge a device's status shows as (the stylesheet's colours). */
const BADGE = { active: 'accepted', maintenance: 'in_progress', inactive: 'void' } as const;

const CLIENT_CHOICE = 'Choose the client whose device it is.';

const deviceSchema = z
  .object({
    clientId: idField(CLIENT_CHOICE),
    name: nameText('Name', 200, 'Enter the device’s name, for example Reception PC.'),
    kind: choiceField(DEVICE_KINDS, 'Choose the kind of device from the list.'),
    status: choiceField(DEVICE_STATUSES, 'Choose a status: active, maintenance or inactive.'),
    serialNumber: optionalText('Serial number', 120),
    assetTag: optionalText('Asset tag', 120),
    location: optionalText('Location', 200),
    purchasedOn: optionalDateField('Purchase date'),
    warrantyEndsOn: optionalDateField('Warranty end'),
  })
  .refine((d) => d.purchasedOn === null || d.warrantyEndsOn === null || d.warrantyEndsOn >= d.purchasedOn, {
    path: ['warrantyEndsOn'],
    error: 'The warranty cannot end before the device was bought.',
  });

const kindOptions = DEVICE_KINDS.map((value) => ({ value, label: statusLabel(value) }));
const statusOptions = [
  { value: 'active', label: 'Active' },
  { value: 'maintenance', label: 'In maintenance' },
  { value: 'inactive', label: 'Inactive: the agency no longer looks after it' },
];

function valuesOf(row: DeviceRow) {
  return {
    clientId: String(row.client_id),
    name: row.name,
    kind: row.kind,
    status: row.status,
    serialNumber: row.serial_number ?? '',
    assetTag: row.asset_tag ?? '',
    location: row.location ?? '',
    purchasedOn: row.purchased_on ?? '',
    warrantyEndsOn: row.warranty_ends_on ?? '',
  };
}

export function deviceRoutes({ db }: RouteDeps): Router {
  const router = Router();

  async function showForm(
    res: Response,
    page: { client: { id: number; name: string }; device: DeviceRow | null; values: unknown; errors: FieldError[] },
    status = 200,
  ) {
    const clients = await listClients(db, { workspaceId: staffOf(res).workspaceId });
    await render(
      res,
      'devices/form',
      {
        title: page.device ? page.device.name : `New device of ${page.client.name}`,
        section: 'clients',
        client: { name: page.client.name, href: `/clients/${page.client.id}`, devicesHref: `/clients/${page.client.id}/devices` },
        action: page.device ? `/devices/${page.device.id}` : `/clients/${page.client.id}/devices`,
        editing: page.device !== null,
        form: formView(page.values, page.errors),
        clients: clientOptions(clients),
        kindOptions,
        statusOptions,
      },
      status,
    );
  }

  /** The device's columns from the form, with its client found in the workspace; or the refusals. */
  async function readForm(workspaceId: number, body: unknown) {
    const parsed = parseForm(deviceSchema, body);
    if (!parsed.ok) return { ok: false as const, errors: parsed.errors };
    const client = await findClient(db, { workspaceId, clientId: parsed.data.clientId });
    if (!client) return { ok: false as const, errors: [{ field: 'clientId', message: CLIENT_CHOICE }] };
    return { ok: true as const, device: parsed.data };
  }

  router.get('/clients/:id/devices', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const client = found(await findClient(db, { workspaceId, clientId: routeId(req.params.id) }));
    const rows = await listDevices(db, { workspaceId, clientId: client.id, state: 'all', limit: LIMIT + 1 });
    await render(res, 'devices/index', {
      title: `Devices of ${client.name}`,
      section: 'clients',
      client: { name: client.name, href: `/clients/${client.id}`, newHref: `/clients/${client.id}/devices/new` },
      more: rows.length > LIMIT,
      devices: rows.slice(0, LIMIT).map((row) => ({
        // The anchor a ticket about the device links to.
        anchor: `device-${row.id}`,
        href: `/devices/${row.id}`,
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

  router.get('/clients/:id/devices/new', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const client = found(await findClient(db, { workspaceId, clientId: routeId(req.params.id) }));
    await showForm(res, {
      client,
      device: null,
      values: { clientId: String(client.id), kind: 'workstation', status: 'active' },
      errors: [],
    });
  });

  router.post('/clients/:id/devices', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const client = found(await findClient(db, { workspaceId, clientId: routeId(req.params.id) }));
    const read = await readForm(workspaceId, req.body);
    if (!read.ok) return showForm(res, { client, device: null, values: req.body, errors: read.errors }, 400);
    const id = await insertDevice(db, { workspaceId, ...read.device });
    res.redirect(303, `/clients/${read.device.clientId}/devices#device-${id}`);
  });

  router.get('/devices/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const device = found(await findDevice(db, { workspaceId, deviceId: routeId(req.params.id) }));
    const client = found(await findClient(db, { workspaceId, clientId: device.client_id }));
    await showForm(res, { client, device, values: valuesOf(device), errors: [] });
  });

  router.post('/devices/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const device = found(await findDevice(db, { workspaceId, deviceId: routeId(req.params.id) }));
    const client = found(await findClient(db, { workspaceId, clientId: device.client_id }));
    const read = await readForm(workspaceId, req.body);
    if (!read.ok) return showForm(res, { client, device, values: req.body, errors: read.errors }, 400);
    await updateDevice(db, { workspaceId, deviceId: device.id, ...read.device });
    res.redirect(303, `/clients/${read.device.clientId}/devices#device-${device.id}`);
  });

  return router;
}
