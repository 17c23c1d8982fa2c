// Numbers, money, dates and times in the reader's locale and time zone. Intl formatters cost
// microseconds each to build, so each is built once per locale, time zone and option set; and a
// format costs one to three microseconds, paid for the same amounts and dates on every page a
// client reloads, so the last few hundred answers of each are kept.
import { remembered } from '../cache/remembered.ts';
import { dayInZone, offsetAt } from '../time/zoned-days.ts';
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
  /** A file's size, as every page of the portal and the staff side says one (see fileSize). */
  fileSize(bytes: number): string;
}

const cache = new Map<string, Formatters>();
const moneyFormats = new Map<string, (cents: number) => string>();

/** How many answers each format keeps: a page's worth many times over, a few kilobytes each. */
const REMEMBERED = 500;

/** A format that keeps its last answers. */
const rememberedFormat = <K>(format: (key: K) => string) => remembered(format, REMEMBERED) as (key: K) => string;

function moneyFormat(locale: Locale, currency: string): (cents: number) => string {
  const key = `${locale}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    const money = new Intl.NumberFormat(locale, { style: 'currency', currency });
    format = rememberedFormat((cents: number) => money.format(cents / 100));
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

/** The units a size is written in: French writes octets (o, Ko, Mo), the others bytes. */
type SizeUnits = readonly [bytes: string, kilo: string, mega: string];
const BYTE_UNITS: SizeUnits = ['B', 'KB', 'MB'];
const OCTET_UNITS: SizeUnits = ['o', 'Ko', 'Mo'];

const englishNumberFormat = new Intl.NumberFormat('en');
const englishNumber = (value: number) => englishNumberFormat.format(value);

/**
 * "830 B", "1.4 KB", "12.5 MB": a file's size with one decimal, in KB and MB of 1,024, so a 10 MB
 * limit reads "10 MB" and one file reads the same on a client's page, in a form's limit and on the
 * agency's pages. `number` writes the figure in the reader's numbers ("1,4 KB" in German).
 */
export function fileSize(bytes: number, number: (value: number) => string = englishNumber, units: SizeUnits = BYTE_UNITS): string {
  if (bytes < 1024) return `${number(bytes)} ${units[0]}`;
  if (bytes < 1024 * 1024) return `${number(Math.round(bytes / 102.4) / 10)} ${units[1]}`;
  return `${number(Math.round(bytes / (1024 * 102.4)) / 10)} ${units[2]}`;
}

export function formattersFor(locale: Locale, timeZone: string): Formatters {
  const key = `${locale}|${timeZone}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const number = new Intl.NumberFormat(locale);
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone });
  // Keyed by the string or the instant: a Date is a new object on every read.
  const dayOf = rememberedFormat((value: string | number) => day.format(calendarDate(typeof value === 'number' ? new Date(value) : value)));
  const dateTimeOf = rememberedFormat((instant: number) => dateTime.format(instant));
  const timeOf = rememberedFormat((instant: number) => time.format(instant));
  const numberOf = rememberedFormat((value: number) => number.format(value));
  const formatters: Formatters = {
    number: numberOf,
    money: (cents, currency) => moneyFormat(locale, currency)(cents),
    day: (value) => dayOf(value instanceof Date ? value.getTime() : value),
    dateTime: (value) => dateTimeOf(asDate(value).getTime()),
    time: (value) => timeOf(asDate(value).getTime()),
    // By the zone's offset, kept a quarter of an hour at a time (zoned-days.ts): every page asks
    // for today, and the dashboard for the hour of its greeting.
    hourOf: (value) => new Date(value.getTime() + offsetAt(value.getTime(), timeZone)).getUTCHours(),
    isoDay: (value) => dayInZone(value, timeZone),
    fileSize: (bytes) => fileSize(bytes, numberOf, locale === 'fr' ? OCTET_UNITS : BYTE_UNITS),
  };
  cache.set(key, formatters);
  return formatters;
}
