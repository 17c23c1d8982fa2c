// Appointments beside Dolibarr: BookCal's calendars (llx_bookcal_calendar, the module's, in
// crm-schemas/dolibarr-more-modules.sql), the agency's hours of each kept by the portal
// (portal_dolibarr_calendars: the dump has no llx_bookcal_availabilities), and each booking an
// agenda event (llx_actioncomm, fk_bookcal_calendar the calendar) with the contact, as
// ActionComm::create writes it (htdocs/comm/action/class/actioncomm.class.php): ref '(PROV)' then
// its id, type fk_action/code from llx_c_actioncomm (AC_RDV, "Meeting"), fk_soc and fk_contact on
// the event, the owner's 'user' and the contact's 'socpeople' rows in llx_actioncomm_resources.
// The portal keeps the link (portal_dolibarr_appointments). Dolibarr's timestamps have no zone:
// written and read in the database's zone (`::timestamptz::timestamp` and back), as queries/news.ts
// compares them. Every query scoped by entity, a client's by company.
import type { Db } from './db.ts';
import { clientCompanyIds } from './db.ts';
import { AGENDA_EVENT_COLUMNS, agendaLabel, insertAgendaEvent } from './agenda.ts';

/** BookCal's calendar status: validated (Calendar::STATUS_VALIDATED); drafts (0) and canceled (9) take no bookings. */
const CALENDAR_VALIDATED = 1;

/** Whether BookCal's tables are there (the module's dump). */
export async function bookcalTablesExist(db: Db): Promise<boolean> {
  const result = await db.raw("select to_regclass('llx_bookcal_calendar') is not null as present");
  return (result.rows as Array<{ present: boolean }>)[0]?.present === true;
}

export interface CalendarRow {
  rowid: number;
  ref: string;
  label: string | null;
  owner: number | null;
  hours: unknown;
  time_zone: string;
  minutes: number;
  notice_minutes: number;
  horizon_days: number;
  event_type: string;
}

/** The hours the agency set for a calendar in the portal (portal_dolibarr_calendars aliased h). */
const HOURS_COLUMNS = ['h.hours', 'h.time_zone', 'h.minutes', 'h.notice_minutes', 'h.horizon_days', 'h.event_type'];

/** The entity's validated calendars the agency set hours for in the portal, by label. */
function calendars(db: Db, entity: number) {
  return db('llx_bookcal_calendar as c')
    .join('portal_dolibarr_calendars as h', function joinHours() {
      this.on('h.fk_bookcal_calendar', '=', 'c.rowid').andOn('h.entity', '=', 'c.entity');
    })
    .where({ 'c.entity': entity, 'c.status': CALENDAR_VALIDATED })
    .select<CalendarRow[]>(
      'c.rowid',
      'c.ref',
      'c.label',
      // The calendar's owner (its 'visibility' field is the owner user), else its creator.
      db.raw(
        `coalesce((select u.rowid from llx_user u where u.rowid = c.visibility and u.statut = 1 and u.fk_soc is null), c.fk_user_creat) as owner`,
      ),
      ...HOURS_COLUMNS,
    );
}

export function listCalendars(db: Db, args: { entity: number }): Promise<CalendarRow[]> {
  return calendars(db, args.entity).orderBy('c.label').orderBy('c.rowid');
}

export async function findCalendar(db: Db, args: { entity: number; calendarId: number }): Promise<CalendarRow | null> {
  return (await calendars(db, args.entity).where('c.rowid', args.calendarId).first()) ?? null;
}

/** Every validated calendar of the entity, with the portal's hours where the agency set them (its settings page). */
export function listAllCalendars(db: Db, args: { entity: number }) {
  return db('llx_bookcal_calendar as c')
    .leftJoin('portal_dolibarr_calendars as h', function joinHours() {
      this.on('h.fk_bookcal_calendar', '=', 'c.rowid').andOn('h.entity', '=', 'c.entity');
    })
    .where({ 'c.entity': args.entity, 'c.status': CALENDAR_VALIDATED })
    .orderBy('c.label')
    .orderBy('c.rowid')
    .select<Array<Omit<CalendarRow, 'owner' | 'hours'> & { hours: unknown | null; configured: boolean }>>(
      'c.rowid',
      'c.ref',
      'c.label',
      ...HOURS_COLUMNS,
      db.raw('h.entity is not null as configured'),
    );
}

/** Whether a calendar is one of the entity's validated ones. */
export async function isValidatedCalendar(db: Db, args: { entity: number; calendarId: number }): Promise<boolean> {
  const row = await db('llx_bookcal_calendar')
    .where({ entity: args.entity, rowid: args.calendarId, status: CALENDAR_VALIDATED })
    .first('rowid');
  return Boolean(row);
}

/** The agency's settings for a calendar's hours: adds or replaces them. */
export async function saveCalendarHours(
  db: Db,
  args: {
    entity: number;
    calendarId: number;
    hours: ReadonlyArray<{ weekday: number; opens: string; closes: string }>;
    timeZone: string;
    minutes: number;
    noticeMinutes: number;
    horizonDays: number;
    eventType: string;
  },
): Promise<void> {
  await db('portal_dolibarr_calendars')
    .insert({
      entity: args.entity,
      fk_bookcal_calendar: args.calendarId,
      hours: JSON.stringify(args.hours),
      time_zone: args.timeZone,
      minutes: args.minutes,
      notice_minutes: args.noticeMinutes,
      horizon_days: args.horizonDays,
      event_type: args.eventType,
    })
    .onConflict(['entity', 'fk_bookcal_calendar'])
    .merge();
}

/**
 * One booking at a time per entity and calendar, and per entity and owner (whose other calendars
 * hold the same person's time), until the transaction ends. Always the calendar first, then the
 * owner, so two bookings never wait on each other in a circle.
 */
export async function lockCalendar(trx: Db, args: { entity: number; calendarId: number; owner: number | null }): Promise<void> {
  await trx.raw("select pg_advisory_xact_lock(hashtextextended('portal-dolibarr-bookcal:' || ? || ':' || ?, 0))", [
    args.entity,
    args.calendarId,
  ]);
  if (args.owner !== null && args.owner > 0)
    await trx.raw("select pg_advisory_xact_lock(hashtextextended('portal-dolibarr-agenda-owner:' || ? || ':' || ?, 0))", [
      args.entity,
      args.owner,
    ]);
}

/**
 * Dolibarr's BookCal booking, as its public page writes one (public/bookcal/index.php: type
 * AC_RDV, fk_bookcal_calendar the calendar, status 0) and as bookcalAjax.php counts one busy
 * ("b.code = 'AC_RDV' AND b.status = 0 AND b.fk_bookcal_calendar = <id>"): whatever its percent
 * (the page writes -1, "Not applicable") and its transparency (the page writes 0). It stands until
 * its event is deleted or moved; the portal writes and reads its own bookings the same way.
 */
const BOOKING_CODE = 'AC_RDV';
const BOOKING_STATUS = 0;

/**
 * The events overlapping [from, to) that hold the calendar's time, one rule for the slots offered
 * and the booking's check, and a superset of bookcalAjax.php's, so the portal never offers what
 * Dolibarr's page shows booked:
 *   - every booking of the calendar (above), as Dolibarr's page counts them;
 *   - every event of the calendar's owner, as its owner (fk_user_action, ActionComm's userownerid)
 *     or as an assigned user (an llx_actioncomm_resources row 'user'), on any calendar of the
 *     agenda: a BookCal booking of the owner's other calendars whatever its flags, and any other
 *     event only where it is marked busy (transparency > 0: the event card's "Busy" box, checked by
 *     default; ActionComm::create leaves the automatic events at 0). Its percent does not count:
 *     the card's own meetings start at -1 "Not applicable".
 * An event without an end (or ending before it starts) holds its start. One statement, on the
 * datep index.
 */
export function busyEvents(db: Db, args: { entity: number; calendarId: number; owner: number | null; from: Date; to: Date }) {
  const owner = args.owner !== null && args.owner > 0 ? args.owner : null;
  return db('llx_actioncomm as a')
    .where('a.entity', args.entity)
    .andWhere(function heldTime() {
      this.where(function calendarBooking() {
        this.where({ 'a.fk_bookcal_calendar': args.calendarId, 'a.code': BOOKING_CODE, 'a.status': BOOKING_STATUS });
      });
      if (owner !== null)
        this.orWhere(function ownersTime() {
          this.where(function ofOwner() {
            this.where('a.fk_user_action', owner).orWhereExists(
              db('llx_actioncomm_resources as r')
                .select(db.raw('1'))
                .whereRaw('r.fk_actioncomm = a.id')
                .where({ 'r.element_type': 'user', 'r.fk_element': owner }),
            );
          }).andWhere(function held() {
            this.where('a.transparency', '>', 0).orWhere(function anyBooking() {
              this.whereNotNull('a.fk_bookcal_calendar').andWhere({ 'a.code': BOOKING_CODE, 'a.status': BOOKING_STATUS });
            });
          });
        });
    })
    .andWhereRaw('a.datep < ?::timestamptz::timestamp', [args.to])
    .andWhereRaw(`greatest(coalesce(a.datep2, a.datep), a.datep + interval '1 second') > ?::timestamptz::timestamp`, [args.from])
    .select<Array<{ startsAt: Date; endsAt: Date }>>(
      db.raw('a.datep::timestamptz as "startsAt"'),
      db.raw('greatest(coalesce(a.datep2, a.datep), a.datep + interval \'1 second\')::timestamptz as "endsAt"'),
    );
}

/** A booking's llx_actioncomm columns: every event's, and the calendar it is booked in. */
export const BOOKING_EVENT_COLUMNS = [...AGENDA_EVENT_COLUMNS, 'fk_bookcal_calendar'];

/** ActionComm::create's insert of a client's booking, with its owner and its contact; answers the event's id. */
export async function insertBookingEvent(
  trx: Db,
  args: {
    entity: number;
    calendarId: number;
    label: string;
    note: string;
    companyId: number;
    contactId: number;
    owner: number | null;
    startsAt: Date;
    endsAt: Date;
    ip: string | null;
  },
): Promise<number> {
  const type = await trx('llx_c_actioncomm').where({ code: BOOKING_CODE }).first<{ id: number } | undefined>('id');
  const event = await insertAgendaEvent(
    trx,
    {
      entity: args.entity,
      datep: trx.raw('?::timestamptz::timestamp', [args.startsAt]),
      datep2: trx.raw('?::timestamptz::timestamp', [args.endsAt]),
      // ActionComm::create: "$this->durationp = ($this->datef - $this->datep)", in seconds.
      durationp: Math.round((args.endsAt.getTime() - args.startsAt.getTime()) / 1000),
      fk_action: type?.id ?? null,
      // A booking Dolibarr's public page counts busy (BOOKING_CODE): AC_RDV, status 0, the calendar.
      code: BOOKING_CODE,
      fk_soc: args.companyId,
      fk_contact: args.contactId,
      fk_project: null,
      note: args.note,
      // The client is no Dolibarr user: the event is the calendar owner's, written by no one.
      fk_user_author: null,
      fk_user_action: args.owner,
      label: agendaLabel(args.label),
      // "To do": the agency has yet to answer (the mapping is in CONTEXT.md).
      percent: 0,
      // Busy: the time is taken in the owner's calendar (the event and its owner's attendance).
      transparency: 1,
      fk_element: null,
      elementtype: null,
      status: BOOKING_STATUS,
      email_from: null,
      fk_bookcal_calendar: args.calendarId,
      ip: args.ip?.slice(0, 250) || null,
    },
    [
      ...(args.owner !== null && args.owner > 0 ? [{ element_type: 'user' as const, fk_element: args.owner }] : []),
      { element_type: 'socpeople' as const, fk_element: args.contactId },
    ],
  );
  return event.id;
}

export async function insertBooking(
  trx: Db,
  args: {
    entity: number;
    eventId: number;
    calendarId: number;
    companyId: number;
    contactId: number;
    startsAt: Date;
    minutes: number;
    timeZone: string;
    note: string;
  },
): Promise<void> {
  await trx('portal_dolibarr_appointments').insert({
    entity: args.entity,
    fk_actioncomm: args.eventId,
    fk_bookcal_calendar: args.calendarId,
    fk_soc: args.companyId,
    fk_socpeople: args.contactId,
    requested_start: args.startsAt,
    minutes: args.minutes,
    time_zone: args.timeZone,
    note: args.note,
    seen_status: 'pending',
    seen_start: args.startsAt,
  });
}

export interface BookingRow {
  /** Who took it: the portal (its row), or Dolibarr's public BookCal page (the event alone). */
  origin: 'portal' | 'dolibarr';
  fk_actioncomm: number;
  fk_bookcal_calendar: number;
  fk_soc: number;
  fk_socpeople: number | null;
  requested_start: Date;
  minutes: number;
  time_zone: string;
  note: string;
  cancelled_at: Date | null;
  seen_status: string;
  seen_start: Date;
  sequence: number;
  created_at: Date;
  calendar_label: string | null;
  calendar_ref: string | null;
  /** The event, read live; null when Dolibarr deleted it. */
  event_id: number | null;
  percent: number | null;
  datep: Date | null;
  datep2: Date | null;
  /** When the appointment starts as shown: the event's start, else the requested one. */
  starts_at: Date;
}

const SOURCE_COLUMNS = [
  'entity',
  'fk_actioncomm',
  'fk_bookcal_calendar',
  'fk_soc',
  'fk_socpeople',
  'requested_start',
  'minutes',
  'time_zone',
  'note',
  'cancelled_at',
  'seen_status',
  'seen_start',
  'sequence',
  'created_at',
];

/**
 * The bookings Dolibarr's public BookCal page took for a contact of a company, which the portal did
 * not write: its event (BOOKING_CODE) with the contact the page found by name and email (fk_contact;
 * the page leaves fk_soc empty), the contact's company the client. Shaped as the portal's rows:
 * requested as it stands, told nothing yet.
 */
function pageBookings(db: Db, entity: number) {
  return db('llx_actioncomm as e')
    .join('llx_socpeople as p', 'p.rowid', 'e.fk_contact')
    .leftJoin('portal_dolibarr_calendars as h', function joinHours() {
      this.on('h.fk_bookcal_calendar', '=', 'e.fk_bookcal_calendar').andOn('h.entity', '=', 'e.entity');
    })
    .where({ 'e.entity': entity, 'e.code': BOOKING_CODE, 'e.status': BOOKING_STATUS })
    .whereNotNull('e.fk_bookcal_calendar')
    .whereNotNull('p.fk_soc')
    .whereNotExists(db('portal_dolibarr_appointments as x').select(db.raw('1')).whereRaw('x.entity = e.entity and x.fk_actioncomm = e.id'))
    .select(
      'e.entity',
      'e.id as fk_actioncomm',
      'e.fk_bookcal_calendar',
      'p.fk_soc',
      'e.fk_contact as fk_socpeople',
      db.raw('e.datep::timestamptz as requested_start'),
      db.raw('coalesce(nullif((extract(epoch from e.datep2 - e.datep) / 60)::int, 0), h.minutes, 60) as minutes'),
      db.raw("coalesce(h.time_zone, 'UTC') as time_zone"),
      db.raw("coalesce(e.note, '') as note"),
      db.raw('null::timestamptz as cancelled_at'),
      db.raw("'pending' as seen_status"),
      db.raw('e.datep::timestamptz as seen_start'),
      db.raw('0 as sequence'),
      db.raw('e.datec::timestamptz as created_at'),
      db.raw("'dolibarr' as origin"),
    );
}

/** The portal's bookings, and (withPage) those Dolibarr's own page took, each with its event read live. */
function bookings(db: Db, entity: number, withPage = true) {
  const own = db('portal_dolibarr_appointments')
    .where({ entity })
    .select(...SOURCE_COLUMNS, db.raw("'portal' as origin"));
  const source = withPage ? own.unionAll(pageBookings(db, entity)) : own;
  return db
    .from(source.as('b'))
    .leftJoin('llx_actioncomm as a', function joinEvent() {
      this.on('a.id', '=', 'b.fk_actioncomm').andOn('a.entity', '=', 'b.entity');
    })
    .leftJoin('llx_bookcal_calendar as c', function joinCalendar() {
      this.on('c.rowid', '=', 'b.fk_bookcal_calendar').andOn('c.entity', '=', 'b.entity');
    })
    .where('b.entity', entity)
    .whereIn('b.fk_soc', clientCompanyIds(db, entity));
}

const STARTS_AT = 'coalesce(a.datep::timestamptz, b.requested_start)';

const BOOKING_COLUMNS = (db: Db) => [
  'b.origin',
  'b.fk_actioncomm',
  'b.fk_bookcal_calendar',
  'b.fk_soc',
  'b.fk_socpeople',
  'b.requested_start',
  'b.minutes',
  'b.time_zone',
  'b.note',
  'b.cancelled_at',
  'b.seen_status',
  'b.seen_start',
  'b.sequence',
  'b.created_at',
  'c.label as calendar_label',
  'c.ref as calendar_ref',
  'a.id as event_id',
  'a.percent',
  db.raw('a.datep::timestamptz as datep'),
  db.raw('a.datep2::timestamptz as datep2'),
  db.raw(`${STARTS_AT} as starts_at`),
];

/** A company's bookings coming up (ending after now, soonest first) or past (latest first), a keyset page. */
export function listBookings(
  db: Db,
  args: {
    entity: number;
    companyId: number;
    when: 'upcoming' | 'past';
    now: Date;
    after: { startsAt: Date; id: number } | null;
    limit: number;
  },
): Promise<BookingRow[]> {
  const ends = `${STARTS_AT} + coalesce(a.datep2 - a.datep, b.minutes * interval '1 minute')`;
  const query = bookings(db, args.entity).where('b.fk_soc', args.companyId);
  const upcoming = args.when === 'upcoming';
  query.andWhereRaw(`${ends} ${upcoming ? '>' : '<='} ?`, [args.now]);
  if (args.after)
    query.andWhereRaw(`(${STARTS_AT}, b.fk_actioncomm) ${upcoming ? '>' : '<'} (?::timestamptz, ?)`, [args.after.startsAt, args.after.id]);
  const direction = upcoming ? 'asc' : 'desc';
  return query
    .orderByRaw(`${STARTS_AT} ${direction}, b.fk_actioncomm ${direction}`)
    .limit(args.limit)
    .select<BookingRow[]>(BOOKING_COLUMNS(db));
}

export async function findBooking(db: Db, args: { entity: number; companyId: number; eventId: number }): Promise<BookingRow | null> {
  const row = await bookings(db, args.entity)
    .where({ 'b.fk_soc': args.companyId, 'b.fk_actioncomm': args.eventId })
    .first<BookingRow | undefined>(BOOKING_COLUMNS(db));
  return row ?? null;
}

/** The portal's bookings the news pass looks at: not called off by the client, not yet told as declined or called off. */
export function standingBookings(db: Db, args: { entity: number; limit: number }): Promise<BookingRow[]> {
  return bookings(db, args.entity, false)
    .whereNull('b.cancelled_at')
    .whereNotIn('b.seen_status', ['declined', 'cancelled'])
    .orderBy('b.fk_actioncomm')
    .limit(args.limit)
    .select<BookingRow[]>(BOOKING_COLUMNS(db));
}

/** Notes what the client was told of a booking; the sequence goes up with each change. */
export async function noteBookingSeen(db: Db, args: { entity: number; eventId: number; status: string; start: Date }): Promise<void> {
  await db('portal_dolibarr_appointments')
    .where({ entity: args.entity, fk_actioncomm: args.eventId })
    .update({ seen_status: args.status, seen_start: args.start, sequence: db.raw('sequence + 1') });
}

/**
 * The client calls a standing booking off: the portal notes it (a booking Dolibarr's page took gets
 * its row now), and the event goes as ActionComm::delete removes one from the event card (its
 * categories, assigned users and contacts, reminders, extra fields, then the event), which frees
 * the time for Dolibarr's page as for the portal: its busy rule counts any booking event still
 * there, whatever its percent. False when it is not the company's or already called off.
 */
export async function cancelBooking(
  trx: Db,
  args: { entity: number; companyId: number; booking: BookingRow; now: Date },
): Promise<boolean> {
  const b = args.booking;
  if (b.fk_soc !== args.companyId) return false;
  const noted = await trx('portal_dolibarr_appointments')
    .insert({
      entity: args.entity,
      fk_actioncomm: b.fk_actioncomm,
      fk_bookcal_calendar: b.fk_bookcal_calendar,
      fk_soc: b.fk_soc,
      fk_socpeople: b.fk_socpeople,
      requested_start: b.requested_start,
      minutes: b.minutes,
      time_zone: b.time_zone,
      note: b.note,
      cancelled_at: args.now,
      seen_status: 'cancelled',
      seen_start: b.starts_at,
      sequence: b.sequence + 1,
    })
    .onConflict(['entity', 'fk_actioncomm'])
    .merge({ cancelled_at: args.now, seen_status: 'cancelled', sequence: trx.raw('portal_dolibarr_appointments.sequence + 1') })
    .where('portal_dolibarr_appointments.fk_soc', args.companyId)
    .whereNull('portal_dolibarr_appointments.cancelled_at')
    .returning('fk_actioncomm');
  if (noted.length === 0) return false;
  await deleteEvent(trx, { entity: args.entity, eventId: b.fk_actioncomm });
  return true;
}

/** ActionComm::delete's statements (without its ACTION_DELETE trigger). */
async function deleteEvent(trx: Db, args: { entity: number; eventId: number }): Promise<void> {
  const event = await trx('llx_actioncomm').where({ entity: args.entity, id: args.eventId }).first('id');
  if (!event) return;
  await trx('llx_categorie_actioncomm').where({ fk_actioncomm: args.eventId }).delete();
  await trx('llx_actioncomm_resources').where({ fk_actioncomm: args.eventId }).delete();
  await trx('llx_actioncomm_reminder').where({ fk_actioncomm: args.eventId }).delete();
  await trx('llx_actioncomm_extrafields').where({ fk_object: args.eventId }).delete();
  await trx('llx_actioncomm').where({ entity: args.entity, id: args.eventId }).delete();
}
