// Appointments set-up, the agency's side: the services clients book (a name in the agency's words
// and in German and French, a length, offered or withdrawn) and the week's opening hours, several
// ranges a day. A service with bookings is withdrawn, never deleted: its appointments keep naming
// it. Each form is a POST with the CSRF token that redirects back (PRG); a refused one is shown
// again with its values and what to change (400, or 409 for a name the workspace already uses).
import { Router, type Response } from 'express';
import { z } from 'zod';
import {
  findServiceForStaff,
  insertService,
  listAppointmentHours,
  listServicesForStaff,
  replaceAppointmentHours,
  type StaffServiceRow,
  updateService,
} from '../../queries/appointments.ts';
import { inTransaction, isUniqueViolation } from '../../queries/db.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { checkboxField, type FieldError, nameText, parseForm } from '../forms.ts';
import { linesOfHours, parseWeek, WEEKDAY_NAMES } from '../opening-hours.ts';
import { formView, render } from '../render.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';
import { OTHER_LANGUAGES, translationFields, translationsOf, translationValues } from '../translated-names.ts';

const DURATION_MESSAGE = 'Enter the length in whole minutes, from 5 to 480 (8 hours).';

const serviceSchema = z.object({
  name: nameText('Name', 120, 'Enter the name clients book it by.'),
  ...translationFields('name', 'Name', 120),
  duration: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim() : ''),
    z
      .string()
      .regex(/^\d{1,3}$/, { error: DURATION_MESSAGE })
      .transform(Number)
      .refine((minutes) => minutes >= 5 && minutes <= 480, { error: DURATION_MESSAGE }),
  ),
  bookable: checkboxField(),
});

function presentService(row: StaffServiceRow) {
  const translated = OTHER_LANGUAGES.map((language) => row.names[language.code]).filter(Boolean);
  return {
    href: `/settings/services/${row.id}`,
    name: row.name,
    otherNames: translated.length > 0 ? translated.join(' · ') : '—',
    duration: `${row.duration_minutes} min`,
    offered: row.bookable ? 'Offered' : 'Withdrawn',
    badge: row.bookable ? 'accepted' : 'void',
  };
}

export function appointmentSetupRoutes({ db }: RouteDeps): Router {
  const router = Router();

  async function showServiceForm(
    res: Response,
    page: { service: StaffServiceRow | null; values: unknown; errors: FieldError[] },
    status = 200,
  ) {
    await render(
      res,
      'setup/service-form',
      {
        title: page.service ? page.service.name : 'New appointment service',
        section: 'settings',
        action: page.service ? `/settings/services/${page.service.id}` : '/settings/services',
        editing: page.service !== null,
        form: formView(page.values, page.errors),
        otherLanguages: OTHER_LANGUAGES,
      },
      status,
    );
  }

  async function showHours(res: Response, page: { values: unknown; errors: FieldError[]; saved: boolean }, status = 200) {
    await render(
      res,
      'setup/hours',
      {
        title: 'Opening hours',
        section: 'settings',
        form: formView(page.values, page.errors),
        saved: page.saved,
        days: WEEKDAY_NAMES.map((label, index) => ({ name: `day${index + 1}`, label })),
      },
      status,
    );
  }

  /** A name the workspace already uses is said on the form, not a 500. */
  async function saveService(res: Response, service: StaffServiceRow | null, body: unknown, write: () => Promise<unknown>) {
    try {
      await write();
      res.redirect(303, '/settings/services');
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const errors = [{ field: 'name', message: 'Another service already has this name. Choose another.' }];
      await showServiceForm(res, { service, values: body, errors }, 409);
    }
  }

  router.get('/settings/services', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const services = await listServicesForStaff(db, { workspaceId });
    await render(res, 'setup/services', { title: 'Appointment services', section: 'settings', services: services.map(presentService) });
  });

  router.get('/settings/services/new', requireStaff, async (_req, res) => {
    await showServiceForm(res, { service: null, values: { duration: '30', bookable: 'on' }, errors: [] });
  });

  router.post('/settings/services', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const parsed = parseForm(serviceSchema, req.body);
    if (!parsed.ok) return showServiceForm(res, { service: null, values: req.body, errors: parsed.errors }, 400);
    const { name, duration, bookable } = parsed.data;
    await saveService(res, null, req.body, () =>
      insertService(db, { workspaceId, name, names: translationsOf('name', parsed.data), durationMinutes: duration, bookable }),
    );
  });

  router.get('/settings/services/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const service = found(await findServiceForStaff(db, { workspaceId, serviceId: routeId(req.params.id) }));
    const values = {
      name: service.name,
      ...translationValues('name', service.names),
      duration: String(service.duration_minutes),
      bookable: service.bookable ? 'on' : '',
    };
    await showServiceForm(res, { service, values, errors: [] });
  });

  router.post('/settings/services/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const service = found(await findServiceForStaff(db, { workspaceId, serviceId: routeId(req.params.id) }));
    const parsed = parseForm(serviceSchema, req.body);
    if (!parsed.ok) return showServiceForm(res, { service, values: req.body, errors: parsed.errors }, 400);
    const { name, duration, bookable } = parsed.data;
    await saveService(res, service, req.body, () =>
      updateService(db, {
        workspaceId,
        serviceId: service.id,
        name,
        names: translationsOf('name', parsed.data),
        durationMinutes: duration,
        bookable,
      }),
    );
  });

  router.get('/settings/opening-hours', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const values = linesOfHours(await listAppointmentHours(db, { workspaceId }));
    await showHours(res, { values, errors: [], saved: req.query.saved === '1' });
  });

  router.post('/settings/opening-hours', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const week = parseWeek(req.body);
    if (!week.ok) return showHours(res, { values: req.body, errors: week.errors, saved: false }, 400);
    // The whole week at once: a client asking for times meanwhile reads the old week or the new.
    await inTransaction(db, (trx) => replaceAppointmentHours(trx, { workspaceId, ranges: week.ranges }));
    res.redirect(303, '/settings/opening-hours?saved=1');
  });

  return router;
}
