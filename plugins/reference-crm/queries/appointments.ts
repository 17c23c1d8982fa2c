// Appointments, the agency's hours and its bookable services. Every statement is scoped by
// workspace; a client's reads also by client, so another company's appointment is not found.
import type { APPOINTMENT_STATUSES } from '../migrations/20270404000001_appointments.ts';
import type { Knex } from 'knex';
import { type Db, inTransaction } from './db.ts';

export type AppointmentRowStatus = (typeof APPOINTMENT_STATUSES)[number];
/** The statuses that hold their time (the exclusion constraint's). */
export const STANDING_STATUSES: readonly AppointmentRowStatus[] = ['pending', 'confirmed', 'moved'];

export interface AppointmentRow {
  id: number;
  client_id: number;
  client_name: string;
  contact_id: number | null;
  contact_name: string | null;
  service_id: number;
  service_name: string;
  /** The service's name in other languages (appointment_services.names). */
  service_names: Record<string, string>;
  starts_at: Date;
  ends_at: Date;
  status: AppointmentRowStatus;
  note: string;
  time_zone: string;
  sequence: number;
  requested_at: Date;
  /** The agency's words on declining it or calling it off; null otherwise. */
  agency_reason: string | null;
  /** The other times the agency offered with its decline, soonest first, until one is taken (JSON). */
  offered_times: Array<{ starts_at: string; ends_at: string }>;
}

interface AppointmentSettingsRow {
  time_zone: string;
  step_minutes: number;
  notice_minutes: number;
  horizon_days: number;
}

interface AppointmentHoursRow {
  weekday: number;
  opens_at: string;
  closes_at: string;
}

interface AppointmentServiceRow {
  id: number;
  name: string;
  /** The name in other languages, by language code; `name` where the reader's is missing. */
  names: Record<string, string>;
  duration_minutes: number;
}

/** A service as staff set it up: offered to clients (bookable) or withdrawn. */
export interface StaffServiceRow extends AppointmentServiceRow {
  bookable: boolean;
}

/** One opening range of a weekday (ISO 1 Monday … 7 Sunday), times as HH:MM in the agency's zone. */
export interface OpeningRange {
  weekday: number;
  opens: string;
  closes: string;
}

const COLUMNS = [
  'a.id',
  'a.client_id',
  'c.name as client_name',
  'a.contact_id',
  'k.name as contact_name',
  'a.service_id',
  's.name as service_name',
  's.names as service_names',
  'a.starts_at',
  'a.ends_at',
  'a.status',
  'a.note',
  'a.time_zone',
  'a.sequence',
  'a.requested_at',
  'a.agency_reason',
];

/** The offers read in the appointment's own statement (no round trip of their own). */
function columns(db: Db, workspaceId: number) {
  return [
    ...COLUMNS,
    db.raw(
      `coalesce((select json_agg(json_build_object('starts_at', o.starts_at, 'ends_at', o.ends_at) order by o.starts_at)
      from appointment_offers o where o.workspace_id = ? and o.appointment_id = a.id), '[]'::json) as offered_times`,
      [workspaceId],
    ),
  ];
}

function appointments(db: Db, workspaceId: number) {
  return db('appointments as a')
    .join('clients as c', (j) => j.on('c.workspace_id', 'a.workspace_id').andOn('c.id', 'a.client_id'))
    .join('appointment_services as s', (j) => j.on('s.workspace_id', 'a.workspace_id').andOn('s.id', 'a.service_id'))
    .leftJoin('contacts as k', (j) => j.on('k.workspace_id', 'a.workspace_id').andOn('k.id', 'a.contact_id'))
    .where('a.workspace_id', workspaceId);
}

/** The workspace's booking rules; the defaults where it never set them. */
export async function findAppointmentSettings(db: Db, scope: { workspaceId: number }): Promise<AppointmentSettingsRow> {
  const row = await db('appointment_settings')
    .where({ workspace_id: scope.workspaceId })
    .first<AppointmentSettingsRow | undefined>('time_zone', 'step_minutes', 'notice_minutes', 'horizon_days');
  return row ?? { time_zone: 'Europe/Berlin', step_minutes: 30, notice_minutes: 120, horizon_days: 60 };
}

export function listAppointmentHours(db: Db, scope: { workspaceId: number }): Promise<AppointmentHoursRow[]> {
  return db('appointment_hours')
    .where({ workspace_id: scope.workspaceId })
    .orderBy(['weekday', 'opens_at'])
    .select('weekday', db.raw("to_char(opens_at, 'HH24:MI') as opens_at"), db.raw("to_char(closes_at, 'HH24:MI') as closes_at"));
}

export function listBookableServices(db: Db, scope: { workspaceId: number }): Promise<AppointmentServiceRow[]> {
  return db('appointment_services')
    .where({ workspace_id: scope.workspaceId, bookable: true })
    .orderBy(['position', 'id'])
    .select('id', 'name', 'names', 'duration_minutes');
}

export async function findBookableService(
  db: Db,
  scope: { workspaceId: number; serviceId: number },
): Promise<AppointmentServiceRow | null> {
  const row = await db('appointment_services')
    .where({ workspace_id: scope.workspaceId, id: scope.serviceId, bookable: true })
    .first<AppointmentServiceRow | undefined>('id', 'name', 'names', 'duration_minutes');
  return row ?? null;
}

/** Every service of the workspace, withdrawn ones too, in the order clients see them. */
export function listServicesForStaff(db: Db, scope: { workspaceId: number }): Promise<StaffServiceRow[]> {
  return db('appointment_services')
    .where({ workspace_id: scope.workspaceId })
    .orderBy(['position', 'id'])
    .select('id', 'name', 'names', 'duration_minutes', 'bookable');
}

export async function findServiceForStaff(db: Db, scope: { workspaceId: number; serviceId: number }): Promise<StaffServiceRow | null> {
  const row = await db('appointment_services')
    .where({ workspace_id: scope.workspaceId, id: scope.serviceId })
    .first<StaffServiceRow | undefined>('id', 'name', 'names', 'duration_minutes', 'bookable');
  return row ?? null;
}

interface ServiceFields {
  name: string;
  names: Record<string, string>;
  durationMinutes: number;
  bookable: boolean;
}

/** A new service, last in the list; a name the workspace already uses is a unique violation. */
export async function insertService(db: Db, args: { workspaceId: number } & ServiceFields): Promise<number> {
  const [row] = await db('appointment_services')
    .insert({
      workspace_id: args.workspaceId,
      name: args.name,
      names: JSON.stringify(args.names),
      duration_minutes: args.durationMinutes,
      bookable: args.bookable,
      position: db('appointment_services').where({ workspace_id: args.workspaceId }).select(db.raw('coalesce(max(position) + 1, 0)')),
    })
    .returning<{ id: number }[]>('id');
  return row!.id;
}

export async function updateService(db: Db, args: { workspaceId: number; serviceId: number } & ServiceFields): Promise<void> {
  await db('appointment_services')
    .where({ workspace_id: args.workspaceId, id: args.serviceId })
    .update({
      name: args.name,
      names: JSON.stringify(args.names),
      duration_minutes: args.durationMinutes,
      bookable: args.bookable,
    });
}

/**
 * The week's opening hours replaced by `ranges`; the caller holds a transaction, so no booking reads
 * half a week. The workspace's row is locked first: two replacements at once run one after the
 * other, and the second's delete sees the first's rows (without it, both weeks would stay).
 */
export async function replaceAppointmentHours(db: Db, args: { workspaceId: number; ranges: readonly OpeningRange[] }): Promise<void> {
  await db('workspaces').where({ id: args.workspaceId }).forUpdate().first('id');
  await db('appointment_hours').where({ workspace_id: args.workspaceId }).delete();
  if (args.ranges.length === 0) return;
  await db('appointment_hours').insert(
    args.ranges.map((r) => ({ workspace_id: args.workspaceId, weekday: r.weekday, opens_at: r.opens, closes_at: r.closes })),
  );
}

/** The standing bookings of the workspace that overlap [from, to): the times no one else may have. */
export function listStandingTimes(db: Db, scope: { workspaceId: number; from: Date; to: Date; exceptId?: number }) {
  const query = db('appointments')
    .where({ workspace_id: scope.workspaceId })
    .whereIn('status', STANDING_STATUSES)
    .where('starts_at', '<', scope.to)
    .where('ends_at', '>', scope.from);
  if (scope.exceptId !== undefined) query.whereNot('id', scope.exceptId);
  return query.select<{ starts_at: Date; ends_at: Date }[]>('starts_at', 'ends_at');
}

/**
 * A client's appointments coming up (ending after now, soonest first) or past (latest first), a
 * page at a time after the last one handed out (keyset on start and id, appointments_client_time_idx).
 */
export function listClientAppointments(
  db: Db,
  scope: {
    workspaceId: number;
    clientId: number;
    when: 'upcoming' | 'past';
    now: Date;
    limit: number;
    after: { startsAt: Date; id: number } | null;
  },
): Promise<AppointmentRow[]> {
  const query = appointments(db, scope.workspaceId).where('a.client_id', scope.clientId);
  const { after } = scope;
  if (scope.when === 'upcoming') {
    query.where('a.ends_at', '>', scope.now).orderBy([{ column: 'a.starts_at' }, { column: 'a.id' }]);
    if (after) query.whereRaw('(a.starts_at, a.id) > (?, ?)', [after.startsAt, after.id]);
  } else {
    query.where('a.ends_at', '<=', scope.now).orderBy([
      { column: 'a.starts_at', order: 'desc' },
      { column: 'a.id', order: 'desc' },
    ]);
    if (after) query.whereRaw('(a.starts_at, a.id) < (?, ?)', [after.startsAt, after.id]);
  }
  return query.limit(scope.limit).select(columns(db, scope.workspaceId));
}

export async function findAppointment(
  db: Db,
  scope: { workspaceId: number; id: number; clientId?: number },
): Promise<AppointmentRow | null> {
  const query = appointments(db, scope.workspaceId).where('a.id', scope.id);
  if (scope.clientId !== undefined) query.where('a.client_id', scope.clientId);
  return (await query.first<AppointmentRow | undefined>(columns(db, scope.workspaceId))) ?? null;
}

/**
 * The client's next standing appointments (pending, confirmed, moved) ending after `now`, soonest
 * first: the dashboard's, read with its other lists in one statement (appointments_client_time_idx).
 */
export function comingAppointmentsQuery(db: Db, scope: { workspaceId: number; clientId: number; now: string; limit: number }) {
  return appointments(db, scope.workspaceId)
    .where('a.client_id', scope.clientId)
    .whereIn('a.status', STANDING_STATUSES)
    .where('a.ends_at', '>', scope.now)
    .orderBy([{ column: 'a.starts_at' }, { column: 'a.id' }])
    .limit(scope.limit)
    .select(columns(db, scope.workspaceId));
}

/** The staff list: the workspace's appointments ending after a time, soonest first. */
export function listWorkspaceAppointments(db: Db, scope: { workspaceId: number; from: Date; limit: number }): Promise<AppointmentRow[]> {
  return appointments(db, scope.workspaceId)
    .where('a.ends_at', '>', scope.from)
    .orderBy([{ column: 'a.starts_at' }, { column: 'a.id' }])
    .limit(scope.limit)
    .select(columns(db, scope.workspaceId));
}

/**
 * A new appointment. The exclusion constraint refuses one whose time a standing booking holds
 * (23P01, isExclusionViolation): callers run it in a savepoint so their transaction survives that.
 */
export async function insertAppointment(
  db: Db,
  row: {
    workspaceId: number;
    clientId: number;
    contactId: number;
    serviceId: number;
    startsAt: Date;
    endsAt: Date;
    note: string;
    timeZone: string;
  },
): Promise<number> {
  const [inserted] = await db('appointments')
    .insert({
      workspace_id: row.workspaceId,
      client_id: row.clientId,
      contact_id: row.contactId,
      service_id: row.serviceId,
      starts_at: row.startsAt,
      ends_at: row.endsAt,
      note: row.note,
      time_zone: row.timeZone,
    })
    .returning<{ id: number }[]>('id');
  return inserted!.id;
}

/** exclusion_violation: another standing booking holds the time. */
export function isExclusionViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23P01';
}

/**
 * A status change, only from the statuses given (a cancelled one is not confirmed again). A new
 * time or calling it off revises the invitation: its sequence goes up, so calendars take the
 * later message over the earlier. The agency calling it off keeps its words for the client
 * (`agencyReason`). The number of rows changed (0: not in a `from` status).
 */
export async function changeAppointment(
  db: Db,
  scope: { workspaceId: number; id: number; clientId?: number },
  change: { from: readonly AppointmentRowStatus[]; to: AppointmentRowStatus; startsAt?: Date; endsAt?: Date; agencyReason?: string },
): Promise<number> {
  const query = db('appointments').where({ workspace_id: scope.workspaceId, id: scope.id }).whereIn('status', change.from);
  if (scope.clientId !== undefined) query.where('client_id', scope.clientId);
  const moves = change.startsAt !== undefined && change.endsAt !== undefined;
  const revises = moves || change.to === 'cancelled' || change.to === 'declined';
  return query.update({
    status: change.to,
    updated_at: db.fn.now(),
    ...(moves ? { starts_at: change.startsAt, ends_at: change.endsAt } : {}),
    ...(revises ? { sequence: db.raw('sequence + 1') } : {}),
    ...(change.agencyReason !== undefined ? { agency_reason: change.agencyReason } : {}),
  });
}

/**
 * A client's request to move a standing appointment still to come: it becomes a request again
 * (pending) at the new time, its revision up, only if it is still at the revision the client read,
 * so of two requests at once one moves it. The agency answers it as any request. The exclusion
 * constraint refuses a time another booking holds (run it in a savepoint). Rows changed: 0 when
 * the appointment changed meanwhile, is no longer standing, or has begun.
 */
export function requestMove(
  db: Db,
  scope: { workspaceId: number; clientId: number; id: number },
  move: { sequence: number; startsAt: Date; endsAt: Date; now: Date },
): Promise<number> {
  return db('appointments')
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, id: scope.id, sequence: move.sequence })
    .whereIn('status', STANDING_STATUSES)
    .where('starts_at', '>', move.now)
    .update({
      status: 'pending',
      starts_at: move.startsAt,
      ends_at: move.endsAt,
      sequence: db.raw('sequence + 1'),
      agency_reason: null,
      updated_at: db.fn.now(),
    });
}

/**
 * Declines a request still waiting, with the agency's words (or none) and the other times it
 * offers (each [start, end)), in one transaction; 0 when it was no longer waiting.
 */
export async function declineWithOffers(
  db: Db,
  scope: { workspaceId: number; id: number },
  decline: { reason: string | null; offers: Array<{ startsAt: Date; endsAt: Date }> },
): Promise<number> {
  return inTransaction(db, async (trx) => {
    const changed = await changeAppointment(trx, scope, {
      from: ['pending'],
      to: 'declined',
      ...(decline.reason ? { agencyReason: decline.reason } : {}),
    });
    if (changed === 0 || decline.offers.length === 0) return changed;
    await trx('appointment_offers').insert(
      decline.offers.map((offer) => ({
        workspace_id: scope.workspaceId,
        appointment_id: scope.id,
        starts_at: offer.startsAt,
        ends_at: offer.endsAt,
      })),
    );
    return changed;
  });
}

/**
 * Takes the declined request's offers off it, the request's row locked first so two takers line
 * up: the offers it held (empty when another taker was first, or it held none), or null when it is
 * not this client's declined request. Run it in the transaction that books the time taken.
 */
export async function takeOffers(
  trx: Knex.Transaction,
  scope: { workspaceId: number; clientId: number; id: number },
): Promise<{ request: { service_id: number; note: string; time_zone: string }; offers: Array<{ starts_at: Date; ends_at: Date }> } | null> {
  const request = await trx('appointments')
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, id: scope.id, status: 'declined' })
    .forUpdate()
    .first<{ service_id: number; note: string; time_zone: string } | undefined>('service_id', 'note', 'time_zone');
  if (!request) return null;
  const offers = await trx('appointment_offers')
    .where({ workspace_id: scope.workspaceId, appointment_id: scope.id })
    .delete()
    .returning<Array<{ starts_at: Date; ends_at: Date }>>(['starts_at', 'ends_at']);
  return { request, offers };
}

/** The demo's services and hours (seed): added once, an agency's own changes kept. */
export async function ensureAppointmentSetup(
  db: Db,
  workspaceId: number,
  setup: { services: { name: string; names: Record<string, string>; minutes: number }[]; hours: OpeningRange[] },
): Promise<void> {
  for (const [position, service] of setup.services.entries()) {
    await db('appointment_services')
      .insert({
        workspace_id: workspaceId,
        name: service.name,
        names: JSON.stringify(service.names),
        duration_minutes: service.minutes,
        position,
      })
      .onConflict(['workspace_id', 'name'])
      .ignore();
  }
  const exists = await db('appointment_hours').where({ workspace_id: workspaceId }).first('id');
  if (exists) return;
  await db('appointment_hours').insert(
    setup.hours.map((h) => ({ workspace_id: workspaceId, weekday: h.weekday, opens_at: h.opens, closes_at: h.closes })),
  );
}
