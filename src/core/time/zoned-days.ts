// Days and wall times in a time zone: the day an instant falls on, a day's bounds, the instant of
// a wall time. Pure, and with no time zone library: the zone's offset at a guess, then again at the
// result, so a day that changes its offset (daylight saving) still lands right.
import { remembered } from '../cache/remembered.ts';

const DAY = 24 * 60 * 60_000;
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

/** How far the zone's wall clock is ahead of UTC at an instant, in ms, asked of Intl (some µs). */
function offsetFromIntl(instant: number, timeZone: string): number {
  const p = wallParts(instant, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000;
}

/**
 * A zone's offset is kept by quarter of an hour: the pages of a quarter ask for the same few
 * instants' days (today, by every row's deadline), and Intl's answer costs microseconds each. A
 * quarter is kept only where the offset at its first and last millisecond agree, so it holds no
 * change of offset (no zone changes twice within a quarter of an hour); one that holds a change is
 * asked of Intl at each instant.
 */
const QUARTER = 15 * 60_000;
const NO_CONSTANT_OFFSET = Number.NaN;
const quarterOffset = remembered((key: string) => {
  const space = key.indexOf(' ');
  const start = Number(key.slice(0, space)) * QUARTER;
  const timeZone = key.slice(space + 1);
  const first = offsetFromIntl(start, timeZone);
  return first === offsetFromIntl(start + QUARTER - 1, timeZone) ? first : NO_CONSTANT_OFFSET;
}, 2_000);

/** How far the zone's wall clock is ahead of UTC at an instant, in ms (to the second). */
export function offsetAt(instant: number, timeZone: string): number {
  const offset = quarterOffset(`${Math.floor(instant / QUARTER)} ${timeZone}`)!;
  return Number.isNaN(offset) ? offsetFromIntl(instant, timeZone) : offset;
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
  const at = instant.getTime();
  const wall = new Date(Math.floor(at / 1000) * 1000 + offsetAt(at, timeZone));
  const year = wall.getUTCFullYear();
  return `${String(year).padStart(4, '0')}-${String(wall.getUTCMonth() + 1).padStart(2, '0')}-${String(wall.getUTCDate()).padStart(2, '0')}`;
}

/** A day's start and the next day's start in a zone. */
export function dayBounds(day: string, timeZone: string): { from: Date; to: Date } {
  return { from: wallTimeToInstant(day, '00:00', timeZone), to: wallTimeToInstant(addDays(day, 1), '00:00', timeZone) };
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}
