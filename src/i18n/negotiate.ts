// Which language and time zone a page is shown in. Language: the client's own choice (account
// page), else the workspace's language, else the browser's Accept-Language, else English.
// Time zone: the client's choice, else the browser's (a cookie the portal's script sets), else the
// workspace's default, else UTC.
import { DEFAULT_LOCALE, isLocale, SUPPORTED_LOCALES, type Locale } from './translations.ts';

/** The best supported locale in an Accept-Language header, by q-value, or null. */
export function localeFromAcceptLanguage(header: string | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { base: tag.trim().toLowerCase().split('-')[0] ?? '', quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const entry of ranked) {
    if (isLocale(entry.base)) return entry.base;
  }
  return null;
}

export function chooseLocale(choice: { client?: string | null; workspace?: string | null; acceptLanguage?: string | undefined }): Locale {
  if (isLocale(choice.client)) return choice.client;
  if (isLocale(choice.workspace)) return choice.workspace;
  return localeFromAcceptLanguage(choice.acceptLanguage) ?? DEFAULT_LOCALE;
}

const knownZones = new Map<string, boolean>();

/** An IANA time zone Intl knows ("Europe/Berlin"); anything else is ignored. */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(value)) return false;
  let known = knownZones.get(value);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size < 1000) knownZones.set(value, known);
  }
  return known;
}

export function chooseTimeZone(choice: { client?: string | null; browser?: string | null | undefined; workspace?: string | null }): string {
  for (const zone of [choice.client, choice.browser, choice.workspace]) {
    if (isTimeZone(zone)) return zone;
  }
  return 'UTC';
}

export { SUPPORTED_LOCALES };
