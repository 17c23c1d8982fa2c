// The times a client may book, from an agency's weekly hours kept in the agency's time zone. Pure:
// a host's binding reads its hours and its standing bookings and asks this which slots are free.
import { addDays, dayInZone, wallTimeToInstant } from '../../core/index.ts';
import type { AppointmentSlot } from './port.ts';

export interface WeeklyHours {
  /** ISO: 1 Monday … 7 Sunday. */
  weekday: number;
  /** 'HH:MM' or 'HH:MM:SS', the agency's wall time. */
  opens: string;
  closes: string;
}

export interface SlotRules {
  timeZone: string;
  /** Between one start time and the next. */
  stepMinutes: number;
  /** How long ahead a slot must be asked for. */
  noticeMinutes: number;
  /** How far ahead a slot may be. */
  horizonDays: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function isoWeekday(day: string): number {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/**
 * The free slots of a service of `minutes` starting in [from, to): each inside one span of the
 * agency's hours, on the step from its opening, at least the notice after now and within the
 * horizon, overlapping no standing booking (`busy`). Soonest first.
 */
export function offeredSlots(input: {
  hours: readonly WeeklyHours[];
  rules: SlotRules;
  minutes: number;
  from: Date;
  to: Date;
  now: Date;
  busy: readonly { startsAt: Date; endsAt: Date }[];
}): AppointmentSlot[] {
  const { hours, rules, minutes } = input;
  const earliest = Math.max(input.from.getTime(), input.now.getTime() + rules.noticeMinutes * MINUTE);
  const latest = Math.min(input.to.getTime(), input.now.getTime() + rules.horizonDays * DAY);
  if (earliest >= latest || minutes <= 0 || rules.stepMinutes <= 0) return [];
  const slots: AppointmentSlot[] = [];
  // The agency's days around the window: a client's day may start on the agency's day before.
  const lastDay = addDays(dayInZone(new Date(latest), rules.timeZone), 1);
  for (let day = addDays(dayInZone(new Date(earliest), rules.timeZone), -1); day <= lastDay; day = addDays(day, 1)) {
    const weekday = isoWeekday(day);
    for (const span of hours) {
      if (span.weekday !== weekday) continue;
      const opens = wallTimeToInstant(day, span.opens, rules.timeZone).getTime();
      const closes = wallTimeToInstant(day, span.closes, rules.timeZone).getTime();
      for (let start = opens; start + minutes * MINUTE <= closes; start += rules.stepMinutes * MINUTE) {
        if (start < earliest || start >= latest) continue;
        const end = start + minutes * MINUTE;
        if (input.busy.some((b) => b.startsAt.getTime() < end && b.endsAt.getTime() > start)) continue;
        slots.push({ startsAt: new Date(start), endsAt: new Date(end) });
      }
    }
  }
  return slots.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
