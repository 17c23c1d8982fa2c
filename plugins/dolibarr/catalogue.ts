// HostPortalCataloguePort on Dolibarr: the request types and BookCal calendars' hours the agency
// keeps in the portal's admin (Dolibarr has no catalogue of requests, and the schema dump no
// llx_bookcal_availabilities), read by requests.ts and appointments.ts.
import type { Knex } from 'knex';
import type { CatalogueHours, HostPortalCataloguePort, RequestField } from '../../src/index.ts';
import { calendarHoursSchema } from './appointments.ts';
import { parseId, toHostId } from './ids.ts';
import { isValidatedCalendar, listAllCalendars, saveCalendarHours } from './queries/appointments.ts';
import { listAllRequestTypes, saveRequestType } from './queries/requests.ts';
import { ticketChoices } from './queries/tickets.ts';
import { requestFieldsSchema } from './requests.ts';

type EntityOf = (workspaceId: string) => number | null;

export function dolibarrCatalogue(
  db: Knex,
  entityOf: EntityOf,
  options: { tickets: boolean; appointments: boolean },
): HostPortalCataloguePort {
  return {
    async requestTypes(workspaceId) {
      const entity = entityOf(workspaceId);
      if (entity === null) return [];
      return (await listAllRequestTypes(db, { entity }))
        .filter((row) => options.tickets || row.becomes === 'proposal')
        .map((row) => {
          const fields = requestFieldsSchema.safeParse(row.fields);
          return {
            id: row.id,
            name: row.name,
            description: row.description,
            fields: fields.success ? (fields.data as RequestField[]) : [],
            becomes: row.becomes,
            ticketType: row.ticket_type,
            active: row.active,
          };
        });
    },

    async ticketTypes(workspaceId) {
      const entity = entityOf(workspaceId);
      if (entity === null || !options.tickets) return [];
      return ticketChoices(db, { entity, dictionary: 'llx_c_ticket_type' });
    },

    async saveRequestType(workspaceId, id, type) {
      const entity = entityOf(workspaceId);
      if (entity === null || (id !== null && parseId(id) === null)) return null;
      if (type.becomes === 'ticket' && !options.tickets) return null;
      return saveRequestType(db, {
        entity,
        ...(id === null ? {} : { id }),
        name: type.name,
        description: type.description,
        fields: requestFieldsSchema.parse(type.fields),
        becomes: type.becomes,
        ticketType: type.ticketType,
        position: 0,
        active: type.active,
      });
    },

    async calendars(workspaceId) {
      const entity = entityOf(workspaceId);
      if (entity === null || !options.appointments) return [];
      return (await listAllCalendars(db, { entity })).map((row) => {
        const spans = calendarHoursSchema.safeParse(row.hours);
        const hours: CatalogueHours | null = row.configured
          ? {
              spans: spans.success ? spans.data : [],
              timeZone: row.time_zone,
              minutes: row.minutes,
              noticeMinutes: row.notice_minutes,
              horizonDays: row.horizon_days,
            }
          : null;
        return { id: toHostId(row.rowid), name: row.label?.trim() || row.ref, hours };
      });
    },

    async saveCalendarHours(workspaceId, calendarId, hours) {
      const entity = entityOf(workspaceId);
      const rowid = parseId(calendarId);
      if (entity === null || rowid === null || !options.appointments) return false;
      if (!(await isValidatedCalendar(db, { entity, calendarId: rowid }))) return false;
      await saveCalendarHours(db, {
        entity,
        calendarId: rowid,
        hours: calendarHoursSchema.parse(hours.spans),
        timeZone: hours.timeZone,
        minutes: hours.minutes,
        noticeMinutes: hours.noticeMinutes,
        horizonDays: hours.horizonDays,
        eventType: 'AC_RDV',
      });
      return true;
    },
  };
}
