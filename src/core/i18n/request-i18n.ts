// The language, time zone, t() and formatters of one request, kept with the portal context so
// handlers, presenters and templates all speak the same locale.
import type { Request } from 'express';
import { readCookie } from '../web/cookies.ts';
import { formattersFor, type Formatters } from './formatters.ts';
import { browserLocale, chooseLocale, chooseTimeZone } from './negotiate.ts';
import { translator, type Locale, type Translate } from './translations.ts';

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
    clientTimeZone?: string | null;
    workspaceLocale?: string | null;
    workspaceTimeZone?: string | null;
  } = {},
): RequestI18n {
  const locale = chooseLocale({ client: preferences.clientLocale, workspace: preferences.workspaceLocale, browser: browserLocale(req) });
  const timeZone = chooseTimeZone({
    client: preferences.clientTimeZone,
    browser: readCookie(req, BROWSER_TIME_ZONE_COOKIE),
    workspace: preferences.workspaceTimeZone,
  });
  return { locale, timeZone, t: translator(locale), fmt: formattersFor(locale, timeZone) };
}
