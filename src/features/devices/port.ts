// The host port of the devices the agency looks after (DevicesPort): what the portal needs from the
// host CRM for this feature, beside the core's ports (src/core/ports/host.ts). A host binding
// implements it; the declaration at the end adds it to HostAdapter, so the core names no feature.
import type { HostId, Page, PageRequest } from '../../core/index.ts';

/** A device's kind, as the portal names it; a host maps its own (Alga's asset_type) onto these. */
export type DeviceType = 'workstation' | 'networkDevice' | 'server' | 'mobileDevice' | 'printer' | 'other';
export const DEVICE_TYPES: readonly DeviceType[] = ['workstation', 'networkDevice', 'server', 'mobileDevice', 'printer', 'other'];

/** One of the devices the agency looks after for a client, as the host keeps it. */
export interface DeviceSummary {
  id: HostId;
  name: string;
  type: DeviceType;
  /** The host's own word for its status ('active', 'in repair'), shown as it is. */
  status: string;
  /** False for a device the host marks inactive (retired, disposed of). */
  active: boolean;
  serialNumber: string | null;
  assetTag: string | null;
  /** Where it stands, where the host knows it; null otherwise. */
  location: string | null;
  updatedAt: Date | null;
}

export interface DeviceDetail extends DeviceSummary {
  purchasedOn: string | null;
  /** 'YYYY-MM-DD', where the host keeps a warranty end. */
  warrantyEndsOn: string | null;
}

/** Which of a client's devices list() returns. */
interface DeviceListFilter {
  state: 'active' | 'inactive' | 'all';
  type?: DeviceType;
  /** Text the name, asset tag or serial number contains, case-insensitive. */
  search?: string;
}

/**
 * The devices the agency looks after for one client company: every query scoped by workspace and
 * client, so another company's device is not found. The tickets about a device are read through
 * TicketsPort.list (filter.deviceId), so the host's rules for which tickets a person sees apply.
 */
export interface DevicesPort {
  /** By name, then id. */
  list(workspaceId: HostId, clientId: HostId, contactId: HostId, filter: DeviceListFilter, page: PageRequest): Promise<Page<DeviceSummary>>;
  find(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId): Promise<DeviceDetail | null>;
}

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** The devices the agency looks after for clients; without it the devices section does not exist. */
    devices?: DevicesPort;
  }
}
