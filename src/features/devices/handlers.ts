// The devices pages: the client's devices with a search by name, asset tag or serial number, a
// filter by kind and state, and one device with the tickets about it. The tickets are read through
// the host's TicketsPort, filtered to the device, so the host's rules for which tickets this person
// sees apply as on the tickets list; without the tickets section the device's page names none.
import type { Request, Response } from 'express';
import {
  canSeeSection,
  mayOpenTickets,
  notFound,
  parseParam,
  permits,
  portalContext,
  portalI18n,
  renderPortalPage,
  signedInClient,
} from '../../core/index.ts';
import { DEVICE_TYPES, type DevicesPort } from './port.ts';
import { presentTicketSummary, type TicketsPort } from '../tickets/index.ts';
import { DeviceId, type DevicesQueryInput } from './commands.ts';
import { deviceHref, presentDevice, presentDeviceRow } from './presenters.ts';

const DEVICES_PAGE_SIZE = 25;
/** A device's page lists its latest tickets, and links to the rest no further: enough for a device. */
const DEVICE_TICKETS_SHOWN = 20;

export interface DevicesDeps {
  devices: DevicesPort;
  tickets: TicketsPort | undefined;
}

export function createDevicesHandlers(deps: DevicesDeps) {
  const { devices, tickets } = deps;

  async function list(req: Request, res: Response) {
    const query = res.locals.query as DevicesQueryInput;
    const { workspace, base } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const page = await devices.list(
      workspace.id,
      user.client_id,
      user.contact_id,
      { state: query.state, ...(query.type ? { type: query.type } : {}), ...(query.q ? { search: query.q } : {}) },
      { limit: DEVICES_PAGE_SIZE, after: query.after ?? null },
    );
    const href = (params: Record<string, string | undefined>) => {
      const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])));
      return `${base}/devices${search.size ? `?${search}` : ''}`;
    };
    const filters = { type: query.type, state: query.state === 'all' ? undefined : query.state };
    const filtered = Boolean(query.type) || query.state !== 'all';
    renderPortalPage(req, res, 'devices/index', i18n.t('devices:title'), {
      q: query.q ?? '',
      type: query.type ?? '',
      state: query.state,
      types: DEVICE_TYPES.map((type) => ({ value: type, label: i18n.t(`devices:type.${type}`) })),
      devices: page.items.map((device) => presentDeviceRow(i18n, base, device)),
      filtered,
      clearFiltersHref: href({ q: query.q }),
      search: { query: query.q ?? '', count: page.items.length, more: page.next !== null, clearHref: href(filters) },
      nextUrl: page.next ? href({ ...filters, q: query.q, after: page.next }) : null,
      firstPageUrl: query.after ? href({ ...filters, q: query.q }) : null,
    });
  }

  async function show(req: Request, res: Response) {
    const { workspace, settings, base, sectionPages } = portalContext(res);
    const { user, access } = signedInClient(res);
    const i18n = portalI18n(res);
    const id = parseParam(DeviceId, req.params.deviceId);
    const device = await devices.find(workspace.id, user.client_id, user.contact_id, id);
    if (!device) throw notFound('devices:errors.notFound');
    // The tickets about it, only where the person may read tickets, as the tickets port shows them.
    const readsTickets = tickets !== undefined && sectionPages.has('tickets') && canSeeSection(settings, 'tickets');
    const about = readsTickets
      ? await tickets.list(
          workspace.id,
          user.client_id,
          user.contact_id,
          { state: 'all', deviceId: device.id },
          { limit: DEVICE_TICKETS_SHOWN },
        )
      : null;
    const opens = readsTickets && permits(settings, 'tickets') && mayOpenTickets(access);
    renderPortalPage(req, res, 'devices/show', device.name, {
      device: presentDevice(i18n, base, device),
      tickets: about ? about.items.map((ticket) => presentTicketSummary(i18n, base, ticket)) : null,
      moreTickets: about ? about.next !== null : false,
      newTicketHref: opens ? `${base}/tickets/new?${new URLSearchParams({ device: device.id })}` : null,
      backHref: `${base}/devices`,
      selfHref: deviceHref(base, device.id),
    });
  }

  return { list, show };
}

export type DevicesHandlers = ReturnType<typeof createDevicesHandlers>;
