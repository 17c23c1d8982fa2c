// The times a client may book, from an agency's weekly hours kept in the agency's time zone. Pure:
// a host's binding reads its hours and its standing bookings and asks this which slots are free.
// Wall times become instants through Intl (no time zone library): the zone's offset at a guess,
// then again at the result, so a day that changes its offset (daylight saving) still lands right.
import type { AppointmentSlot } from '../ports/host.ts';

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
const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormats.set(timeZone, format);
  }
  return format;
}

function wallParts(instant: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const part of partsFormat(timeZone).formatToParts(instant)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return parts as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const p = wallParts(instant, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000;
}

/** The instant a wall time of a day has in a zone ('2027-04-06', '09:30'). */
export function wallTimeToInstant(day: string, time: string, timeZone: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const guess = Date.UTC(year, month - 1, date, hour, minute);
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  return new Date(second);
}

/** The day an instant falls on in a zone, as 'YYYY-MM-DD'. */
export function dayInZone(instant: Date, timeZone: string): string {
  const p = wallParts(instant.getTime(), timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** A day's start and the next day's start in a zone. */
export function dayBounds(day: string, timeZone: string): { from: Date; to: Date } {
  return { from: wallTimeToInstant(day, '00:00', timeZone), to: wallTimeToInstant(addDays(day, 1), '00:00', timeZone) };
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

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
