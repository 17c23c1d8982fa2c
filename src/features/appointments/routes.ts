// Appointments routes, behind requireClient and the appointments section (switched off, or
// without the permission, every page is a 404 like one that does not exist). Booking and
// cancelling act for the company (allow.company). Every form posts, then redirects (PRG).
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../core/index.ts';
import { AppointmentsQuery, CancelCommand, NewAppointmentCommand, RescheduleCommand, SlotsQuery, TakeOfferCommand } from './commands.ts';
import type { AppointmentsHandlers } from './handlers.ts';

/**
 * `takesOffers`: the host lets a client take a time offered with a decline (AppointmentsPort.takeOffer);
 * `reschedules`: it takes a client's request for another time (AppointmentsPort.reschedule).
 */
export function appointmentsRoutes(h: AppointmentsHandlers, options: { takesOffers: boolean; reschedules: boolean }): Router {
  const router = Router({ mergeParams: true });
  const appointments = allow.section('appointments');
  router.get('/appointments', appointments, validateQuery(AppointmentsQuery), h.list);
  router.get('/appointments/new', appointments, allow.company('appointments'), validateQuery(SlotsQuery), h.newForm);
  router.get('/appointments/slots', appointments, allow.company('appointments'), validateQuery(SlotsQuery), h.slots);
  router.post('/appointments', appointments, allow.company('appointments'), validateBody(NewAppointmentCommand, h.invalidNew), h.create);
  router.get('/appointments/:appointmentId', appointments, h.show);
  router.get('/appointments/:appointmentId/calendar', appointments, h.calendar);
  router.get('/appointments/:appointmentId/cancel', appointments, allow.company('appointments'), h.confirmCancel);
  router.post('/appointments/:appointmentId/cancel', appointments, allow.company('appointments'), validateBody(CancelCommand), h.cancel);
  if (options.takesOffers)
    router.post(
      '/appointments/:appointmentId/offers',
      appointments,
      allow.company('appointments'),
      validateBody(TakeOfferCommand),
      h.takeOffer,
    );
  if (options.reschedules) {
    const company = allow.company('appointments');
    router.get('/appointments/:appointmentId/reschedule', appointments, company, validateQuery(SlotsQuery), h.rescheduleForm);
    router.post(
      '/appointments/:appointmentId/reschedule',
      appointments,
      company,
      validateBody(RescheduleCommand, h.invalidReschedule),
      h.reschedule,
    );
  }
  return router;
}
