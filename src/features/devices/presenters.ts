// View models for the devices pages: a device's kind and state in the reader's language, the
// host's own word for its status beside them where it says more, and dates in the reader's zone.
import type { DeviceDetail, DeviceSummary, RequestI18n } from '../../core/index.ts';

/** The status chip's look (views/partials/status-chip.ejs): in service, or not. */
const chipOf = (device: Pick<DeviceSummary, 'active'>) => (device.active ? 'on' : 'off');

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
    status: device.status,
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
