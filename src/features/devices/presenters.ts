// View models for the devices pages: a device's kind and state in the reader's language, the
// host's own word for its status beside them where it says more (in the reader's language when it
// is a word hosts commonly use), and dates in the reader's zone.
import type { RequestI18n } from '../../core/index.ts';
import type { DeviceDetail, DeviceSummary } from './port.ts';

/** The status chip's look (views/partials/status-chip.ejs): in service, or not. */
const chipOf = (device: Pick<DeviceSummary, 'active'>) => (device.active ? 'on' : 'off');

/**
 * The status words the reference CRM, Alga PSA and Dolibarr store (and a few more hosts use), as
 * keys of `devices:hostStatus`: a host's free text is otherwise shown as the host wrote it.
 */
const HOST_STATUSES = [
  'active',
  'inactive',
  'maintenance',
  'in_repair',
  'retired',
  'disposed',
  'lost',
  'stolen',
  'shipped',
  'delivered',
  'destroyed',
] as const;
type HostStatus = (typeof HOST_STATUSES)[number];
const isHostStatus = (word: string): word is HostStatus => (HOST_STATUSES as readonly string[]).includes(word);

/**
 * The host's status beside the state chip, or null where it adds nothing: "active" beside "In
 * service" (or "inactive" beside "Out of service") only repeats the chip, in English.
 */
function statusWords(i18n: RequestI18n, device: Pick<DeviceSummary, 'status' | 'active'>): string | null {
  const word = device.status
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (!word || word === (device.active ? 'active' : 'inactive')) return null;
  return isHostStatus(word) ? i18n.t(`devices:hostStatus.${word}`) : device.status.trim();
}

export function deviceHref(base: string, id: string): string {
  return `${base}/devices/${encodeURIComponent(id)}`;
}

export function presentDeviceRow(i18n: RequestI18n, base: string, device: DeviceSummary) {
  return {
    href: deviceHref(base, device.id),
    name: device.name,
    type: i18n.t(`devices:type.${device.type}`),
    chip: chipOf(device),
    stateLabel: i18n.t(device.active ? 'devices:state.active' : 'devices:state.inactive'),
    status: statusWords(i18n, device),
    serialNumber: device.serialNumber,
    assetTag: device.assetTag,
    location: device.location,
  };
}

export function presentDevice(i18n: RequestI18n, base: string, device: DeviceDetail) {
  const day = (value: string | null) => (value ? i18n.fmt.day(value) : null);
  return {
    ...presentDeviceRow(i18n, base, device),
    purchasedOn: day(device.purchasedOn),
    warrantyEndsOn: day(device.warrantyEndsOn),
    updatedAt: device.updatedAt ? i18n.fmt.dateTime(device.updatedAt) : null,
  };
}
