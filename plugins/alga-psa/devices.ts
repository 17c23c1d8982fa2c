// DevicesPort on Alga PSA: the client's assets as Alga's own client portal lists them
// (queries/assets.ts, after client-assets.ts), by name. Alga's status is its own free text, shown
// as it is; a device is out of service where Alga's client portal counts it inactive. Its
// location is the asset's own location text, as Alga's client asset page shows it.
import type { Knex } from 'knex';
import type { DeviceDetail, DeviceSummary, DevicesPort, DeviceType } from '../../src/index.ts';
import { clampLimit, decodeCursor, encodeCursor } from '../../src/index.ts';
import { parseUuid } from './ids.ts';
import { type AlgaAssetRow, type AlgaAssetType, findAlgaAsset, listAlgaAssets } from './queries/assets.ts';

type TenantOf = (workspaceId: string) => string | null;

const TYPE_OF: Record<AlgaAssetType, DeviceType> = {
  workstation: 'workstation',
  network_device: 'networkDevice',
  server: 'server',
  mobile_device: 'mobileDevice',
  printer: 'printer',
};
const ALGA_TYPE_OF = Object.fromEntries(Object.entries(TYPE_OF).map(([alga, type]) => [type, alga])) as Record<DeviceType, AlgaAssetType>;

const day = (value: Date | null) => (value ? value.toISOString().slice(0, 10) : null);

function presentSummary(row: AlgaAssetRow): DeviceSummary {
  return {
    id: row.asset_id,
    name: row.name,
    type: (Object.hasOwn(TYPE_OF, row.asset_type ?? '') ? TYPE_OF[row.asset_type as AlgaAssetType] : 'other') satisfies DeviceType,
    status: row.status ?? '',
    active: row.status !== 'inactive',
    serialNumber: row.serial_number,
    assetTag: row.asset_tag,
    location: row.location,
    updatedAt: row.updated_at,
  };
}

export function algaDevices(db: Knex, tenantOf: TenantOf): DevicesPort {
  const scopeOf = (workspaceId: string, clientId: string) => {
    const tenant = tenantOf(workspaceId);
    const client = parseUuid(clientId);
    return tenant === null || client === null ? null : { tenant, clientId: client };
  };
  return {
    // Alga shows a client's assets to each of its people: the contact does not narrow the reads.
    async list(workspaceId, clientId, _contactId, filter, page) {
      const none = { items: [], next: null };
      const scope = scopeOf(workspaceId, clientId);
      if (!scope) return none;
      const parts = page.after ? decodeCursor(page.after) : null;
      const afterId = parts?.length === 1 ? parseUuid(parts[0]) : null;
      if (page.after && !afterId) return none;
      const limit = clampLimit(page.limit);
      const search = filter.search?.trim();
      const rows = await listAlgaAssets(db, {
        ...scope,
        state: filter.state,
        ...(filter.type ? { type: filter.type === 'other' ? 'unknown' : ALGA_TYPE_OF[filter.type] } : {}),
        ...(search ? { search } : {}),
        ...(afterId ? { afterId } : {}),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items: items.map(presentSummary), next: rows.length > limit && last ? encodeCursor([last.asset_id]) : null };
    },

    async find(workspaceId, clientId, _contactId, deviceId): Promise<DeviceDetail | null> {
      const scope = scopeOf(workspaceId, clientId);
      const assetId = parseUuid(deviceId);
      if (!scope || !assetId) return null;
      const row = await findAlgaAsset(db, { ...scope, assetId });
      return row ? { ...presentSummary(row), purchasedOn: day(row.purchase_date), warrantyEndsOn: day(row.warranty_end_date) } : null;
    },
  };
}
