// Appointments, the agency's side: the workspace's coming appointments, soonest first, and one
// appointment with what the agency does with a request: confirm it, decline it, or move it to
// another time (a day and a time in the agency's zone); and one it confirmed or moved, it may call
// off, with a reason the client reads (on the appointment's page and in the email). Each change is a POST with the CSRF token
// that redirects back (PRG), and is told to the client through the plugins (the portal's live
// pages, its notification and the email with the calendar invitation). A move to a time another
// booking holds is refused by the table's exclusion constraint and said on the form (409); one to a
// time gone by, or outside the agency's opening hours, is refused on the form (400) before anything
// is written or anyone told.
import { Router } from 'express';
import { z } from 'zod';
import { wallTimeToInstant } from '../../../../src/index.ts';
import {
  type AppointmentRow,
  type AppointmentRowStatus,
  changeAppointment,
  declineWithOffers,
  findAppointment,
  findAppointmentSettings,
  isExclusionViolation,
  listAppointmentHours,
  listStandingTimes,
  listWorkspaceAppointments,
  STANDING_STATUSES,
} from '../../queries/appointments.ts';
import { inTransaction } from '../../queries/db.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { dateField, type FieldError, optionalDateField, optionalText, parseForm, requiredText } from '../forms.ts';
import { statusLabel } from '../presenters.ts';
import { formView, render } from '../render.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';
import type { CrmPlugin } from '../../crm-plugin.ts';
import { tellPlugins } from '../record-changes.ts';

const moveSchema = z.object({
  day: dateField('Day'),
  time: z
    .string({ error: 'Enter the time, for example 14:30.' })
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'Enter the time as hours and minutes, for example 14:30.' }),
});

/** The other times a decline may offer: a few to choose from, not a calendar. */
const OFFER_SLOTS = [1, 2, 3] as const;

const optionalTime = (label: string) =>
  z.preprocess(
    (value) => (value === undefined || value === null ? '' : value),
    z
      .string({ error: `Enter the ${label} as hours and minutes, for example 14:30.` })
      .trim()
      .regex(/^(([01]\d|2[0-3]):[0-5]\d)?$/, { error: `Enter the ${label} as hours and minutes, for example 14:30.` })
      .transform((value) => (value === '' ? null : value)),
  );

const declineSchema = z.object({
  reason: optionalText('Reason', 2000),
  offer1Day: optionalDateField('day of other time 1'),
  offer1Time: optionalTime('time of other time 1'),
  offer2Day: optionalDateField('day of other time 2'),
  offer2Time: optionalTime('time of other time 2'),
  offer3Day: optionalDateField('day of other time 3'),
  offer3Time: optionalTime('time of other time 3'),
});

const cancelSchema = z.object({
  reason: requiredText('Reason', 2000, 'Say why, in words the client reads.'),
});

/** The agency calls off only what it agreed to; a request still waiting is declined instead. */
const AGREED: readonly AppointmentRowStatus[] = ['confirmed', 'moved'];

/** What each act may change, and what it makes of it. */
const ACTS: Record<'confirm', { from: readonly AppointmentRowStatus[]; to: AppointmentRowStatus }> = {
  confirm: { from: ['pending'], to: 'confirmed' },
};

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const toMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * Why a move to `time` on `day` (the agency's zone) for `minutes` cannot be, or null: it starts and
 * ends within one of that weekday's opening hours (the hours clients book in), else it is outside them.
 */
function outsideHours(hours: Array<{ weekday: number; opens_at: string; closes_at: string }>, day: string, time: string, minutes: number) {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay() || 7;
  const start = toMinutes(time);
  if (hours.some((h) => h.weekday === weekday && toMinutes(h.opens_at) <= start && start + minutes <= toMinutes(h.closes_at))) return null;
  const open = hours.map((h) => `${WEEKDAYS[h.weekday - 1]} ${h.opens_at}–${h.closes_at}`).join(', ');
  return open
    ? `That is outside the opening hours (${open}). Choose a time within them.`
    : 'No opening hours are set, so there is no time to move it to.';
}

function formats(timeZone: string) {
  return {
    day: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone }),
    time: new Intl.DateTimeFormat('en-GB', { timeStyle: 'short', timeZone }),
    isoDay: new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }),
  };
}

function presentRow(row: AppointmentRow, timeZone: string) {
  const f = formats(timeZone);
  return {
    id: row.id,
    href: `/appointments/${row.id}`,
    clientName: row.client_name,
    clientHref: `/clients/${row.client_id}`,
    contactName: row.contact_name ?? '—',
    service: row.service_name,
    when: `${f.day.format(row.starts_at)}, ${f.time.format(row.starts_at)}–${f.time.format(row.ends_at)}`,
    day: f.isoDay.format(row.starts_at),
    time: f.time.format(row.starts_at),
    status: row.status,
    statusLabel: statusLabel(row.status),
    note: row.note,
    clientZone: row.time_zone,
    pending: row.status === 'pending',
    standing: STANDING_STATUSES.includes(row.status),
    agreed: AGREED.includes(row.status),
    agencyReason: row.agency_reason,
    offers: row.offered_times.map((offer) => {
      const [start, end] = [new Date(offer.starts_at), new Date(offer.ends_at)];
      return `${f.day.format(start)}, ${f.time.format(start)}–${f.time.format(end)}`;
    }),
  };
}

export function appointmentRoutes(deps: RouteDeps & { plugins?: readonly CrmPlugin[] }): Router {
  const { db, plugins } = deps;
  const router = Router();

  /** Tells the client of what the agency did: once per status and revision (the occurrence). */
  const tellClient = (workspaceId: number, row: AppointmentRow) =>
    tellPlugins(plugins, {
      workspaceId,
      clientId: row.client_id,
      kind: 'appointment',
      id: row.id,
      happened: 'answered',
      title: row.service_name,
      contactId: row.contact_id,
      occurrence: `${row.status}:${row.sequence}`,
    });

  async function showAppointment(
    res: Parameters<typeof render>[0],
    row: AppointmentRow,
    values: unknown,
    errors: FieldError[],
    status = 200,
  ) {
    const { workspaceId } = staffOf(res);
    const { time_zone: timeZone } = await findAppointmentSettings(db, { workspaceId });
    const appointment = presentRow(row, timeZone);
    await render(
      res,
      'appointments/show',
      {
        title: `${appointment.service}, ${appointment.when}`,
        section: 'appointments',
        appointment,
        timeZone,
        form: formView({ day: appointment.day, time: appointment.time, ...(values as object) }, errors),
      },
      status,
    );
  }

  router.get('/appointments', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const [settings, rows] = await Promise.all([
      findAppointmentSettings(db, { workspaceId }),
      listWorkspaceAppointments(db, { workspaceId, from: new Date(), limit: 200 }),
    ]);
    await render(res, 'appointments/index', {
      title: 'Appointments',
      section: 'appointments',
      timeZone: settings.time_zone,
      appointments: rows.map((row) => presentRow(row, settings.time_zone)),
    });
  });

  router.get('/appointments/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const row = found(await findAppointment(db, { workspaceId, id: routeId(req.params.id) }));
    await showAppointment(res, row, {}, []);
  });

  for (const act of ['confirm'] as const) {
    router.post(`/appointments/:id/${act}`, requireStaff, async (req, res) => {
      const { workspaceId } = staffOf(res);
      const id = routeId(req.params.id);
      const row = found(await findAppointment(db, { workspaceId, id }));
      const changed = await changeAppointment(db, { workspaceId, id }, ACTS[act]);
      if (changed === 0)
        return showAppointment(res, row, {}, [{ field: 'status', message: `Only a request still waiting can be ${act}ed.` }], 409);
      await tellClient(workspaceId, found(await findAppointment(db, { workspaceId, id })));
      res.redirect(303, `/appointments/${id}`);
    });
  }

  /**
   * A time the agency may offer or move to, as a field error or its instant: still to come, within
   * the opening hours for the appointment's length, and held by no other standing booking.
   */
  async function checkTime(
    workspaceId: number,
    row: AppointmentRow,
    fields: { day: string; time: string },
    at: { day: string; time: string },
  ): Promise<{ error: FieldError; status: number } | { startsAt: Date; endsAt: Date }> {
    const [{ time_zone: timeZone }, hours] = await Promise.all([
      findAppointmentSettings(db, { workspaceId }),
      listAppointmentHours(db, { workspaceId }),
    ]);
    const startsAt = wallTimeToInstant(at.day, at.time, timeZone);
    const length = row.ends_at.getTime() - row.starts_at.getTime();
    const endsAt = new Date(startsAt.getTime() + length);
    if (startsAt.getTime() <= Date.now())
      return { error: { field: fields.day, message: 'That time has passed. Choose a time still to come.' }, status: 400 };
    const outside = outsideHours(hours, at.day, at.time, Math.ceil(length / 60_000));
    if (outside) return { error: { field: fields.time, message: outside }, status: 400 };
    const held = await listStandingTimes(db, { workspaceId, from: startsAt, to: endsAt, exceptId: row.id });
    if (held.length > 0)
      return { error: { field: fields.time, message: 'Another appointment holds that time. Choose another.' }, status: 409 };
    return { startsAt, endsAt };
  }

  // Declining a request, with an optional reason and up to three other times the client may take.
  router.post('/appointments/:id/decline', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const id = routeId(req.params.id);
    const row = found(await findAppointment(db, { workspaceId, id }));
    const parsed = parseForm(declineSchema, req.body);
    if (!parsed.ok) return showAppointment(res, row, req.body, parsed.errors, 400);
    const offers: Array<{ startsAt: Date; endsAt: Date }> = [];
    const errors: FieldError[] = [];
    let status = 400;
    for (const n of OFFER_SLOTS) {
      const fields = { day: `offer${n}Day`, time: `offer${n}Time` };
      const day = parsed.data[`offer${n}Day`];
      const time = parsed.data[`offer${n}Time`];
      if (!day && !time) continue;
      if (!day || !time) {
        errors.push({ field: day ? fields.time : fields.day, message: `Give other time ${n} both a day and a time, or neither.` });
        continue;
      }
      const checked = await checkTime(workspaceId, row, fields, { day, time });
      if ('error' in checked) {
        errors.push(checked.error);
        if (checked.status === 409) status = 409;
      } else if (offers.some((o) => o.startsAt.getTime() === checked.startsAt.getTime())) {
        errors.push({ field: fields.day, message: `Other time ${n} is offered already; choose a different one.` });
      } else offers.push(checked);
    }
    if (errors.length > 0) return showAppointment(res, row, req.body, errors, status);
    const changed = await declineWithOffers(db, { workspaceId, id }, { reason: parsed.data.reason, offers });
    if (changed === 0)
      return showAppointment(res, row, req.body, [{ field: 'reason', message: 'Only a request still waiting can be declined.' }], 409);
    await tellClient(workspaceId, found(await findAppointment(db, { workspaceId, id })));
    res.redirect(303, `/appointments/${id}`);
  });

  router.post('/appointments/:id/cancel', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const id = routeId(req.params.id);
    const row = found(await findAppointment(db, { workspaceId, id }));
    const parsed = parseForm(cancelSchema, req.body);
    if (!parsed.ok) return showAppointment(res, row, req.body, parsed.errors, 400);
    const changed = await changeAppointment(db, { workspaceId, id }, { from: AGREED, to: 'cancelled', agencyReason: parsed.data.reason });
    if (changed === 0)
      return showAppointment(
        res,
        row,
        req.body,
        [{ field: 'reason', message: 'Only a confirmed or moved appointment can be cancelled; decline a request still waiting.' }],
        409,
      );
    await tellClient(workspaceId, found(await findAppointment(db, { workspaceId, id })));
    res.redirect(303, `/appointments/${id}`);
  });

  router.post('/appointments/:id/move', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const id = routeId(req.params.id);
    const row = found(await findAppointment(db, { workspaceId, id }));
    const parsed = parseForm(moveSchema, req.body);
    if (!parsed.ok) return showAppointment(res, row, req.body, parsed.errors, 400);
    const [{ time_zone: timeZone }, hours] = await Promise.all([
      findAppointmentSettings(db, { workspaceId }),
      listAppointmentHours(db, { workspaceId }),
    ]);
    const startsAt = wallTimeToInstant(parsed.data.day, parsed.data.time, timeZone);
    const length = row.ends_at.getTime() - row.starts_at.getTime();
    const endsAt = new Date(startsAt.getTime() + length);
    // The client would be emailed a time no one can keep: refused before anything is written.
    if (startsAt.getTime() <= Date.now())
      return showAppointment(res, row, req.body, [{ field: 'day', message: 'That time has passed. Choose a time still to come.' }], 400);
    const outside = outsideHours(hours, parsed.data.day, parsed.data.time, Math.ceil(length / 60_000));
    if (outside) return showAppointment(res, row, req.body, [{ field: 'time', message: outside }], 400);
    // In a savepoint of its own: the constraint's refusal is an answer, not a failed request.
    const changed = await inTransaction(db, (trx) =>
      changeAppointment(trx, { workspaceId, id }, { from: STANDING_STATUSES, to: 'moved', startsAt, endsAt }),
    ).catch((err: unknown) => {
      if (isExclusionViolation(err)) return 'taken' as const;
      throw err;
    });
    if (changed === 'taken')
      return showAppointment(res, row, req.body, [{ field: 'time', message: 'Another appointment holds that time. Choose another.' }], 409);
    if (changed === 0)
      return showAppointment(res, row, req.body, [{ field: 'day', message: 'A declined or cancelled appointment cannot be moved.' }], 409);
    await tellClient(workspaceId, found(await findAppointment(db, { workspaceId, id })));
    res.redirect(303, `/appointments/${id}`);
  });

  return router;
}
