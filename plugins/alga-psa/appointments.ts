// AppointmentsPort on Alga PSA: the services Alga's client portal offers a client, the free times
// its availability service computes (users' hours in the tenant's zone, the date's exceptions,
// the entries on their calendars with their buffers, each user's daily maximum, the service's
// notice and booking window), requests written as Alga's client portal writes them, and what Alga's
// staff made of them read back (approved: the schedule entry's time; declined; cancelled).
// queries/appointments.ts names Alga's files.
//
// Alga's own portal lets two clients ask for one time (a pending request's entry has no assignee,
// so it blocks no one's calendar). The portal does not: a standing request's entry (pending or
// approved) holds its time for every later request, and requests of a tenant take a
// transaction-scoped advisory lock and check again before they write, so of two asking at once
// exactly one is written and the other is refused as taken.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Appointment, AppointmentSlot, AppointmentsPort, AppointmentStatus } from '../../src/index.ts';
import { clampLimit, decodeCursor, encodeCursor, wallTimeToInstant } from '../../src/index.ts';
import { parseUuid } from './ids.ts';
import { findContact } from './queries/contacts.ts';
import {
  type AlgaAppointmentRow,
  bookableServices,
  cancelRequest,
  dayAvailability,
  findClientRequest,
  insertRequest,
  listClientRequests,
  lockTenantBookings,
  serviceRules,
  standingRequestsOverlapping,
  tenantTimeZone,
} from './queries/appointments.ts';
import { findTenant } from './queries/tenants.ts';
import { activeClientLoginOf, insertTemplateNotification } from './queries/in-app-notifications.ts';
import { sectionsOffInAlga } from './workspaces.ts';

type TenantOf = (workspaceId: string) => string | null;
type Db = Knex | Knex.Transaction;

/** How long a request is: Alga's portal asks the client for a duration; its own default (getAvailableDates) is an hour. */
const DURATION_MINUTES = 60;
const MINUTE = 60_000;
const DAY = 86_400_000;

function dayOf(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

function wallClock(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ordinal = (n: number) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;

/** A 'YYYY-MM-DD' day as createAppointmentRequest's formatDate(…, 'en') words it (date-fns 'PPP', en-US): "January 7th, 2030". */
function algaLongDate(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return `${MONTHS[month - 1]} ${ordinal(date)}, ${year}`;
}

/** An 'HH:MM' wall clock as its formatTime(…, 'en') words it ('p'), with its zone's short name as its requester label: "2:00 PM (EST)". */
function algaTimeWithZone(time: string, instant: Date, timeZone: string): string {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const zone = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName')?.value;
  return `${hours % 12 === 0 ? 12 : hours % 12}:${String(minutes).padStart(2, '0')} ${hours < 12 ? 'AM' : 'PM'}${zone ? ` (${zone})` : ''}`;
}

function nextDay(day: string, days = 1): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Alga's statuses in the portal's words: an approved request whose entry Alga's staff moved is 'moved'. */
function statusOf(row: AlgaAppointmentRow): AppointmentStatus {
  if (row.status !== 'approved') return row.status;
  return row.scheduled_start && row.scheduled_start.getTime() !== row.requested_start.getTime() ? 'moved' : 'confirmed';
}

/** The invitation's revision, from what Alga keeps (it counts none): asked 0, moved 1, called off 2. */
const SEQUENCE: Record<AppointmentStatus, number> = { pending: 0, confirmed: 0, moved: 1, declined: 2, cancelled: 2 };

function present(row: AlgaAppointmentRow): Appointment {
  const status = statusOf(row);
  const startsAt = row.scheduled_start ?? row.requested_start;
  return {
    id: row.appointment_request_id,
    serviceId: row.service_id,
    serviceName: row.service_name ?? '',
    contactId: row.contact_id,
    startsAt,
    endsAt: row.scheduled_end ?? new Date(startsAt.getTime() + row.requested_duration * MINUTE),
    status,
    note: row.description ?? '',
    timeZone: row.requester_timezone ?? 'UTC',
    // Alga's client portal shows the reason of a declined request only (its dashboard and details
    // page): a cancellation's 'Cancelled by client' / 'Cancelled by MSP' is not one.
    declineReason: status === 'declined' ? row.declined_reason?.trim() || null : null,
    sequence: SEQUENCE[status],
    requestedAt: row.created_at,
  };
}

/**
 * The free times of one tenant date, as getAvailableTimeSlots computes them (no preferred user):
 * users working that weekday or made available by an exception, less those an exception takes
 * off, less those at their daily maximum; each user's hours stepped by min(duration, 30) minutes;
 * a slot clashing with an entry of that user (with its buffers) left out. A company-wide day off
 * has none. With `holdRequests`, an entry of a standing request holds its time for everyone.
 */
async function tenantDaySlots(db: Db, tenant: string, zone: string, date: string, duration: number, holdRequests: boolean) {
  const dayOfWeek = new Date(`${date}T00:00:00Z`).getUTCDay();
  const { exceptions, hours, entries } = await dayAvailability(db, { tenant, date, dayOfWeek });
  if (exceptions.some((e) => e.user_id === null && !e.is_available)) return [];
  const off = new Set(exceptions.filter((e) => e.user_id && !e.is_available).map((e) => e.user_id!));
  const counts = new Map<string, number>();
  for (const entry of entries) for (const user of entry.assignees) counts.set(user, (counts.get(user) ?? 0) + 1);
  const working = hours.filter(
    (h) => !off.has(h.user_id) && (h.max_appointments_per_day === null || (counts.get(h.user_id) ?? 0) < h.max_appointments_per_day),
  );
  const held = holdRequests ? entries.filter((e) => e.work_item_type === 'appointment_request') : [];
  const interval = Math.min(duration, 30);
  const slots = new Map<number, AppointmentSlot>();
  for (const h of working) {
    const opens = wallTimeToInstant(date, h.start_time, zone).getTime();
    const closes = wallTimeToInstant(date, h.end_time, zone).getTime();
    for (let start = opens; start < closes; start += interval * MINUTE) {
      const end = start + duration * MINUTE;
      if (end > closes) continue;
      const clash = entries.some((entry) => {
        if (!entry.assignees.includes(h.user_id)) return false;
        const from = entry.scheduled_start.getTime() - (h.buffer_before_minutes ?? 0) * MINUTE;
        const to = entry.scheduled_end.getTime() + (h.buffer_after_minutes ?? 0) * MINUTE;
        return start < to && end > from;
      });
      const taken = held.some((entry) => start < entry.scheduled_end.getTime() && end > entry.scheduled_start.getTime());
      if (!clash && !taken) slots.set(start, { startsAt: new Date(start), endsAt: new Date(end) });
    }
  }
  return [...slots.values()];
}

export function algaAppointments(db: Knex, tenantOf: TenantOf): AppointmentsPort {
  /** The free times in [from, to): the tenant dates it touches, within the service's notice and booking window. */
  async function slotsBetween(run: Db, tenant: string, serviceId: string, from: Date, to: Date, now: Date, holdRequests: boolean) {
    const zone = await tenantTimeZone(run, tenant);
    const rules = await serviceRules(run, tenant, serviceId);
    const earliest = Math.max(from.getTime(), now.getTime() + (rules?.minimum_notice_hours ?? 24) * 3_600_000);
    const latest = Math.min(to.getTime(), now.getTime() + ((rules?.advance_booking_days ?? 90) + 1) * DAY);
    if (earliest >= latest) return [];
    const slots: AppointmentSlot[] = [];
    for (let date = dayOf(new Date(earliest), zone); date <= dayOf(new Date(latest), zone); date = nextDay(date)) {
      for (const slot of await tenantDaySlots(run, tenant, zone, date, DURATION_MINUTES, holdRequests)) {
        if (slot.startsAt.getTime() >= earliest && slot.startsAt.getTime() < latest) slots.push(slot);
      }
    }
    return slots.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  }

  async function offered(run: Db, tenant: string, clientId: string, serviceId: string) {
    const services = await bookableServices(run, { tenant, clientId, today: new Date().toISOString().slice(0, 10) });
    return services.find((s) => s.service_id === serviceId) ?? null;
  }

  return {
    // Those of the client's active contracts, then those bookable without one (getAvailableServicesAndTickets).
    async services(workspaceId, clientId) {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      if (tenant === null || client === null) return [];
      const rows = await bookableServices(db, { tenant, clientId: client, today: new Date().toISOString().slice(0, 10) });
      return rows.map((row) => ({ id: row.service_id, name: row.service_name, minutes: DURATION_MINUTES }));
    },

    async freeSlots(workspaceId, serviceId, from, to, now) {
      const tenant = tenantOf(workspaceId);
      const service = parseUuid(serviceId);
      if (tenant === null || service === null) return null;
      const known = await db('service_catalog').where({ tenant, service_id: service }).first('service_id');
      if (!known) return null;
      return slotsBetween(db, tenant, service, from, to, now, true);
    },

    async list(workspaceId, clientId, _contactId, when, now, page) {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      const none = { items: [], next: null };
      if (tenant === null || client === null) return none;
      const key = page.after ? decodeCursor(page.after) : null;
      const validKey = key?.length === 2 && typeof key[0] === 'string' && !Number.isNaN(Date.parse(key[0])) && parseUuid(key[1]) !== null;
      if (page.after && !validKey) return none;
      const limit = clampLimit(page.limit);
      const rows = await listClientRequests(db, {
        tenant,
        clientId: client,
        when,
        now,
        limit: limit + 1,
        after: key && validKey ? { startsAt: new Date(key[0] as string), id: key[1] as string } : null,
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map(present),
        next: rows.length > limit && last ? encodeCursor([last.starts_at.toISOString(), last.appointment_request_id]) : null,
      };
    },

    async find(workspaceId, clientId, _contactId, id) {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      const request = parseUuid(id);
      if (tenant === null || client === null || request === null) return null;
      const row = await findClientRequest(db, { tenant, clientId: client, id: request });
      return row ? present(row) : null;
    },

    async request(workspaceId, clientId, contactId, wanted, now, write) {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      const contact = parseUuid(contactId);
      const serviceId = parseUuid(wanted.serviceId);
      if (tenant === null || client === null || contact === null) return null;
      const work = async (trx: Knex.Transaction) => {
        const person = await findContact(trx, tenant, contact);
        if (!person || person.client_id !== client) return null;
        // As createAppointmentRequest, Alga's switch read at the moment of asking: the portal's
        // workspace cache may hold the tenant from before it was switched off.
        const settings = await findTenant(trx, tenant);
        if (sectionsOffInAlga(settings?.client_portal).includes('appointments')) return { refused: 'unavailable' as const };
        const service = serviceId === null ? null : await offered(trx, tenant, client, serviceId);
        if (!service) return { refused: 'unavailable' as const };
        const end = new Date(wanted.startsAt.getTime() + DURATION_MINUTES * MINUTE);
        const at = (slots: AppointmentSlot[]) => slots.some((slot) => slot.startsAt.getTime() === wanted.startsAt.getTime());
        // Whether Alga's availability offers the time at all, then, under the tenant's lock, whether a standing request holds it.
        if (!at(await slotsBetween(trx, tenant, service.service_id, wanted.startsAt, end, now, false)))
          return { refused: 'unavailable' as const };
        await lockTenantBookings(trx, tenant);
        if ((await standingRequestsOverlapping(trx, { tenant, startsAt: wanted.startsAt, endsAt: end })) > 0)
          return { refused: 'taken' as const };
        const id = randomUUID();
        await insertRequest(trx, {
          id,
          entryId: randomUUID(),
          tenant,
          clientId: client,
          contactId: contact,
          serviceId: service.service_id,
          serviceName: service.service_name,
          // The requester's wall clock in their zone, as Alga's form sends it.
          requestedDate: dayOf(wanted.startsAt, wanted.timeZone),
          requestedTime: wallClock(wanted.startsAt, wanted.timeZone),
          duration: DURATION_MINUTES,
          timeZone: wanted.timeZone,
          description: wanted.note,
          startsAt: wanted.startsAt,
          now: new Date(),
        });
        // Then the requester's in-app notification, as createAppointmentRequest sends it to the
        // contact's client login ('appointment-request-created-client', the date and time as its
        // English formatters word them); none for a contact without one.
        const login = await activeClientLoginOf(trx, tenant, contact);
        if (login) {
          const requestedDate = dayOf(wanted.startsAt, wanted.timeZone);
          await insertTemplateNotification(trx, {
            tenant,
            userId: login,
            templateName: 'appointment-request-created-client',
            type: 'info',
            category: 'appointments',
            link: `/client-portal/appointments/${id}`,
            data: {
              serviceName: service.service_name,
              requestedDate: algaLongDate(requestedDate),
              requestedTime: algaTimeWithZone(wallClock(wanted.startsAt, wanted.timeZone), wanted.startsAt, wanted.timeZone),
            },
          });
        }
        const row = await findClientRequest(trx, { tenant, clientId: client, id });
        return row ? present(row) : null;
      };
      return write?.trx ? work(write.trx) : db.transaction(work);
    },

    async cancel(workspaceId, clientId, _contactId, id, write) {
      const tenant = tenantOf(workspaceId);
      const client = parseUuid(clientId);
      const request = parseUuid(id);
      if (tenant === null || client === null || request === null) return null;
      const work = async (trx: Knex.Transaction) => {
        if (!(await cancelRequest(trx, { tenant, clientId: client, id: request, now: new Date() }))) return null;
        const row = await findClientRequest(trx, { tenant, clientId: client, id: request });
        return row ? present(row) : null;
      };
      return write?.trx ? work(write.trx) : db.transaction(work);
    },
  };
}
