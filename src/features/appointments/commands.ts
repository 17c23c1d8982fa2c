// What the appointments routes accept. Messages are keys of appointments.json, shown in the reader's language.
import { z } from 'zod';
import { HostIdParam } from '../../core/index.ts';

const NOTE_MAX = 2000;

const cursor = z
  .string()
  .max(400, 'appointments:errors.page')
  .regex(/^[A-Za-z0-9_-]*$/, 'appointments:errors.page')
  .optional();

export const AppointmentsQuery = z.object({
  tab: z.enum(['upcoming', 'past'], { error: 'appointments:errors.tab' }).default('upcoming'),
  after: cursor,
});
export type AppointmentsQueryInput = z.infer<typeof AppointmentsQuery>;

/** A host id (appointment, service): whatever the host uses, within reason; the adapter decides if it is this client's. */
export const HostAppointmentId = HostIdParam;

const serviceId = z
  .string({ error: 'appointments:errors.service' })
  .max(64, 'appointments:errors.service')
  .regex(/^[A-Za-z0-9_-]*$/, 'appointments:errors.service');

/** A calendar day as the date field sends it. */
const day = z
  .string({ error: 'appointments:errors.day' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'appointments:errors.day')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), {
    message: 'appointments:errors.day',
  });

/** The slot finder (service and day), on the new-appointment page and its slots fragment: both optional until chosen. */
export const SlotsQuery = z.object({
  serviceId: serviceId.optional().transform((value) => (value ? value : undefined)),
  day: z
    .union([z.literal(''), day])
    .optional()
    .transform((value) => (value ? value : undefined)),
});
export type SlotsQueryInput = z.infer<typeof SlotsQuery>;

/** One of the day's free times, as its radio button sends it. */
const slotStart = z
  .string({ error: 'appointments:errors.slot' })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{3})?)?Z$/, 'appointments:errors.slot')
  .refine((value) => !Number.isNaN(Date.parse(value)), { message: 'appointments:errors.slot' })
  .transform((value) => new Date(value));

export const NewAppointmentCommand = z.object({
  serviceId: serviceId.min(1, 'appointments:errors.service'),
  day,
  startsAt: slotStart,
  note: z
    .string()
    .trim()
    .max(NOTE_MAX, 'appointments:errors.noteLong')
    .optional()
    .transform((value) => value ?? ''),
});
export type NewAppointmentInput = z.infer<typeof NewAppointmentCommand>;

/** Cancelling carries nothing but the CSRF token. */
export const CancelCommand = z.object({});

/** Taking a time the agency offered with its decline: the offer's start, as its button sends it. */
export const TakeOfferCommand = z.object({
  startsAt: z
    .string({ error: 'appointments:errors.offer' })
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{3})?)?Z$/, 'appointments:errors.offer')
    .refine((value) => !Number.isNaN(Date.parse(value)), { message: 'appointments:errors.offer' })
    .transform((value) => new Date(value)),
});
export type TakeOfferInput = z.infer<typeof TakeOfferCommand>;

/**
 * Asking for another time: the day and the free time chosen, and the revision of the appointment
 * the form was read at, so a reschedule sent after another has landed moves nothing.
 */
export const RescheduleCommand = z.object({
  day,
  startsAt: slotStart,
  sequence: z.coerce.number({ error: 'appointments:errors.slot' }).int('appointments:errors.slot').min(0, 'appointments:errors.slot'),
});
export type RescheduleInput = z.infer<typeof RescheduleCommand>;
