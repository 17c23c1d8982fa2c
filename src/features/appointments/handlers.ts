// The appointments pages: the list (coming up and past), the booking form (a service, a day, a
// free slot of that day in the reader's time zone, a note), an appointment's page and its cancel
// confirmation. Appointments are the host's, read and written through the adapter; the host
// refuses a time another booking took meanwhile (AppointmentRefusal 'taken'), and the form comes
// back as sent with a 409. One person may have only a few bookings waiting for the agency's
// answer, and may book only so often in a day (BOOKING_LIMITS): over either, the form comes back
// as sent, saying why, and nothing is booked. Each client act goes in the activity log (the agency's notifications
// are built from it) with a live event, in one transaction with the host's write, announced after
// it commits.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { Readable } from 'node:stream';
import {
  addDays,
  announce,
  clientActor,
  dayBounds,
  dayInZone,
  type EventBus,
  type FieldErrors,
  type HostAdapter,
  HttpError,
  type PortalLinks,
  insertClientActivity,
  isFragmentRequest,
  notFound,
  parseParam,
  portalContext,
  portalI18n,
  type RateLimiter,
  recordLiveEvent,
  renderPortalPage,
  requestMeta,
  readerLanguages,
  sendDownload,
  signedInClient,
  translateFieldErrors,
  waitInWords,
} from '../../core/index.ts';
import type { Appointment, AppointmentRefusal, AppointmentsPort, OfferRefusal, RescheduleRefusal } from './port.ts';
import {
  type AppointmentsQueryInput,
  HostAppointmentId,
  type NewAppointmentInput,
  type RescheduleInput,
  type SlotsQueryInput,
  type TakeOfferInput,
} from './commands.ts';
import type { Invitations } from './invitations.ts';
import { BOOKING_LIMITS, PENDING_WALK_PAGE } from './limits.ts';
import { appointmentUrl, IN_CALENDAR, isReschedulable, presentAppointment, presentServices, presentSlots, STANDING } from './presenters.ts';

const APPOINTMENTS_PAGE_SIZE = 25;
/** How many fortnights the search for the next day with free times reads at most (some ten weeks). */
const FREE_DAY_SEARCH = 5;

export interface AppointmentsDeps {
  db: Knex;
  adapter: HostAdapter & { appointments: AppointmentsPort };
  bus: EventBus;
  /** The calendar emails: a confirmed appointment the client cancels is taken off their calendar. */
  invitations: Invitations;
  /** The portal's absolute address: the calendar file links back to the appointment's page. */
  links: PortalLinks;
  /** The counters behind BOOKING_LIMITS' daily budget, shared across instances. */
  limiter: RateLimiter;
  onError: (message: string, err: unknown) => void;
  /** The time now; tests may fix it. */
  now?: () => Date;
}

/** What the booking form shows: the choices, the day's slots, what was sent and what was wrong. */
interface FormState {
  serviceId?: string | undefined;
  day?: string | undefined;
  startsAt?: string | null;
  note?: string;
  errors?: FieldErrors;
  /** A refusal no field carries: the time was just taken. */
  taken?: boolean;
  /** Over BOOKING_LIMITS: why nothing was booked, in the reader's language. */
  limited?: string;
}

export function createAppointmentsHandlers(deps: AppointmentsDeps) {
  const { db, adapter, bus } = deps;
  const appointments = adapter.appointments;
  const now = deps.now ?? (() => new Date());
  /** Whether the host lets a client take a time offered with a decline. */
  const takesOffers = typeof appointments.takeOffer === 'function';
  /** Whether the host takes a client's request for another time. */
  const reschedules = typeof appointments.reschedule === 'function';

  /** The act in the log and its live event, in the transaction of the host's write: all of it or none. */
  async function logged(
    trx: Knex.Transaction,
    req: Request,
    res: Response,
    event: 'appointment.requested' | 'appointment.cancelled' | 'appointment.rescheduled',
    a: Appointment,
  ) {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    await insertClientActivity(trx, clientActor(req, res), event, {
      appointmentId: a.id,
      service: a.serviceName,
      startsAt: a.startsAt.toISOString(),
      timeZone: a.timeZone,
    });
    return recordLiveEvent(trx, {
      type: 'appointment-changed',
      workspaceId: workspace.id,
      clientId: user.client_id,
      data: { appointmentId: a.id },
    });
  }

  async function announceLive(live: Awaited<ReturnType<typeof logged>>) {
    await announce(bus, [live]).catch((err: unknown) => deps.onError('could not announce a live event', err));
  }

  async function list(req: Request, res: Response) {
    const query = res.locals.query as AppointmentsQueryInput;
    const { workspace, base } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const page = await appointments.list(
      workspace.id,
      user.client_id,
      user.contact_id,
      query.tab,
      now(),
      { limit: APPOINTMENTS_PAGE_SIZE, after: query.after ?? null },
      readerLanguages(res),
    );
    const href = (params: Record<string, string | undefined>) => {
      const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
      return `${base}/appointments?${search}`;
    };
    renderPortalPage(req, res, 'appointments/index', i18n.t('appointments:title'), {
      tab: query.tab,
      live: !isFragmentRequest(req),
      refreshUrl: href({ tab: query.tab }),
      appointments: page.items.map((a) => presentAppointment(i18n, base, a)),
      nextUrl: page.next ? href({ tab: query.tab, after: page.next }) : null,
      firstPageUrl: query.after ? href({ tab: query.tab }) : null,
      timeZone: i18n.timeZone,
      tabs: (['upcoming', 'past'] as const).map((tab) => ({
        tab,
        label: i18n.t(`appointments:tabs.${tab}`),
        href: href({ tab }),
        current: tab === query.tab,
      })),
    });
  }

  /** The free slots of a service on a day of the reader's zone; null when the service is not the host's. */
  async function slotsOf(res: Response, serviceId: string, day: string) {
    const { workspace } = portalContext(res);
    const { from, to } = dayBounds(day, portalI18n(res).timeZone);
    return appointments.freeSlots(workspace.id, serviceId, from, to, now());
  }

  /**
   * The first day after `after` (a day of the reader's zone) with a free time of the service, up to
   * `last`, or null: read a fortnight at a time, so a week of closed days costs one read, and no
   * more than FREE_DAY_SEARCH fortnights (a host may read its calendar day by day).
   */
  async function nextFreeDay(res: Response, serviceId: string, after: string, last: string): Promise<string | null> {
    const { workspace } = portalContext(res);
    const { timeZone } = portalI18n(res);
    for (let from = addDays(after, 1), reads = 0; from <= last && reads < FREE_DAY_SEARCH; from = addDays(from, 14), reads++) {
      const until = addDays(from, 13) < last ? addDays(from, 13) : last;
      const slots = await appointments.freeSlots(
        workspace.id,
        serviceId,
        dayBounds(from, timeZone).from,
        dayBounds(until, timeZone).to,
        now(),
      );
      if (!slots) return null;
      const first = slots.reduce<Date | null>((soonest, slot) => (!soonest || slot.startsAt < soonest ? slot.startsAt : soonest), null);
      if (first) return dayInZone(first, timeZone);
    }
    return null;
  }

  /**
   * The slot finder's model: the services, the chosen day and its slots. Opened without a day, it
   * opens on the first day with free times (today may be a Sunday); a day without any links on to
   * the next day that has some.
   */
  async function finderModel(res: Response, form: FormState, finderUrl?: string) {
    const { workspace, base } = portalContext(res);
    const finder = finderUrl ?? `${base}/appointments/new`;
    const i18n = portalI18n(res);
    const services = await appointments.services(workspace.id, signedInClient(res).user.client_id, readerLanguages(res));
    const serviceId = form.serviceId ?? services[0]?.id;
    const today = dayInZone(now(), i18n.timeZone);
    const maxDay = addDays(today, 366);
    let day = form.day ?? today;
    let slots = serviceId ? await slotsOf(res, serviceId, day) : null;
    if (serviceId && slots?.length === 0 && form.day === undefined) {
      const first = await nextFreeDay(res, serviceId, today, maxDay);
      if (first) {
        day = first;
        slots = await slotsOf(res, serviceId, day);
      }
    }
    const nextDay = serviceId && slots?.length === 0 ? await nextFreeDay(res, serviceId, day, maxDay) : null;
    return {
      action: `${base}/appointments`,
      finderUrl: finder,
      slotsUrl: `${base}/appointments/slots`,
      services: presentServices(services, serviceId ?? null, i18n),
      serviceId: serviceId ?? '',
      day,
      minDay: today,
      maxDay,
      slots: slots ? presentSlots(i18n, slots, form.startsAt ?? null) : [],
      // A day without free times: the next one with some, as a link that opens it.
      nextDay: nextDay
        ? {
            label: i18n.fmt.day(nextDay),
            href: `${finder}?${new URLSearchParams({ serviceId: serviceId ?? '', day: nextDay })}`,
          }
        : null,
      serviceUnknown: serviceId !== undefined && slots === null,
      dayLabel: i18n.fmt.day(day),
      timeZone: i18n.timeZone,
    };
  }

  /** This person's bookings still to come that wait for the agency, counted up to the limit. */
  async function pendingBookings(res: Response): Promise<number> {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    let pending = 0;
    let after: string | null = null;
    do {
      const page = await appointments.list(workspace.id, user.client_id, user.contact_id, 'upcoming', now(), {
        limit: PENDING_WALK_PAGE,
        after,
      });
      pending += page.items.filter((a) => a.status === 'pending' && a.contactId === user.contact_id).length;
      after = page.next;
    } while (after && pending < BOOKING_LIMITS.pendingPerPerson);
    return pending;
  }

  /**
   * Why this person may not book now (BOOKING_LIMITS), in their language, or null. The waiting
   * bookings are counted first, so a refusal there spends nothing of the day's budget.
   */
  async function bookingRefusal(res: Response): Promise<{ message: string; retryAfterSeconds?: number } | null> {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    const { t } = portalI18n(res);
    if ((await pendingBookings(res)) >= BOOKING_LIMITS.pendingPerPerson)
      return { message: t('appointments:errors.tooManyPending', { count: BOOKING_LIMITS.pendingPerPerson }) };
    const budget = await deps.limiter.consume(BOOKING_LIMITS.bookingsPerPerson, `${workspace.id}:${user.id}`);
    if (budget.allowed) return null;
    return {
      message: t('appointments:errors.tooManyToday', { wait: waitInWords(budget.retryAfterSeconds, t) }),
      retryAfterSeconds: budget.retryAfterSeconds,
    };
  }

  async function newForm(req: Request, res: Response, form: FormState = {}, status = 200) {
    const i18n = portalI18n(res);
    const model = await finderModel(res, form);
    renderPortalPage(
      req,
      res,
      'appointments/new',
      i18n.t('appointments:new.title'),
      {
        ...model,
        note: form.note ?? '',
        errors: translateFieldErrors(form.errors ?? {}, i18n.t),
        taken: form.taken ? i18n.t('appointments:errors.taken') : null,
        limited: form.limited ?? null,
      },
      status,
    );
  }

  /**
   * The form that asks for another time: the booking form's slot finder on the appointment's own
   * service, opening on its day (or the next with free times), posting the revision it read.
   */
  async function rescheduleForm(req: Request, res: Response, form: FormState & { appointment?: Appointment }, status = 200) {
    const { base } = portalContext(res);
    const i18n = portalI18n(res);
    const appointment = form.appointment ?? (await loadAppointment(res));
    if (!isReschedulable(appointment, now())) throw new HttpError(409, 'appointments:errors.notReschedulable');
    const url = appointmentUrl(base, appointment.id);
    const model = await finderModel(res, { ...form, serviceId: appointment.serviceId }, `${url}/reschedule`);
    const view = presentAppointment(i18n, base, appointment);
    renderPortalPage(
      req,
      res,
      'appointments/reschedule',
      i18n.t('appointments:reschedule.title', { service: view.service, day: view.day }),
      {
        ...model,
        action: `${url}/reschedule`,
        appointment: view,
        sequence: appointment.sequence,
        errors: translateFieldErrors(form.errors ?? {}, i18n.t),
        taken: form.taken ? i18n.t('appointments:errors.taken') : null,
      },
      status,
    );
  }

  async function loadAppointment(res: Response): Promise<Appointment> {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    const id = parseParam(HostAppointmentId, res.req.params.appointmentId);
    const appointment = await appointments.find(workspace.id, user.client_id, user.contact_id, id, readerLanguages(res));
    if (!appointment) throw notFound('appointments:errors.notFound');
    return appointment;
  }

  async function show(req: Request, res: Response, view: 'show' | 'cancel') {
    const { base } = portalContext(res);
    const i18n = portalI18n(res);
    const appointment = await loadAppointment(res);
    const model = presentAppointment(i18n, base, appointment, { takesOffers, ...(reschedules ? { reschedulesAt: now() } : {}) });
    // The confirmation step only for one that may still be cancelled; else its page says why not.
    if (view === 'cancel' && !model.standing) throw new HttpError(409, 'appointments:errors.notStanding');
    renderPortalPage(
      req,
      res,
      `appointments/${view}`,
      i18n.t(view === 'cancel' ? 'appointments:cancel.title' : 'appointments:show.title', { service: model.service, day: model.day }),
      { appointment: model, live: view === 'show' && !isFragmentRequest(req), refreshUrl: model.url, timeZone: i18n.timeZone },
    );
  }

  return {
    list,
    newForm: (req: Request, res: Response) => {
      const query = res.locals.query as SlotsQueryInput;
      return newForm(req, res, { serviceId: query.serviceId, day: query.day });
    },

    /** The slots of the chosen service and day alone (htmx swaps them into the form as either changes). */
    slots: async (req: Request, res: Response) => {
      const query = res.locals.query as SlotsQueryInput;
      const model = await finderModel(res, { serviceId: query.serviceId, day: query.day });
      // The form's button follows the slots (out of band): no "Ask for this time" without a time to ask for.
      renderPortalPage(req, res, 'appointments/_slots', portalI18n(res).t('appointments:new.title'), { ...model, errors: {}, oob: true });
    },

    show: (req: Request, res: Response) => show(req, res, 'show'),

    /**
     * "Add to calendar": the appointment as an .ics file, only once the agency agreed to it. A
     * pending, declined or cancelled one has no event to keep, so its file does not exist (404,
     * as the page shows no link), rather than a file a calendar would file as a standing time.
     */
    calendar: async (_req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      const appointment = await loadAppointment(res);
      if (!IN_CALENDAR.has(appointment.status)) throw notFound('appointments:errors.notInCalendar');
      const url = appointmentUrl(await deps.links.baseOf(workspace), appointment.id);
      const content = Buffer.from(deps.invitations.calendarFile(workspace, appointment, url), 'utf8');
      await sendDownload(res, {
        name: `${appointment.serviceName} ${dayInZone(appointment.startsAt, appointment.timeZone)}.ics`,
        contentType: 'text/calendar',
        sizeBytes: content.length,
        content: Readable.from([content]),
      });
    },
    confirmCancel: (req: Request, res: Response) => show(req, res, 'cancel'),

    invalidNew: async (req: Request, res: Response, errors: FieldErrors) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
      const day = text('day');
      return newForm(
        req,
        res,
        {
          serviceId: errors.serviceId ? undefined : text('serviceId'),
          day: day && !errors.day ? day : undefined,
          startsAt: text('startsAt') ?? null,
          note: text('note') ?? '',
          errors,
        },
        400,
      );
    },

    create: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const i18n = portalI18n(res);
      const input = req.body as NewAppointmentInput;
      const asSent: FormState = { serviceId: input.serviceId, day: input.day, startsAt: input.startsAt.toISOString(), note: input.note };
      const refusal = await bookingRefusal(res);
      if (refusal) {
        if (refusal.retryAfterSeconds !== undefined) res.set('Retry-After', String(refusal.retryAfterSeconds));
        return newForm(req, res, { ...asSent, limited: refusal.message }, 429);
      }
      const booked = await db.transaction(async (trx) => {
        const result = await appointments.request(
          workspace.id,
          user.client_id,
          user.contact_id,
          { serviceId: input.serviceId, startsAt: input.startsAt, note: input.note, timeZone: i18n.timeZone },
          now(),
          { trx, ip: requestMeta(req).ip },
        );
        if (!result || 'refused' in result) return { refusal: result satisfies AppointmentRefusal | null };
        return { appointment: result, live: await logged(trx, req, res, 'appointment.requested', result) };
      });
      if ('refusal' in booked) {
        if (!booked.refusal) throw notFound();
        // Taken meanwhile: the form as sent, the day's slots as they are now (409, nothing else to change).
        if (booked.refusal.refused === 'taken') return newForm(req, res, { ...asSent, startsAt: null, taken: true }, 409);
        return newForm(req, res, { ...asSent, startsAt: null, errors: { startsAt: 'appointments:errors.unavailable' } }, 400);
      }
      await announceLive(booked.live);
      res.redirect(303, appointmentUrl(base, booked.appointment.id));
    },

    /**
     * Takes a time the agency offered with its decline: booked as a new request (the host's
     * takeOffer), logged as one, PRG to it. The offer gone (taken in another tab, by a colleague)
     * or its time held by another booking meanwhile: 409 with a sentence, nothing booked.
     */
    takeOffer: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const { startsAt } = req.body as TakeOfferInput;
      const declined = await loadAppointment(res);
      if (!appointments.takeOffer) throw notFound();
      if (declined.status !== 'declined') throw new HttpError(409, 'appointments:errors.offerStale');
      const take = appointments.takeOffer.bind(appointments);
      const outcome = await db.transaction(async (trx) => {
        const result = await take(workspace.id, user.client_id, user.contact_id, declined.id, startsAt, now(), {
          trx,
          ip: requestMeta(req).ip,
        });
        if (!result || 'refused' in result) return { refusal: result satisfies OfferRefusal | null };
        return { appointment: result, live: await logged(trx, req, res, 'appointment.requested', result) };
      });
      if ('refusal' in outcome) {
        if (!outcome.refusal) throw notFound();
        throw new HttpError(409, outcome.refusal.refused === 'taken' ? 'appointments:errors.offerTaken' : 'appointments:errors.offerStale');
      }
      await announceLive(outcome.live);
      res.redirect(303, appointmentUrl(base, outcome.appointment.id));
    },

    rescheduleForm: (req: Request, res: Response) => {
      const query = res.locals.query as SlotsQueryInput;
      return rescheduleForm(req, res, { day: query.day });
    },

    invalidReschedule: async (req: Request, res: Response, errors: FieldErrors) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const day = typeof body.day === 'string' && !errors.day ? body.day : undefined;
      return rescheduleForm(req, res, { day, errors }, 400);
    },

    /**
     * Asks the host for another time (its reschedule: back to the agency as a request at that
     * time), logged for the agency's notification, PRG to the appointment. A time taken meanwhile:
     * the form again (409); the appointment changed since the form was read (another reschedule
     * came first, the agency answered): 409 with a sentence, nothing moved.
     */
    reschedule: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const input = req.body as RescheduleInput;
      const appointment = await loadAppointment(res);
      if (!appointments.reschedule) throw notFound();
      if (!isReschedulable(appointment, now())) throw new HttpError(409, 'appointments:errors.notReschedulable');
      const move = appointments.reschedule.bind(appointments);
      const outcome = await db.transaction(async (trx) => {
        const result = await move(
          workspace.id,
          user.client_id,
          user.contact_id,
          appointment.id,
          { startsAt: input.startsAt, sequence: input.sequence },
          now(),
          { trx, ip: requestMeta(req).ip },
        );
        if (!result || 'refused' in result) return { refusal: result satisfies RescheduleRefusal | null };
        return { moved: result, live: await logged(trx, req, res, 'appointment.rescheduled', result) };
      });
      if ('refusal' in outcome) {
        const refusal = outcome.refusal;
        if (!refusal) throw new HttpError(409, 'appointments:errors.notReschedulable');
        if (refusal.refused === 'changed') throw new HttpError(409, 'appointments:errors.rescheduleChanged');
        if (refusal.refused === 'taken') return rescheduleForm(req, res, { appointment, day: input.day, taken: true }, 409);
        return rescheduleForm(req, res, { appointment, day: input.day, errors: { startsAt: 'appointments:errors.unavailable' } }, 400);
      }
      await announceLive(outcome.live);
      res.redirect(303, appointmentUrl(base, outcome.moved.id));
    },

    cancel: async (req: Request, res: Response) => {
      const { workspace, settings, base } = portalContext(res);
      const { user } = signedInClient(res);
      const appointment = await loadAppointment(res);
      if (!STANDING.has(appointment.status)) throw new HttpError(409, 'appointments:errors.notStanding');
      const outcome = await db.transaction(async (trx) => {
        const cancelled = await appointments.cancel(workspace.id, user.client_id, user.contact_id, appointment.id, {
          trx,
          ip: requestMeta(req).ip,
        });
        if (!cancelled) return null;
        // One the agency had confirmed is in the person's calendar: the cancellation takes it out.
        if (appointment.status !== 'pending')
          await deps.invitations.tell(workspace, settings.defaultLocale, cancelled, 'cancelled', { trx });
        return { live: await logged(trx, req, res, 'appointment.cancelled', cancelled) };
      });
      // Changed meanwhile (the agency declined it, another tab cancelled it): nothing more to cancel.
      if (!outcome) throw new HttpError(409, 'appointments:errors.notStanding');
      await announceLive(outcome.live);
      res.redirect(303, appointmentUrl(base, appointment.id));
    },
  };
}

export type AppointmentsHandlers = ReturnType<typeof createAppointmentsHandlers>;
