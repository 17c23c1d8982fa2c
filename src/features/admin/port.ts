// The host port of request types and booking hours kept in the portal's admin
// (HostPortalCataloguePort): what the portal needs from the host CRM for this feature, beside the
// core's ports (src/core/ports/host.ts). A host binding implements it; the declaration at the end adds
// it to HostAdapter, so the core names no feature.
import type { HostId } from '../../core/index.ts';
import type { RequestField } from '../requests/index.ts';

/** A request type as the agency keeps it in the portal, for a host with no catalogue of its own. */
export interface CatalogueRequestType {
  id: HostId;
  name: string;
  description: string;
  fields: RequestField[];
  /** What a request becomes in the host: its priced estimate (a quote) or a ticket of `ticketType`. */
  becomes: 'proposal' | 'ticket';
  ticketType: string | null;
  active: boolean;
}

/** A calendar of the host clients may book, with the hours the agency keeps for it in the portal (null: none yet). */
export interface CatalogueCalendar {
  id: HostId;
  name: string;
  hours: CatalogueHours | null;
}

export interface CatalogueHours {
  /** ISO weekday 1–7 with 'HH:MM' opening and closing, in `timeZone`. */
  spans: { weekday: number; opens: string; closes: string }[];
  timeZone: string;
  minutes: number;
  noticeMinutes: number;
  horizonDays: number;
}

/**
 * Optional, for a host that keeps neither a catalogue of requests nor booking hours (Dolibarr): the
 * agency keeps them in the portal's admin, and the host's requests and appointments ports read
 * them. Every call scoped by workspace; an id of another workspace is not found (null / false).
 */
export interface HostPortalCataloguePort {
  requestTypes(workspaceId: HostId): Promise<CatalogueRequestType[]>;
  /** The host's ticket types a request may become ({code, label}); empty where requests become proposals only. */
  ticketTypes(workspaceId: HostId): Promise<{ code: string; label: string }[]>;
  /** Adds (id null) or changes a request type; null when the id is not the workspace's. */
  saveRequestType(workspaceId: HostId, id: HostId | null, type: Omit<CatalogueRequestType, 'id'>): Promise<HostId | null>;
  /** The host's calendars clients may be offered; empty where it has none (or the module is off). */
  calendars(workspaceId: HostId): Promise<CatalogueCalendar[]>;
  /** Sets a calendar's hours; false when the calendar is not the workspace's. */
  saveCalendarHours(workspaceId: HostId, calendarId: HostId, hours: CatalogueHours): Promise<boolean>;
}

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** Request types and booking hours kept in the portal's admin, for a host without its own; without it no such page. */
    portalCatalogue?: HostPortalCataloguePort;
  }
}
