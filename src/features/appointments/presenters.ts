// View models for the appointments pages: each appointment's state as a chip in the reader's
// language, its day and times in the reader's time zone (the one the slots were offered in), and
// the slots of a day as the times a person picks from.
import type { RequestI18n } from '../../core/index.ts';
import type { AppointmentSlot } from './port.ts';
import type { Appointment, AppointmentService, AppointmentStatus } from './port.ts';

/** The status chip's look for each status (views/partials/status-chip.ejs). */
const CHIP: Record<AppointmentStatus, string> = {
  pending: 'awaiting',
  confirmed: 'accepted',
  moved: 'soon',
  declined: 'declined',
  cancelled: 'withdrawn',
};

/** Agreed appointments, the ones a client may keep in their calendar (its .ics download). */
export const IN_CALENDAR: ReadonlySet<AppointmentStatus> = new Set(['confirmed', 'moved']);

/** Standing appointments hold their time and may still be cancelled by the client. */
export const STANDING: ReadonlySet<AppointmentStatus> = new Set(['pending', 'confirmed', 'moved']);

export interface AppointmentView {
  id: string;
  url: string;
  service: string;
  status: AppointmentStatus;
  chip: string;
  statusLabel: string;
  day: string;
  time: string;
  note: string;
  /** The agency's words on declining it or calling it off, where the host keeps them. */
  reason: string | null;
  /** The sentence under the facts: what the status means for the reader (appointments:explain.*). */
  explainKey: string;
  requested: string;
  standing: boolean;
  cancelUrl: string;
  /** "Add to calendar": the .ics download, only for one the agency agreed to. */
  calendarUrl: string | null;
  /** With a declined one: the other times the agency offered, each taken with one button. */
  offers: { value: string; label: string }[];
  offersUrl: string;
  /** "Ask for another time": for a standing one still to come, where the host takes reschedules. */
  rescheduleUrl: string | null;
}

export function appointmentUrl(base: string, id: string): string {
  return `${base}/appointments/${encodeURIComponent(id)}`;
}

/** "14:00–14:30" in the reader's zone. */
function timeRange(i18n: RequestI18n, startsAt: Date, endsAt: Date): string {
  return `${i18n.fmt.time(startsAt)}–${i18n.fmt.time(endsAt)}`;
}

/** The day of an instant in the reader's zone, in their language ("6 Apr 2027"). */
function dayOf(i18n: RequestI18n, at: Date): string {
  return i18n.fmt.day(i18n.fmt.isoDay(at));
}

/** The agency's words on a declined or agency-cancelled appointment, where the host keeps them. */
export function reasonOf(appointment: Appointment): string | null {
  if (appointment.status === 'declined') return appointment.declineReason?.trim() || null;
  if (appointment.status === 'cancelled') return appointment.cancelReason?.trim() || null;
  return null;
}

/** A client may ask for another time for one still standing that has not begun. */
export function isReschedulable(appointment: Appointment, now: Date): boolean {
  return STANDING.has(appointment.status) && appointment.startsAt > now;
}

/** "Tue, 6 Apr 2027, 10:00–10:30" in the reader's zone. */
function slotInWords(i18n: RequestI18n, slot: AppointmentSlot): string {
  return `${dayOf(i18n, slot.startsAt)}, ${timeRange(i18n, slot.startsAt, slot.endsAt)}`;
}

/**
 * The agency's other times with a decline, where the host keeps them and lets a client take one
 * (`takesOffers`: the port has takeOffer); none for any other status.
 */
function offersOf(i18n: RequestI18n, appointment: Appointment, takesOffers: boolean) {
  if (!takesOffers || appointment.status !== 'declined') return [];
  return (appointment.offeredTimes ?? []).map((slot) => ({ value: slot.startsAt.toISOString(), label: slotInWords(i18n, slot) }));
}

export function presentAppointment(
  i18n: RequestI18n,
  base: string,
  appointment: Appointment,
  options: { takesOffers?: boolean; reschedulesAt?: Date } = {},
): AppointmentView {
  const url = appointmentUrl(base, appointment.id);
  return {
    id: appointment.id,
    url,
    service: appointment.serviceName,
    status: appointment.status,
    chip: CHIP[appointment.status],
    statusLabel: i18n.t(`appointments:status.${appointment.status}`),
    day: dayOf(i18n, appointment.startsAt),
    time: timeRange(i18n, appointment.startsAt, appointment.endsAt),
    note: appointment.note,
    reason: reasonOf(appointment),
    // One the agency called off is not one the reader cancelled: its sentence says who did.
    explainKey: appointment.status === 'cancelled' && reasonOf(appointment) ? 'cancelledByAgency' : appointment.status,
    requested: i18n.fmt.dateTime(appointment.requestedAt),
    standing: STANDING.has(appointment.status),
    cancelUrl: `${url}/cancel`,
    calendarUrl: IN_CALENDAR.has(appointment.status) ? `${url}/calendar` : null,
    offers: offersOf(i18n, appointment, options.takesOffers ?? false),
    offersUrl: `${url}/offers`,
    rescheduleUrl: options.reschedulesAt && isReschedulable(appointment, options.reschedulesAt) ? `${url}/reschedule` : null,
  };
}

export interface SlotView {
  value: string;
  label: string;
  checked: boolean;
  domId: string;
}

export function presentSlots(i18n: RequestI18n, slots: readonly AppointmentSlot[], chosen: string | null): SlotView[] {
  return slots.map((slot, index) => {
    const value = slot.startsAt.toISOString();
    return { value, label: timeRange(i18n, slot.startsAt, slot.endsAt), checked: value === chosen, domId: `slot-${index}` };
  });
}

export function presentServices(services: readonly AppointmentService[], chosen: string | null, i18n: RequestI18n) {
  return services.map((service) => ({
    id: service.id,
    label: i18n.t('appointments:form.serviceOption', { name: service.name, minutes: service.minutes }),
    selected: service.id === chosen,
  }));
}
