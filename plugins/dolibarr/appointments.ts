// AppointmentsPort on Dolibarr: BookCal's validated calendars (llx_bookcal_calendar) the agency gave
// hours in the portal's settings are the services; a booking is an agenda event of the calendar
// with the client's contact (queries/appointments.ts), which the agency answers on the event card.
// Where an appointment stands, read live from the event (CONTEXT.md has the mapping):
//   percent 0 "To do" (as the portal writes it)
//   or -1 "Not applicable" (as Dolibarr's page writes it) → pending: requested, not yet answered
//   percent 1–100 "In progress" / "Done"                  → confirmed
//   start (datep) moved off the requested time            → moved
//   the event deleted on the card                         → declined, or cancelled (by the
//                                                            agency) once told confirmed or moved
//   called off by the client in the portal                → cancelled (the portal deletes the event)
// A booking holds its time while its event is there, for the portal and for Dolibarr's public
// BookCal page alike (busyEvents: bookcalAjax.php's rule and more), so what the portal shows
// standing is exactly what Dolibarr's page shows booked. The bookings Dolibarr's page took for a
// contact of the company are listed beside the portal's own.
// Two clients asking at once for one time: each request takes a transaction-scoped advisory lock
// per entity and calendar, then checks the calendar's standing events again before it writes, so
// exactly one is written and the other is refused as taken. The owner's other events (on any
// calendar of the agenda) hold time too: a slot they overlap is neither offered nor booked.
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Appointment, AppointmentsPort, AppointmentStatus, HostNewsItem } from '../../src/index.ts';
import { clampLimit, decodeCursor, encodeCursor, offeredSlots } from '../../src/index.ts';
import { moduleEnabled } from './queries/constants.ts';
import {
  bookcalTablesExist,
  type BookingRow,
  busyEvents,
  type CalendarRow,
  cancelBooking,
  findBooking,
  findCalendar,
  insertBooking,
  insertBookingEvent,
  listBookings,
  listCalendars,
  lockCalendar,
  noteBookingSeen,
  standingBookings,
} from './queries/appointments.ts';
import { findContact } from './queries/contacts.ts';
import { fullName } from './names.ts';
import { parseId, toHostId } from './ids.ts';
import { textToHtml } from './tickets.ts';

type EntityOf = (workspaceId: string) => number | null;

const MINUTE = 60_000;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A calendar's weekly hours as the settings keep them. */
export const calendarHoursSchema = z
  .array(
    z
      .object({ weekday: z.number().int().min(1).max(7), opens: z.string().regex(TIME), closes: z.string().regex(TIME) })
      .refine((h) => h.opens < h.closes, 'closes after it opens'),
  )
  .max(50);

const hoursOf = (value: unknown) => {
  const parsed = calendarHoursSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
};

/** The portal's status of a booking, from its event as Dolibarr holds it now. */
function bookingStatus(row: BookingRow): AppointmentStatus {
  if (row.cancelled_at) return 'cancelled';
  // The event deleted on the card: a request refused, or, once the client was told it was agreed
  // to, the agency calling it off (Dolibarr keeps no words for either).
  if (row.event_id === null) return row.seen_status === 'confirmed' || row.seen_status === 'moved' ? 'cancelled' : 'declined';
  if (row.datep && row.datep.getTime() !== row.requested_start.getTime()) return 'moved';
  return row.percent !== null && row.percent > 0 ? 'confirmed' : 'pending';
}

/** Whether Dolibarr holds the booking otherwise than the client was last told. */
function bookingChanged(row: BookingRow): boolean {
  // A booking Dolibarr's page took was told nothing by the portal, so nothing is news of it.
  if (row.origin === 'dolibarr') return false;
  const status = bookingStatus(row);
  return status !== row.seen_status || (status !== 'declined' && row.starts_at.getTime() !== row.seen_start.getTime());
}

function present(row: BookingRow): Appointment {
  const status = bookingStatus(row);
  const startsAt = row.starts_at;
  const endsAt = row.datep2 && row.datep && row.datep2 > row.datep ? row.datep2 : new Date(startsAt.getTime() + row.minutes * MINUTE);
  return {
    id: toHostId(row.fk_actioncomm),
    serviceId: toHostId(row.fk_bookcal_calendar),
    serviceName: row.calendar_label?.trim() || row.calendar_ref || '',
    contactId: row.fk_socpeople === null ? null : toHostId(row.fk_socpeople),
    startsAt,
    endsAt,
    status,
    note: row.note,
    timeZone: row.time_zone,
    sequence: row.sequence + (bookingChanged(row) ? 1 : 0),
    requestedAt: row.created_at,
  };
}

/** Whether BookCal's tables are there and the module is on for the entity (MAIN_MODULE_BOOKCAL). */
export async function dolibarrBookcalModule(db: Knex, entity: number): Promise<boolean> {
  return (await bookcalTablesExist(db)) && (await moduleEnabled(db, { entity, module: 'bookcal' }));
}

const rulesOf = (calendar: CalendarRow) => ({
  timeZone: calendar.time_zone,
  stepMinutes: Math.min(calendar.minutes, 30),
  noticeMinutes: calendar.notice_minutes,
  horizonDays: calendar.horizon_days,
});

export function dolibarrAppointments(db: Knex, entityOf: EntityOf, options: { crmUrl?: string } = {}): AppointmentsPort {
  const scope = (workspaceId: string, clientId: string) => {
    const entity = entityOf(workspaceId);
    const companyId = parseId(clientId);
    return entity === null || companyId === null ? null : { entity, companyId };
  };

  return {
    // Dolibarr's card of the booking's agenda event (htdocs/comm/action/card.php?id=<rowid>), where the agency answers it.
    staffPageOf(id) {
      const rowid = parseId(id);
      return options.crmUrl && rowid !== null ? `${options.crmUrl.replace(/\/+$/, '')}/comm/action/card.php?id=${rowid}` : null;
    },

    async services(workspaceId, clientId) {
      const s = scope(workspaceId, clientId);
      if (!s) return [];
      return (await listCalendars(db, s)).map((c) => ({ id: toHostId(c.rowid), name: c.label?.trim() || c.ref, minutes: c.minutes }));
    },

    async freeSlots(workspaceId, serviceId, from, to, now) {
      const entity = entityOf(workspaceId);
      const calendarId = parseId(serviceId);
      if (entity === null || calendarId === null) return null;
      const calendar = await findCalendar(db, { entity, calendarId });
      if (!calendar) return null;
      const margin = calendar.minutes * MINUTE;
      const busy = await busyEvents(db, {
        entity,
        calendarId,
        owner: calendar.owner,
        from: new Date(from.getTime() - margin),
        to: new Date(to.getTime() + margin),
      });
      return offeredSlots({ hours: hoursOf(calendar.hours), rules: rulesOf(calendar), minutes: calendar.minutes, from, to, now, busy });
    },

    async list(workspaceId, clientId, _contactId, when, now, page) {
      const s = scope(workspaceId, clientId);
      const none = { items: [], next: null };
      if (!s) return none;
      let after: { startsAt: Date; id: number } | null = null;
      if (page.after) {
        const key = decodeCursor(page.after);
        const id = key?.length === 2 && typeof key[1] === 'string' ? parseId(key[1]) : null;
        if (!key || typeof key[0] !== 'string' || Number.isNaN(Date.parse(key[0])) || id === null) return none;
        after = { startsAt: new Date(key[0]), id };
      }
      const limit = clampLimit(page.limit);
      const rows = await listBookings(db, { ...s, when, now, after, limit: limit + 1 });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map(present),
        next: rows.length > limit && last ? encodeCursor([last.starts_at.toISOString(), toHostId(last.fk_actioncomm)]) : null,
      };
    },

    async find(workspaceId, clientId, _contactId, id) {
      const s = scope(workspaceId, clientId);
      const eventId = parseId(id);
      if (!s || eventId === null) return null;
      const row = await findBooking(db, { ...s, eventId });
      return row ? present(row) : null;
    },

    async request(workspaceId, clientId, contactId, wanted, now, write) {
      const s = scope(workspaceId, clientId);
      const contactRowid = parseId(contactId);
      if (!s || contactRowid === null) return null;
      const contact = await findContact(db, { entity: s.entity, contactId: contactRowid });
      if (!contact || contact.fk_soc !== s.companyId) return null;
      const calendarId = parseId(wanted.serviceId);
      const calendar = calendarId === null ? null : await findCalendar(db, { entity: s.entity, calendarId });
      if (!calendar) return { refused: 'unavailable' as const };
      const end = new Date(wanted.startsAt.getTime() + calendar.minutes * MINUTE);
      // A time the agency's hours offer at all (notice, horizon, step), before the lock.
      const offered = offeredSlots({
        hours: hoursOf(calendar.hours),
        rules: rulesOf(calendar),
        minutes: calendar.minutes,
        from: wanted.startsAt,
        to: end,
        now,
        busy: [],
      });
      if (!offered.some((slot) => slot.startsAt.getTime() === wanted.startsAt.getTime())) return { refused: 'unavailable' as const };
      const work = async (trx: Knex.Transaction) => {
        await lockCalendar(trx, { entity: s.entity, calendarId: calendar.rowid, owner: calendar.owner });
        if (
          (await busyEvents(trx, { entity: s.entity, calendarId: calendar.rowid, owner: calendar.owner, from: wanted.startsAt, to: end }))
            .length > 0
        )
          return { refused: 'taken' as const };
        const who = fullName(contact.firstname, contact.lastname) || contact.email.trim();
        const eventId = await insertBookingEvent(trx, {
          entity: s.entity,
          calendarId: calendar.rowid,
          label: `${calendar.label?.trim() || calendar.ref} – ${who}`,
          note: textToHtml(wanted.note),
          companyId: s.companyId,
          contactId: contactRowid,
          owner: calendar.owner,
          startsAt: wanted.startsAt,
          endsAt: end,
          ip: write?.ip ?? null,
        });
        await insertBooking(trx, {
          entity: s.entity,
          eventId,
          calendarId: calendar.rowid,
          companyId: s.companyId,
          contactId: contactRowid,
          startsAt: wanted.startsAt,
          minutes: calendar.minutes,
          timeZone: wanted.timeZone,
          note: wanted.note,
        });
        const row = await findBooking(trx, { ...s, eventId });
        return row ? present(row) : null;
      };
      return write?.trx ? work(write.trx) : db.transaction(work);
    },

    async cancel(workspaceId, clientId, _contactId, id, write) {
      const s = scope(workspaceId, clientId);
      const eventId = parseId(id);
      if (!s || eventId === null) return null;
      const work = async (trx: Knex.Transaction) => {
        const current = await findBooking(trx, { ...s, eventId });
        if (!current || !['pending', 'confirmed', 'moved'].includes(bookingStatus(current))) return null;
        if (!(await cancelBooking(trx, { ...s, booking: current, now: new Date() }))) return null;
        const row = await findBooking(trx, { ...s, eventId });
        return row ? present(row) : null;
      };
      return write?.trx ? work(write.trx) : db.transaction(work);
    },
  };
}

/** Standing bookings the news pass compares at most, per pass. */
const NEWS_BATCH = 1000;

/**
 * The news pass's part: each standing booking whose event Dolibarr now holds otherwise than the
 * client was told (confirmed, declined, moved on the card or the agenda), noted as told and
 * answered once per revision. One pass at a time per workspace (the portal's news lock).
 */
export async function bookingChanges(db: Knex, entity: number): Promise<HostNewsItem[]> {
  const items: HostNewsItem[] = [];
  for (const row of await standingBookings(db, { entity, limit: NEWS_BATCH })) {
    if (!bookingChanged(row)) continue;
    const status = bookingStatus(row);
    await noteBookingSeen(db, { entity, eventId: row.fk_actioncomm, status, start: row.starts_at });
    items.push({
      kind: 'appointment',
      happened: 'answered',
      id: toHostId(row.fk_actioncomm),
      clientId: toHostId(row.fk_soc),
      number: '',
      title: row.calendar_label?.trim() || row.calendar_ref || '',
      ...(row.fk_socpeople === null ? {} : { contactId: toHostId(row.fk_socpeople) }),
      occurrence: `${status}:${row.sequence + 1}`,
    });
  }
  return items;
}
