// Alga PSA's appointment requests of a client, read and written as Alga's own client portal does
// (packages/client-portal/src/actions/client-portal-actions/appointmentRequestActions.ts:
// createAppointmentRequest, getMyAppointmentRequests, cancelAppointmentRequest), and the
// availability its booking form offers (packages/client-portal/src/services/availabilityService.ts:
// getAvailableServicesForClient, getServicesForPublicBooking, getAvailableTimeSlots):
//   appointment_requests (client_id, contact_id, service_id, requested_date and requested_time as
//     the requester's wall clock in requester_timezone, requested_duration, status pending →
//     approved | declined | cancelled, schedule_entry_id);
//   schedule_entries (work_item_type 'appointment_request', work_item_id the request), made with
//     the request and moved or assigned by Alga's staff when they approve it;
//   availability_settings ('user_hours' per user and day_of_week 0 = Sunday, in the tenant's zone;
//     'service_rules' per service), availability_exceptions (per date; user_id null: the whole
//     company), tenant_settings.settings.timezone.
// Every statement names the tenant; a client's reads also the client.
import type { Knex } from 'knex';
import type { Db } from './db.ts';

export interface AlgaAppointmentRow {
  appointment_request_id: string;
  client_id: string;
  contact_id: string | null;
  service_id: string;
  service_name: string | null;
  status: 'pending' | 'approved' | 'declined' | 'cancelled';
  description: string | null;
  /** The staff's reason (declineAppointmentRequest), or Alga's own words for a cancellation. */
  declined_reason: string | null;
  requester_timezone: string | null;
  requested_duration: number;
  created_at: Date;
  /** When it was asked for: the requester's wall clock in their zone (UTC without one), as an instant. */
  requested_start: Date;
  /** The schedule entry's times, where it has one (Alga's staff may have moved it). */
  scheduled_start: Date | null;
  scheduled_end: Date | null;
}

export interface AlgaServiceRow {
  service_id: string;
  service_name: string;
}

export interface UserHoursRow {
  user_id: string;
  start_time: string;
  end_time: string;
  buffer_before_minutes: number | null;
  buffer_after_minutes: number | null;
  max_appointments_per_day: number | null;
}

const REQUESTED_START = "((ar.requested_date + ar.requested_time) at time zone coalesce(ar.requester_timezone, 'UTC'))";

function requests(db: Db, tenant: string) {
  return db('appointment_requests as ar')
    .leftJoin('service_catalog as sc', function joinService() {
      this.on('sc.tenant', '=', 'ar.tenant').andOn('sc.service_id', '=', 'ar.service_id');
    })
    .leftJoin('schedule_entries as se', function joinEntry() {
      this.on('se.tenant', '=', 'ar.tenant').andOn('se.entry_id', '=', 'ar.schedule_entry_id');
    })
    .where('ar.tenant', tenant)
    .select(
      'ar.appointment_request_id',
      'ar.client_id',
      'ar.contact_id',
      'ar.service_id',
      'sc.service_name',
      'ar.status',
      'ar.description',
      'ar.declined_reason',
      'ar.requester_timezone',
      'ar.requested_duration',
      'ar.created_at',
      db.raw(`${REQUESTED_START} as requested_start`),
      'se.scheduled_start',
      'se.scheduled_end',
    );
}

/** A client's requests, each with the instant it starts (the entry's, else the one asked for). */
function clientRequests(db: Db, tenant: string, clientId: string) {
  return db
    .from(requests(db, tenant).where('ar.client_id', clientId).as('r'))
    .select('r.*', db.raw('coalesce(r.scheduled_start, r.requested_start) as starts_at'))
    .as('q');
}

export async function listClientRequests(
  db: Db,
  args: {
    tenant: string;
    clientId: string;
    when: 'upcoming' | 'past';
    now: Date;
    limit: number;
    after: { startsAt: Date; id: string } | null;
  },
): Promise<(AlgaAppointmentRow & { starts_at: Date })[]> {
  const ends = 'q.starts_at + make_interval(mins => q.requested_duration)';
  const query = db.from(clientRequests(db, args.tenant, args.clientId)).select('q.*');
  if (args.when === 'upcoming') {
    query.whereRaw(`${ends} > ?`, [args.now]).orderBy([{ column: 'q.starts_at' }, { column: 'q.appointment_request_id' }]);
    if (args.after) query.whereRaw('(q.starts_at, q.appointment_request_id) > (?, ?::uuid)', [args.after.startsAt, args.after.id]);
  } else {
    query.whereRaw(`${ends} <= ?`, [args.now]).orderBy([
      { column: 'q.starts_at', order: 'desc' },
      { column: 'q.appointment_request_id', order: 'desc' },
    ]);
    if (args.after) query.whereRaw('(q.starts_at, q.appointment_request_id) < (?, ?::uuid)', [args.after.startsAt, args.after.id]);
  }
  return query.limit(args.limit);
}

export async function findClientRequest(
  db: Db,
  args: { tenant: string; clientId: string; id: string },
): Promise<AlgaAppointmentRow | null> {
  return (await requests(db, args.tenant).where({ 'ar.client_id': args.clientId, 'ar.appointment_request_id': args.id }).first()) ?? null;
}

/** The tenant's zone for its hours (tenant_settings.settings.timezone), UTC without one, as Alga reads it. */
export async function tenantTimeZone(db: Db, tenant: string): Promise<string> {
  const row = await db('tenant_settings').where({ tenant }).first<{ settings: { timezone?: unknown } | null } | undefined>('settings');
  const zone = row?.settings?.timezone;
  return typeof zone === 'string' && zone.length > 0 ? zone : 'UTC';
}

/** What a client may book: its active contracts' services, then those bookable without one. */
export async function bookableServices(db: Db, args: { tenant: string; clientId: string; today: string }): Promise<AlgaServiceRow[]> {
  const contracts = db('client_contracts')
    .where({ tenant: args.tenant, client_id: args.clientId, is_active: true })
    .where('start_date', '<=', args.today)
    .where((q) => q.whereNull('end_date').orWhere('end_date', '>=', args.today))
    .select('contract_id');
  const fromContracts = db('contract_lines as cl')
    .join('contract_line_services as cls', function joinLine() {
      this.on('cl.contract_line_id', '=', 'cls.contract_line_id').andOn('cl.tenant', '=', 'cls.tenant');
    })
    .join('service_catalog as sc', function joinService() {
      this.on('cls.service_id', '=', 'sc.service_id').andOn('cls.tenant', '=', 'sc.tenant');
    })
    .where('cl.tenant', args.tenant)
    .whereIn('cl.contract_id', contracts)
    .select('sc.service_id', 'sc.service_name');
  const withoutContract = db('availability_settings as avs')
    .join('service_catalog as sc', function joinService() {
      this.on('avs.service_id', '=', 'sc.service_id').andOn('avs.tenant', '=', 'sc.tenant');
    })
    .where({ 'avs.tenant': args.tenant, 'avs.setting_type': 'service_rules', 'avs.allow_without_contract': true })
    .select('sc.service_id', 'sc.service_name');
  const rows = await db
    .from(db.union([fromContracts, withoutContract], true).as('s'))
    .select('s.*')
    .orderBy('s.service_name');
  return rows as AlgaServiceRow[];
}

export async function serviceRules(db: Db, tenant: string, serviceId: string) {
  return (
    (await db('availability_settings')
      .where({ tenant, setting_type: 'service_rules', service_id: serviceId })
      .first<{ advance_booking_days: number | null; minimum_notice_hours: number | null } | undefined>(
        'advance_booking_days',
        'minimum_notice_hours',
      )) ?? null
  );
}

/**
 * What the day's slots are made from, as getAvailableTimeSlots reads it for a date of the tenant:
 * the exceptions of the date, the users' hours on that weekday, the entries starting that UTC day
 * with their assignees.
 */
export async function dayAvailability(db: Db, args: { tenant: string; date: string; dayOfWeek: number }) {
  // One after another: on a transaction's one connection, statements do not overlap.
  const exceptions = await db('availability_exceptions')
    .where({ tenant: args.tenant, date: args.date })
    .select<{ user_id: string | null; is_available: boolean }[]>('user_id', 'is_available');
  const hours = await db('availability_settings')
    .where({ tenant: args.tenant, setting_type: 'user_hours', day_of_week: args.dayOfWeek, is_available: true })
    .whereNotNull('user_id')
    .select<UserHoursRow[]>(
      'user_id',
      db.raw("to_char(start_time, 'HH24:MI') as start_time"),
      db.raw("to_char(end_time, 'HH24:MI') as end_time"),
      'buffer_before_minutes',
      'buffer_after_minutes',
      'max_appointments_per_day',
    );
  const entries = await db('schedule_entries as se')
    .where('se.tenant', args.tenant)
    // The date's UTC day, as Alga reads it (startOfDay … endOfDay in UTC).
    .whereBetween('se.scheduled_start', [new Date(`${args.date}T00:00:00.000Z`), new Date(`${args.date}T23:59:59.999Z`)])
    .select<{ entry_id: string; scheduled_start: Date; scheduled_end: Date; work_item_type: string; assignees: string[] }[]>(
      'se.entry_id',
      'se.scheduled_start',
      'se.scheduled_end',
      'se.work_item_type',
      db.raw(
        'coalesce((select array_agg(sea.user_id::text) from schedule_entry_assignees sea where sea.tenant = se.tenant and sea.entry_id = se.entry_id), array[]::text[]) as assignees',
      ),
    );
  return { exceptions, hours, entries };
}

/** The standing requests' entries overlapping a time: what the portal will not give to a second client. */
export async function standingRequestsOverlapping(db: Db, args: { tenant: string; startsAt: Date; endsAt: Date }): Promise<number> {
  const row = await db('appointment_requests as ar')
    .join('schedule_entries as se', function joinEntry() {
      this.on('se.tenant', '=', 'ar.tenant').andOn('se.entry_id', '=', 'ar.schedule_entry_id');
    })
    .where('ar.tenant', args.tenant)
    .whereIn('ar.status', ['pending', 'approved'])
    .where('se.scheduled_start', '<', args.endsAt)
    .where('se.scheduled_end', '>', args.startsAt)
    .count<{ n: string }[]>({ n: '*' })
    .first();
  return Number(row?.n ?? 0);
}

/** Holds the tenant's bookings until the caller's transaction ends: requests for one time queue, and each re-checks. */
export async function lockTenantBookings(trx: Knex.Transaction, tenant: string): Promise<void> {
  await trx.raw("select pg_advisory_xact_lock(hashtextextended('portal-appointments:' || ?, 0))", [tenant]);
}

/**
 * A request from the client portal, as createAppointmentRequest writes it: the appointment_requests
 * row (its newRequest), the schedule entry made with it ('[Pending Request] <service>', work item
 * 'appointment_request', status 'scheduled', notes the description or 'Appointment request from
 * client portal', no assignee without a preferred technician), then the request's
 * schedule_entry_id and updated_at.
 */
export async function insertRequest(
  trx: Knex.Transaction,
  row: {
    id: string;
    entryId: string;
    tenant: string;
    clientId: string;
    contactId: string;
    serviceId: string;
    serviceName: string;
    requestedDate: string;
    requestedTime: string;
    duration: number;
    timeZone: string;
    description: string;
    startsAt: Date;
    now: Date;
  },
): Promise<void> {
  await trx('appointment_requests').insert({
    appointment_request_id: row.id,
    tenant: row.tenant,
    client_id: row.clientId,
    contact_id: row.contactId,
    service_id: row.serviceId,
    requested_date: row.requestedDate,
    requested_time: row.requestedTime,
    requested_duration: row.duration,
    requester_timezone: row.timeZone || null,
    preferred_assigned_user_id: null,
    status: 'pending',
    description: row.description || null,
    ticket_id: null,
    is_authenticated: true,
    requester_name: null,
    requester_email: null,
    requester_phone: null,
    company_name: null,
    schedule_entry_id: null,
    approved_by_user_id: null,
    approved_at: null,
    declined_reason: null,
    created_at: row.now,
    updated_at: row.now,
  });
  await trx('schedule_entries').insert({
    entry_id: row.entryId,
    tenant: row.tenant,
    title: `[Pending Request] ${row.serviceName}`,
    work_item_type: 'appointment_request',
    work_item_id: row.id,
    scheduled_start: row.startsAt.toISOString(),
    scheduled_end: new Date(row.startsAt.getTime() + row.duration * 60_000).toISOString(),
    status: 'scheduled',
    notes: row.description || 'Appointment request from client portal',
    created_at: row.now,
    updated_at: row.now,
  });
  await trx('appointment_requests')
    .where({ tenant: row.tenant, appointment_request_id: row.id })
    .update({ schedule_entry_id: row.entryId, updated_at: row.now });
}

/** The client cancels it, as cancelAppointmentRequest does: pending or approved only; its entry goes. */
export async function cancelRequest(
  trx: Knex.Transaction,
  args: { tenant: string; clientId: string; id: string; now: Date },
): Promise<boolean> {
  const request = await trx('appointment_requests')
    .where({ tenant: args.tenant, client_id: args.clientId, appointment_request_id: args.id })
    .whereIn('status', ['pending', 'approved'])
    .forUpdate()
    .first<{ schedule_entry_id: string | null } | undefined>('schedule_entry_id');
  if (!request) return false;
  if (request.schedule_entry_id) {
    await trx('schedule_entry_assignees').where({ tenant: args.tenant, entry_id: request.schedule_entry_id }).delete();
    await trx('schedule_entries').where({ tenant: args.tenant, entry_id: request.schedule_entry_id }).delete();
  }
  await trx('appointment_requests').where({ tenant: args.tenant, appointment_request_id: args.id }).update({
    status: 'cancelled',
    declined_reason: 'Cancelled by client',
    schedule_entry_id: null,
    online_meeting_provider: null,
    online_meeting_url: null,
    online_meeting_id: null,
    updated_at: args.now,
  });
  return true;
}
