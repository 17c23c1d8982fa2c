// The reference CRM's appointments as the portal's AppointmentsPort sees them: its services, the
// free times of its weekly hours, a client's bookings. Every call is scoped by workspace and
// client (an id of another company's appointment is "not found"); the CRM shows a company's
// appointments to each of its people, so the contact does not narrow the reads. Two bookings never
// hold one time: the table's exclusion constraint refuses the second (20270404000001_appointments.ts).
import {
  type Appointment,
  type AppointmentsPort,
  type AppointmentStatus,
  offeredSlots,
  type SlotRules,
  type WeeklyHours,
} from '../../../src/index.ts';
import { parseId, toHostId } from '../ids.ts';
import { inLanguage } from '../in-language.ts';
import { findContact } from '../queries/contacts.ts';
import { type Db, inTransaction } from '../queries/db.ts';
import {
  type AppointmentRow,
  changeAppointment,
  findAppointment,
  findAppointmentSettings,
  findBookableService,
  insertAppointment,
  isExclusionViolation,
  listAppointmentHours,
  listBookableServices,
  listClientAppointments,
  listStandingTimes,
  requestMove,
  STANDING_STATUSES,
  takeOffers,
} from '../queries/appointments.ts';
import { clientPageOf, encodeCursor } from './cursor.ts';

/** Thrown inside takeOffer's transaction to undo it: the offer is gone, or its time is held. */
class OfferGone extends Error {
  constructor(readonly refused: 'taken' | 'stale') {
    super(`offer ${refused}`);
  }
}

/** The appointment as the portal reads it; its service named in the reader's `languages` where the agency wrote them. */
export function presentAppointment(row: AppointmentRow, languages: readonly string[] = []): Appointment {
  return {
    id: toHostId(row.id),
    serviceId: toHostId(row.service_id),
    serviceName: inLanguage(row.service_name, row.service_names, languages),
    contactId: row.contact_id === null ? null : toHostId(row.contact_id),
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    status: row.status satisfies AppointmentStatus,
    note: row.note,
    timeZone: row.time_zone,
    sequence: row.sequence,
    requestedAt: row.requested_at,
    cancelReason: row.status === 'cancelled' ? row.agency_reason : null,
    declineReason: row.status === 'declined' ? row.agency_reason : null,
    offeredTimes: row.offered_times.map((offer) => ({ startsAt: new Date(offer.starts_at), endsAt: new Date(offer.ends_at) })),
  };
}

/** The workspace's hours and rules, as offeredSlots takes them. */
async function bookingRules(db: Db, workspaceId: number): Promise<{ rules: SlotRules; hours: WeeklyHours[] }> {
  const [settings, hours] = await Promise.all([findAppointmentSettings(db, { workspaceId }), listAppointmentHours(db, { workspaceId })]);
  return {
    rules: {
      timeZone: settings.time_zone,
      stepMinutes: settings.step_minutes,
      noticeMinutes: settings.notice_minutes,
      horizonDays: settings.horizon_days,
    },
    hours: hours.map((h) => ({ weekday: h.weekday, opens: h.opens_at, closes: h.closes_at })),
  };
}

/** Whether a start is one the agency's hours offer for a service of `minutes`, whoever holds it now. */
async function isOfferedStart(db: Db, workspaceId: number, minutes: number, startsAt: Date, now: Date): Promise<boolean> {
  const { rules, hours } = await bookingRules(db, workspaceId);
  const slots = offeredSlots({ hours, rules, minutes, from: startsAt, to: new Date(startsAt.getTime() + 1), now, busy: [] });
  return slots.some((slot) => slot.startsAt.getTime() === startsAt.getTime());
}

export function referenceAppointments(db: Db): AppointmentsPort {
  return {
    // The CRM's own page of it, on the origin that serves the portal's staff pages too.
    staffPageOf(id) {
      const rowid = parseId(id);
      return rowid === null ? null : `/appointments/${rowid}`;
    },

    // Every client of the workspace may book the same services.
    async services(workspaceId, _clientId, languages = []) {
      const ws = parseId(workspaceId);
      if (ws === null) return [];
      const rows = await listBookableServices(db, { workspaceId: ws });
      return rows.map((row) => ({ id: toHostId(row.id), name: inLanguage(row.name, row.names, languages), minutes: row.duration_minutes }));
    },

    async freeSlots(workspaceId, serviceId, from, to, now) {
      const ws = parseId(workspaceId);
      const sid = parseId(serviceId);
      if (ws === null || sid === null) return null;
      const [service, booking, busy] = await Promise.all([
        findBookableService(db, { workspaceId: ws, serviceId: sid }),
        bookingRules(db, ws),
        listStandingTimes(db, { workspaceId: ws, from, to: new Date(to.getTime() + 24 * 3_600_000) }),
      ]);
      if (!service) return null;
      return offeredSlots({
        ...booking,
        minutes: service.duration_minutes,
        from,
        to,
        now,
        busy: busy.map((b) => ({ startsAt: b.starts_at, endsAt: b.ends_at })),
      });
    },

    async list(workspaceId, clientId, _contactId, when, now, page, languages = []) {
      const asked = clientPageOf(workspaceId, clientId, page);
      if (!asked) return { items: [], next: null };
      const { limit, after } = asked;
      const rows = await listClientAppointments(db, {
        workspaceId: asked.ws,
        clientId: asked.client,
        when,
        now,
        limit: limit + 1,
        after: after ? { startsAt: new Date(after.date), id: after.id } : null,
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map((row) => presentAppointment(row, languages)),
        next: rows.length > limit && last ? encodeCursor([last.starts_at.toISOString(), last.id]) : null,
      };
    },

    async find(workspaceId, clientId, _contactId, id, languages = []) {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const appointment = parseId(id);
      if (ws === null || client === null || appointment === null) return null;
      const row = await findAppointment(db, { workspaceId: ws, clientId: client, id: appointment });
      return row ? presentAppointment(row, languages) : null;
    },

    async request(workspaceId, clientId, contactId, wanted, now, write) {
      const run = write?.trx ?? db;
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const contact = parseId(contactId);
      const sid = parseId(wanted.serviceId);
      if (ws === null || client === null || contact === null) return null;
      const person = await findContact(run, { workspaceId: ws, contactId: contact });
      if (!person || person.client_id !== client) return null;
      const service = sid === null ? null : await findBookableService(run, { workspaceId: ws, serviceId: sid });
      if (!service || !(await isOfferedStart(run, ws, service.duration_minutes, wanted.startsAt, now))) return { refused: 'unavailable' };
      const endsAt = new Date(wanted.startsAt.getTime() + service.duration_minutes * 60_000);
      // In a savepoint: when the constraint refuses it, the caller's transaction goes on.
      const id = await inTransaction(run, (trx) =>
        insertAppointment(trx, {
          workspaceId: ws,
          clientId: client,
          contactId: contact,
          serviceId: service.id,
          startsAt: wanted.startsAt,
          endsAt,
          note: wanted.note,
          timeZone: wanted.timeZone,
        }),
      ).catch((err: unknown) => {
        if (isExclusionViolation(err)) return null;
        throw err;
      });
      if (id === null) return { refused: 'taken' };
      const row = await findAppointment(run, { workspaceId: ws, clientId: client, id });
      return row ? presentAppointment(row) : null;
    },

    // The offer is booked as a request is (waiting for the agency), in the declined request's zone
    // and with its note; the offers go with it. A stale offer or a taken time undoes it all.
    async takeOffer(workspaceId, clientId, contactId, id, startsAt, _now, write) {
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const contact = parseId(contactId);
      const declined = parseId(id);
      if (ws === null || client === null || contact === null || declined === null) return null;
      const person = await findContact(write?.trx ?? db, { workspaceId: ws, contactId: contact });
      if (!person || person.client_id !== client) return null;
      const outcome = await inTransaction(write?.trx ?? db, async (trx) => {
        const taken = await takeOffers(trx, { workspaceId: ws, clientId: client, id: declined });
        if (!taken) return null;
        const offer = taken.offers.find((o) => o.starts_at.getTime() === startsAt.getTime());
        if (!offer) throw new OfferGone('stale');
        const booked = await insertAppointment(trx, {
          workspaceId: ws,
          clientId: client,
          contactId: contact,
          serviceId: taken.request.service_id,
          startsAt: offer.starts_at,
          endsAt: offer.ends_at,
          note: taken.request.note,
          timeZone: taken.request.time_zone,
        }).catch((err: unknown) => {
          throw isExclusionViolation(err) ? new OfferGone('taken') : err;
        });
        return findAppointment(trx, { workspaceId: ws, clientId: client, id: booked });
      }).catch((err: unknown) => {
        if (err instanceof OfferGone) return { refused: err.refused };
        throw err;
      });
      if (outcome === null) return null;
      return 'refused' in outcome ? outcome : presentAppointment(outcome);
    },

    // What a scheduler that confirms each booking does with a new time: the appointment goes back to
    // the agency as a request at that time (the old time freed), answered on the same staff page
    // as any request. A move request beside a standing time would hold two times for one meeting.
    async reschedule(workspaceId, clientId, _contactId, id, wanted, now, write) {
      const run = write?.trx ?? db;
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const appointment = parseId(id);
      if (ws === null || client === null || appointment === null) return null;
      const row = await findAppointment(run, { workspaceId: ws, clientId: client, id: appointment });
      if (!row || !STANDING_STATUSES.includes(row.status) || row.starts_at <= now) return null;
      if (row.sequence !== wanted.sequence) return { refused: 'changed' };
      const length = row.ends_at.getTime() - row.starts_at.getTime();
      if (!(await isOfferedStart(run, ws, Math.round(length / 60_000), wanted.startsAt, now))) return { refused: 'unavailable' };
      const changed = await inTransaction(run, (trx) =>
        requestMove(
          trx,
          { workspaceId: ws, clientId: client, id: appointment },
          { sequence: wanted.sequence, startsAt: wanted.startsAt, endsAt: new Date(wanted.startsAt.getTime() + length), now },
        ),
      ).catch((err: unknown) => {
        if (isExclusionViolation(err)) return 'taken' as const;
        throw err;
      });
      if (changed === 'taken') return { refused: 'taken' };
      if (changed === 0) return { refused: 'changed' };
      const moved = await findAppointment(run, { workspaceId: ws, clientId: client, id: appointment });
      return moved ? presentAppointment(moved) : null;
    },

    async cancel(workspaceId, clientId, _contactId, id, write) {
      const run = write?.trx ?? db;
      const ws = parseId(workspaceId);
      const client = parseId(clientId);
      const appointment = parseId(id);
      if (ws === null || client === null || appointment === null) return null;
      const changed = await changeAppointment(
        run,
        { workspaceId: ws, clientId: client, id: appointment },
        { from: STANDING_STATUSES, to: 'cancelled' },
      );
      if (changed === 0) return null;
      const row = await findAppointment(run, { workspaceId: ws, clientId: client, id: appointment });
      return row ? presentAppointment(row) : null;
    },
  };
}
