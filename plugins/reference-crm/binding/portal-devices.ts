// The reference CRM's devices as the portal's DevicesPort sees them: every call scoped by
// workspace and client (an id of another company's device is "not found"). The tickets about a
// device are read through the tickets port (TicketListFilter.deviceId).
import type { DeviceDetail, DeviceSummary, DevicesPort, DeviceType } from '../../../src/index.ts';
import { parseId, toHostId } from '../ids.ts';
import type { Db } from '../queries/db.ts';
import { type DeviceKind, type DeviceRow, findDevice, listDevices } from '../queries/devices.ts';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.ts';

const TYPE_OF: Record<DeviceKind, DeviceType> = {
  workstation: 'workstation',
  network_device: 'networkDevice',
  server: 'server',
  mobile_device: 'mobileDevice',
  printer: 'printer',
  other: 'other',
};
const KIND_OF = Object.fromEntries(Object.entries(TYPE_OF).map(([kind, type]) => [type, kind])) as Record<DeviceType, DeviceKind>;

function presentSummary(row: DeviceRow): DeviceSummary {
  return {
    id: toHostId(row.id),
    name: row.name,
    type: TYPE_OF[row.kind],
    status: row.status,
    active: row.status !== 'inactive',
    serialNumber: row.serial_number,
    assetTag: row.asset_tag,
    location: row.location,
    updatedAt: row.updated_at,
  };
}

export function referenceDevices(db: Db): DevicesPort {
  return {
    // The CRM shows a company's devices to each of its people: the contact does not narrow the reads.
    async list(workspaceId, clientId, _contactId, filter, page) {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const none = { items: [], next: null };
      if (ws === null || client === null) return none;
      const key = page.after ? decodeCursor(page.after, ['number']) : null;
      if (page.after && !key) return none;
      const limit = pageLimit(page.limit);
      const search = filter.search?.trim();
      const rows = await listDevices(db, {
        workspaceId: ws,
        clientId: client,
        state: filter.state,
        ...(filter.type ? { kind: KIND_OF[filter.type] } : {}),
        ...(search ? { search } : {}),
        ...(key ? { afterId: key[0] as number } : {}),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items: items.map(presentSummary), next: rows.length > limit && last ? encodeCursor([last.id]) : null };
    },

    async find(workspaceId, clientId, _contactId, deviceId): Promise<DeviceDetail | null> {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const id = parseId(deviceId);
      if (ws === null || client === null || id === null) return null;
      const row = await findDevice(db, { workspaceId: ws, clientId: client, deviceId: id });
      return row ? { ...presentSummary(row), purchasedOn: row.purchased_on, warrantyEndsOn: row.warranty_ends_on } : null;
    },
  };
}
