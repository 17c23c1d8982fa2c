// The language, time zone, t() and formatters of one request, kept with the portal context so
// handlers, presenters and templates all speak the same locale.
import type { Request } from 'express';
import { readCookie } from '../http/cookies.ts';
import { formattersFor, type Formatters } from './formatters.ts';
import { browserLocale, chooseLocale, chooseTimeZone } from './negotiate.ts';
import { isLocale, translator, type Locale, type Translate } from './translations.ts';

export interface RequestI18n {
  locale: Locale;
  timeZone: string;
  t: Translate;
  fmt: Formatters;
}

/** The cookie the portal's script sets to the browser's time zone. */
const BROWSER_TIME_ZONE_COOKIE = 'portal_tz';

export function requestI18n(
  req: Request,
  preferences: {
    clientLocale?: string | null;
    /** The language this browser chose before signing in (chosen-language.ts). */
    chosenLocale?: Locale | null;
    clientTimeZone?: string | null;
    workspaceLocale?: string | null;
    workspaceTimeZone?: string | null;
  } = {},
): RequestI18n {
  const locale = chooseLocale({
    client: preferences.clientLocale,
    chosen: preferences.chosenLocale ?? null,
    workspace: preferences.workspaceLocale,
    browser: browserLocale(req),
  });
  const timeZone = chooseTimeZone({
    client: preferences.clientTimeZone,
    browser: readCookie(req, BROWSER_TIME_ZONE_COOKIE),
    workspace: preferences.workspaceTimeZone,
  });
  return { locale, timeZone, t: translator(locale), fmt: formattersFor(locale, timeZone) };
}

/**
 * A staff page's language and time zone: the staff member's own choice where the host keeps one
 * (a tag such as "de_DE" reads as "de"), else the browser's; never the workspace's client-facing
 * defaults, which are the clients' language, not the agency's.
 */
export function staffRequestI18n(
  req: Request,
  staff: { locale?: string | null | undefined; timeZone?: string | null | undefined },
): RequestI18n {
  return requestI18n(req, { clientLocale: languageOfTag(staff.locale), clientTimeZone: staff.timeZone ?? null });
}

/** The language of a tag: "de_DE", "de-AT" and "DE" all read as "de". */
function languageOfTag(tag: string | null | undefined): string | null {
  const match = typeof tag === 'string' ? /^([A-Za-z]{2,3})(?:[-_].*)?$/.exec(tag.trim()) : null;
  return match ? match[1]!.toLowerCase() : null;
}

/** A host's language tag as one of the portal's languages ("de_DE" → "de"), or null for any other. */
export function localeOfTag(tag: string | null | undefined): Locale | null {
  const language = languageOfTag(tag);
  return isLocale(language) ? language : null;
}
