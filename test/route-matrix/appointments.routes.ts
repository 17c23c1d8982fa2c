// Appointments. The appointment asked for is one of Maria's company (Northwind), booked for the
// matrix at a time of its own (each request takes a time, so none is refused as taken): another
// client of the workspace, and a client of another workspace, get 404 for it. A new booking asks
// for the next free time; cancelling answers 303 once and 409 after, so each request cancels an
// appointment of its own; taking an offered time likewise takes a declined request's own offer.
import { demoWorkspaceId } from '../support/demo-records.ts';
import { addDays, dayInZone, wallTimeToInstant } from '../../src/core/time/zoned-days.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

/** The demo's half-hour times on weekdays (09:00–12:00, 13:00–17:00 Berlin), a week ahead and on. */
const TIMES = [
  '09:00',
  '09:30',
  '10:00',
  '10:30',
  '11:00',
  '11:30',
  '13:00',
  '13:30',
  '14:00',
  '14:30',
  '15:00',
  '15:30',
  '16:00',
  '16:30',
];
let used = 0;

/** The next time no request of the matrix has used yet. */
function nextTime(): { day: string; startsAt: Date } {
  const index = used++;
  let day = addDays(dayInZone(new Date(), 'Europe/Berlin'), 7);
  for (let skip = Math.floor(index / TIMES.length); ; day = addDays(day, 1)) {
    if ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) continue;
    if (skip-- === 0) break;
  }
  return { day, startsAt: wallTimeToInstant(day, TIMES[index % TIMES.length]!, 'Europe/Berlin') };
}

async function consultation(world: MatrixWorld): Promise<{ workspaceId: number; serviceId: number }> {
  const db = world.h.crm.db;
  const workspaceId = await demoWorkspaceId(db);
  const service = await db('appointment_services').where({ workspace_id: workspaceId, name: 'Consultation' }).first('id');
  return { workspaceId, serviceId: service.id };
}

/** An appointment of the owner's company (pending unless told), at a time of its own. */
async function ownAppointment(world: MatrixWorld, tail = '', status = 'pending'): Promise<string> {
  const db = world.h.crm.db;
  const { workspaceId, serviceId } = await consultation(world);
  const contact = await db('contacts').where({ workspace_id: workspaceId, email: world.owner.email }).first('id', 'client_id');
  const { startsAt } = nextTime();
  const [row] = await db('appointments')
    .insert({
      workspace_id: workspaceId,
      client_id: contact.client_id,
      contact_id: contact.id,
      service_id: serviceId,
      starts_at: startsAt,
      ends_at: new Date(startsAt.getTime() + 30 * 60_000),
      time_zone: 'Europe/Berlin',
      status,
    })
    .returning('id');
  return `/appointments/${row.id}${tail}`;
}

/** The time last offered by declinedWithOffer: the form of the request made for it takes it. */
let lastOffer = '';

/** A declined request of the owner's company with one other time offered, at a time of its own. */
async function declinedWithOffer(world: MatrixWorld): Promise<string> {
  const path = await ownAppointment(world, '/offers', 'declined');
  const { workspaceId } = await consultation(world);
  const { startsAt } = nextTime();
  await world.h.crm.db('appointment_offers').insert({
    workspace_id: workspaceId,
    appointment_id: Number(path.split('/')[2]),
    starts_at: startsAt,
    ends_at: new Date(startsAt.getTime() + 30 * 60_000),
  });
  lastOffer = startsAt.toISOString();
  return path;
}

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/appointments', url: () => '/appointments?tab=upcoming', ownedByClient: false, switches: ['showAppointments'] },
  { method: 'GET', path: '/appointments/new', url: () => '/appointments/new', ownedByClient: false, switches: ['showAppointments'] },
  { method: 'GET', path: '/appointments/slots', url: () => '/appointments/slots', ownedByClient: false, switches: ['showAppointments'] },
  {
    method: 'POST',
    path: '/appointments',
    url: () => '/appointments',
    ownedByClient: false,
    switches: ['showAppointments'],
    formFor: async (world) => {
      const { serviceId } = await consultation(world);
      const { day, startsAt } = nextTime();
      return { serviceId: String(serviceId), day, startsAt: startsAt.toISOString(), note: 'Booked by the matrix.' };
    },
    ownerStatus: [303],
  },
  {
    method: 'GET',
    path: '/appointments/:appointmentId',
    url: (world) => ownAppointment(world),
    ownedByClient: true,
    switches: ['showAppointments'],
  },
  {
    // "Add to calendar": a file only for one the agency agreed to.
    method: 'GET',
    path: '/appointments/:appointmentId/calendar',
    url: (world) => ownAppointment(world, '/calendar', 'confirmed'),
    ownedByClient: true,
    switches: ['showAppointments'],
  },
  {
    method: 'GET',
    path: '/appointments/:appointmentId/cancel',
    url: (world) => ownAppointment(world, '/cancel'),
    ownedByClient: true,
    switches: ['showAppointments'],
  },
  {
    // Asking for another time: the booking form's slot finder on the appointment's service.
    method: 'GET',
    path: '/appointments/:appointmentId/reschedule',
    url: (world) => ownAppointment(world, '/reschedule', 'confirmed'),
    ownedByClient: true,
    switches: ['showAppointments'],
  },
  {
    // Sending it: back to the agency as a request at a time of its own (303 to the appointment).
    method: 'POST',
    path: '/appointments/:appointmentId/reschedule',
    url: (world) => ownAppointment(world, '/reschedule', 'confirmed'),
    formFor: async () => {
      const { day, startsAt } = nextTime();
      return { day, startsAt: startsAt.toISOString(), sequence: '0' };
    },
    ownedByClient: true,
    switches: ['showAppointments'],
    ownerStatus: [303],
  },
  {
    // Taking a time the agency offered with its decline: booked as a new request (303 to it).
    method: 'POST',
    path: '/appointments/:appointmentId/offers',
    url: (world) => declinedWithOffer(world),
    formFor: async () => ({ startsAt: lastOffer }),
    ownedByClient: true,
    switches: ['showAppointments'],
    ownerStatus: [303],
  },
  {
    method: 'POST',
    path: '/appointments/:appointmentId/cancel',
    url: (world) => ownAppointment(world, '/cancel'),
    ownedByClient: true,
    switches: ['showAppointments'],
    ownerStatus: [303],
  },
];
