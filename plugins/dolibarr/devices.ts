// DevicesPort on Dolibarr: the serial numbered units shipped to the client company
// (queries/devices.ts, from devicesSeenBy in visibility.ts), by name. Dolibarr's Asset module is
// the agency's own ledger of fixed assets and names no third party, so it is not read; what says
// "this unit is the client's" in Dolibarr is its serial number on a shipment to them.
//   name        = the product's label (its ref where the label is blank)
//   serial      = the lot's batch (the serial number)
//   asset tag   = the lot's own barcode (llx_product_lot.barcode): it tells this unit from its
//                 siblings, where the product's ref is the model every unit of it shares
//   kind        = other: a product's type (llx_product.fk_product_type) is only product or service
//   status      = Destroyed (Dolibarr's "Destruction date", scrapping_date, reached), else
//                 Delivered (its last shipment closed: the customer received it), else Shipped
//   state       = out of service where the destruction date is set and reached
//   purchased   = the day it reached the client: a closed shipment's delivery date, else the
//                 shipment's validation date
//   warranty    = the lot's End of life (eol_date)
// Only where the Lot/Serial module (productbatch) is on: dolibarrDevicesModule.
import type { Knex } from 'knex';
import type { DeviceDetail, DevicesPort, DeviceSummary } from '../../src/index.ts';
import { clampLimit, containsPattern, decodeCursor, encodeCursor } from '../../src/index.ts';
import { parseId, toHostId } from './ids.ts';
import { moduleEnabled } from './queries/constants.ts';
import { type DeviceRow, findDevice, listDevices } from './queries/devices.ts';

/** Expedition::STATUS_CLOSED: the parcel was received by the customer. */
const SHIPMENT_CLOSED = 2;
const MAX_SEARCH = 200;

/**
 * Whether the portal may offer devices beside this Dolibarr: the Lot/Serial module is on for the
 * entity (MAIN_MODULE_PRODUCTBATCH, modProductBatch's const_name). Its tables are in every
 * Dolibarr schema; without the module no serial is recorded on a shipment.
 */
export async function dolibarrDevicesModule(db: Knex, entity: number): Promise<boolean> {
  return moduleEnabled(db, { entity, module: 'productbatch' });
}

function statusOf(row: DeviceRow): string {
  if (row.scrapped) return 'Destroyed';
  return row.shipment_status === SHIPMENT_CLOSED ? 'Delivered' : 'Shipped';
}

function presentSummary(row: DeviceRow): DeviceSummary {
  return {
    id: toHostId(row.rowid),
    name: row.product_label?.trim() || row.product_ref,
    type: 'other',
    status: statusOf(row),
    active: !row.scrapped,
    serialNumber: row.batch?.trim() || null,
    assetTag: row.barcode?.trim() || null,
    location: null,
    updatedAt: row.tms,
  };
}

export function dolibarrDevices(db: Knex, entityOf: (workspaceId: string) => number | null): DevicesPort {
  const scopeOf = (workspaceId: string, clientId: string) => {
    const entity = entityOf(workspaceId);
    const companyId = parseId(clientId);
    return entity === null || companyId === null ? null : { entity, companyId };
  };
  return {
    // Dolibarr shows a company's shipments to each of its people: the contact does not narrow the reads.
    async list(workspaceId, clientId, _contactId, filter, page) {
      const none = { items: [], next: null };
      const scope = scopeOf(workspaceId, clientId);
      // Every device here is of the kind 'other': a filter on another kind has none.
      if (!scope || (filter.type !== undefined && filter.type !== 'other')) return none;
      const parts = page.after ? decodeCursor(page.after) : null;
      const afterId = parts?.length === 1 && typeof parts[0] === 'string' ? parseId(parts[0]) : null;
      if (page.after && afterId === null) return none;
      const limit = clampLimit(page.limit);
      const search = filter.search?.trim().slice(0, MAX_SEARCH);
      const rows = await listDevices(db, {
        ...scope,
        state: filter.state,
        ...(search ? { matching: containsPattern(search) } : {}),
        ...(afterId !== null ? { afterId } : {}),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items: items.map(presentSummary), next: rows.length > limit && last ? encodeCursor([toHostId(last.rowid)]) : null };
    },

    async find(workspaceId, clientId, _contactId, deviceId): Promise<DeviceDetail | null> {
      const scope = scopeOf(workspaceId, clientId);
      const lotId = parseId(deviceId);
      if (!scope || lotId === null) return null;
      const row = await findDevice(db, { ...scope, lotId });
      return row ? { ...presentSummary(row), purchasedOn: row.received_on, warrantyEndsOn: row.eol_on } : null;
    },
  };
}
