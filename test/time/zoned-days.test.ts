// The day an instant falls on, its hour and the instant of a wall time, in a time zone, against
// Intl asked directly at every instant: around the changes of offset of zones that have them (daylight
// saving, a half-hour shift, a zone that moved its offset for good), at the quarter-hour bounds the
// offset is kept by, and at random instants over a century.
import { expect } from 'chai';
import { formattersFor } from '../../src/core/i18n/formatters.ts';
import { addDays, dayInZone, offsetAt, wallTimeToInstant } from '../../src/core/time/zoned-days.ts';

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/St_Johns',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Pacific/Apia',
  'Africa/Monrovia',
  'America/Santiago',
];

/** The day as Intl gives it for the instant, with no offset kept. */
function intlDay(instant: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** The wall time as Intl gives it for the instant: 'YYYY-MM-DD HH:MM'. */
function intlWall(instant: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** How far the zone's wall clock is ahead of UTC at an instant, to the minute, as Intl gives it. */
const offsetOf = (instant: number, timeZone: string) =>
  Date.parse(`${intlWall(instant, timeZone).replace(' ', 'T')}:00Z`) - Math.floor(instant / 60_000) * 60_000;

/** The instants at which the zone's offset changes in a year: found day by day, then to the minute. */
function changesOf(timeZone: string, year: number): number[] {
  const changes: number[] = [];
  for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += 86_400_000) {
    const offset = offsetOf(day, timeZone);
    if (offsetOf(day + 86_400_000, timeZone) === offset) continue;
    let [low, high] = [day, day + 86_400_000];
    while (high - low > 60_000) {
      const middle = low + Math.floor((high - low) / 120_000) * 60_000;
      if (offsetOf(middle, timeZone) === offset) low = middle;
      else high = middle;
    }
    changes.push(high);
  }
  return changes;
}

describe('days and wall times in a time zone', function () {
  it('gives the day Intl gives around every change of offset, and at the quarter-hour bounds beside it', function () {
    let checked = 0;
    for (const timeZone of ZONES) {
      for (const year of [1971, 2011, 2026]) {
        for (const change of changesOf(timeZone, year)) {
          // Every minute of the half hour around the change, and each quarter's first and last
          // millisecond for three hours around it.
          const quarter = Math.floor(change / 900_000) * 900_000;
          const instants = [
            ...Array.from({ length: 61 }, (_, i) => change + (i - 30) * 60_000),
            ...Array.from({ length: 25 }, (_, i) => quarter + (i - 12) * 900_000).flatMap((bound) => [bound - 1, bound, bound + 999]),
          ];
          for (const at of instants) {
            expect(dayInZone(new Date(at), timeZone), `${timeZone} ${new Date(at).toISOString()}`).to.equal(intlDay(at, timeZone));
            checked++;
          }
        }
      }
    }
    // Some thirty changes: the zones with daylight saving, in each of the three years.
    expect(checked).to.be.greaterThan(4_000);
  });

  it('gives the offset Intl gives to the second in a quarter of an hour that holds a change (Liberia, 7 January 1972)', function () {
    // Monrovia's clocks went from 44 min 30 s behind UTC to UTC at 00:44:30 UTC, inside the
    // quarter from 00:30: that quarter's offset cannot be kept, every instant of it is asked.
    const change = Date.UTC(1972, 0, 7, 0, 44, 30);
    for (let at = change - 15 * 60_000; at <= change + 15 * 60_000; at += 500) {
      const wall = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', {
          timeZone: 'Africa/Monrovia',
          hourCycle: 'h23',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
        })
          .formatToParts(at)
          .map((part) => [part.type, part.value]),
      );
      const expected =
        Date.UTC(+wall.year!, +wall.month! - 1, +wall.day!, +wall.hour!, +wall.minute!, +wall.second!) - Math.floor(at / 1000) * 1000;
      expect(offsetAt(at, 'Africa/Monrovia'), new Date(at).toISOString()).to.equal(expected);
    }
    expect(offsetAt(change - 1000, 'Africa/Monrovia')).to.equal(-(44 * 60 + 30) * 1000);
    expect(offsetAt(change, 'Africa/Monrovia')).to.equal(0);
  });

  it('gives the day and hour Intl gives at random instants over a century, in every zone', function () {
    // A fixed sequence (a linear congruential generator): the same instants on every run.
    let seed = 20261201;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 5_000; i++) {
      const at = Date.UTC(1950, 0, 1) + Math.floor(random() * 100 * 365.25 * 86_400_000);
      const timeZone = ZONES[i % ZONES.length]!;
      const label = `${timeZone} ${new Date(at).toISOString()}`;
      expect(dayInZone(new Date(at), timeZone), label).to.equal(intlDay(at, timeZone));
      // The page formatters' day and hour (the dashboard's greeting) read the same kept offset.
      const formatters = formattersFor('en', timeZone);
      expect(formatters.isoDay(new Date(at)), label).to.equal(intlDay(at, timeZone));
      expect(formatters.hourOf(new Date(at)), label).to.equal(Number(intlWall(at, timeZone).slice(11, 13)));
    }
  });

  it('puts a wall time at the instant whose wall time it is, on days that change their offset too', function () {
    for (const timeZone of ZONES) {
      for (const change of changesOf(timeZone, 2026)) {
        const day = intlDay(change, timeZone);
        for (const date of [addDays(day, -1), day, addDays(day, 1)]) {
          for (const time of ['00:00', '01:30', '09:45', '12:00', '23:59']) {
            const instant = wallTimeToInstant(date, time, timeZone).getTime();
            // A wall time the change skips (spring forward) has no instant of its own: it lands on one beside it.
            const wall = intlWall(instant, timeZone);
            if (wall !== `${date} ${time}`)
              expect(Math.abs(Date.parse(`${wall.replace(' ', 'T')}:00Z`) - Date.parse(`${date}T${time}:00Z`))).to.be.at.most(3_600_000);
          }
        }
      }
    }
  });
});
