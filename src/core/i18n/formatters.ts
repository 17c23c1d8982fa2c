// Numbers, money, dates and times in the reader's locale and time zone. Intl formatters cost
// microseconds each to build, so each is built once per locale, time zone and option set.
import type { Locale } from './translations.ts';

export interface Formatters {
  number(value: number): string;
  /** Integer cents in the record's own currency. */
  money(cents: number, currency: string): string;
  /** A calendar date (a due date, valid-until): the same day wherever the reader is. */
  day(value: Date | string): string;
  /** An instant (sent, signed, signed in), shown in the reader's time zone. */
  dateTime(value: Date | string): string;
  time(value: Date | string): string;
  /** The hour of the day (0-23) of an instant in the reader's time zone. */
  hourOf(value: Date): number;
  /** Today's calendar date in the reader's time zone, as YYYY-MM-DD. */
  isoDay(value: Date): string;
}

const cache = new Map<string, Formatters>();
const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(locale: Locale, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    moneyFormats.set(key, format);
  }
  return format;
}

const asDate = (value: Date | string) => (value instanceof Date ? value : new Date(value));

/** A calendar date kept as midnight UTC, so formatting it in UTC never moves it a day. */
function calendarDate(value: Date | string): Date {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T00:00:00Z`);
  return asDate(value);
}

export function formattersFor(locale: Locale, timeZone: string): Formatters {
  const key = `${locale}|${timeZone}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const number = new Intl.NumberFormat(locale);
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone });
  const hour = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone });
  const isoDay = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone });
  const formatters: Formatters = {
    number: (value) => number.format(value),
    money: (cents, currency) => moneyFormat(locale, currency).format(cents / 100),
    day: (value) => day.format(calendarDate(value)),
    dateTime: (value) => dateTime.format(asDate(value)),
    time: (value) => time.format(asDate(value)),
    hourOf: (value) => Number(hour.format(value)) % 24,
    isoDay: (value) => isoDay.format(value),
  };
  cache.set(key, formatters);
  return formatters;
}
