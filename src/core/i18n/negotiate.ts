// Which language and time zone a page is shown in. Language: the client's own choice (account
// page), else the one this browser chose on the sign-in page, else the workspace's language, else
// the browser's Accept-Language, else English.
// Time zone: the client's choice, else the browser's (a cookie the portal's script sets), else the
// workspace's default, else UTC.
import type { Request } from 'express';
import { DEFAULT_LOCALE, isLocale, SUPPORTED_LOCALES, type Locale } from './translations.ts';

/**
 * The browser's preferred supported language from its Accept-Language header (Express's own
 * negotiation: q-values, regional tags such as de-AT for de), or null when it names none of them.
 */
export function browserLocale(req: Pick<Request, 'get' | 'acceptsLanguages'>): Locale | null {
  if (!req.get('Accept-Language')) return null;
  const match = req.acceptsLanguages(...SUPPORTED_LOCALES);
  return isLocale(match) ? match : null;
}

export function chooseLocale(choice: {
  client?: string | null;
  chosen?: Locale | null;
  workspace?: string | null;
  browser?: Locale | null;
}): Locale {
  if (isLocale(choice.client)) return choice.client;
  if (choice.chosen) return choice.chosen;
  if (isLocale(choice.workspace)) return choice.workspace;
  return choice.browser ?? DEFAULT_LOCALE;
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
