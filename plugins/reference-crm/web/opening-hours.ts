// A weekday's opening hours as staff write them on one line ("09:00–12:00, 13:00–17:00") and back:
// several ranges a day, each opening before it closes, none overlapping another. A range that
// cannot be read, runs backwards or overlaps is refused with words saying which and why.
import type { OpeningRange } from '../queries/appointments.ts';

export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

const RANGE = /^([01]?\d|2[0-3])[:.]([0-5]\d)\s*(?:-|–|—|to)\s*([01]?\d|2[0-3])[:.]([0-5]\d)$/;
const pad = (hours: string, minutes: string) => `${hours.padStart(2, '0')}:${minutes}`;

type DayParse = { ok: true; ranges: Array<{ opens: string; closes: string }> } | { ok: false; message: string };

/** One weekday's line; empty is closed all day. */
function parseDayHours(day: string, line: string): DayParse {
  const parts = line
    .split(/[,;]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const ranges: Array<{ opens: string; closes: string }> = [];
  for (const part of parts) {
    const match = RANGE.exec(part);
    if (!match)
      return { ok: false, message: `${day}: “${part}” is not a range of times. Write it like 09:00–12:00, ranges apart by commas.` };
    const opens = pad(match[1]!, match[2]!);
    const closes = pad(match[3]!, match[4]!);
    if (opens >= closes) return { ok: false, message: `${day}: ${opens}–${closes} closes before it opens. Write the earlier time first.` };
    ranges.push({ opens, closes });
  }
  ranges.sort((a, b) => a.opens.localeCompare(b.opens));
  for (let i = 1; i < ranges.length; i++) {
    const before = ranges[i - 1]!;
    const range = ranges[i]!;
    if (range.opens < before.closes)
      return {
        ok: false,
        message: `${day}: ${before.opens}–${before.closes} and ${range.opens}–${range.closes} overlap. Make them one range, or end one before the other starts.`,
      };
  }
  return { ok: true, ranges };
}

/** The week's lines, one a weekday (`day1` … `day7`), as staff read them back. */
export function linesOfHours(hours: ReadonlyArray<{ weekday: number; opens_at: string; closes_at: string }>): Record<string, string> {
  const lines: Record<string, string> = {};
  for (let weekday = 1; weekday <= 7; weekday++)
    lines[`day${weekday}`] = hours
      .filter((h) => h.weekday === weekday)
      .map((h) => `${h.opens_at}–${h.closes_at}`)
      .join(', ');
  return lines;
}

/** The week from the form's lines, or the refusals, one per weekday field. */
export function parseWeek(
  body: unknown,
): { ok: true; ranges: OpeningRange[] } | { ok: false; errors: Array<{ field: string; message: string }> } {
  const source = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const ranges: OpeningRange[] = [];
  const errors: Array<{ field: string; message: string }> = [];
  for (const [index, day] of WEEKDAY_NAMES.entries()) {
    const field = `day${index + 1}`;
    const value = source[field];
    const line = typeof value === 'string' ? value : '';
    if (line.length > 200) {
      errors.push({ field, message: `${day}: write at most 200 characters.` });
      continue;
    }
    const parsed = parseDayHours(day, line);
    if (parsed.ok) ranges.push(...parsed.ranges.map((r) => ({ weekday: index + 1, ...r })));
    else errors.push({ field, message: parsed.message });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, ranges };
}
