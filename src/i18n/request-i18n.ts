// The language, time zone, t() and formatters of one request, kept with the portal context so
// handlers, presenters and templates all speak the same locale.
import type { Request } from 'express';
import { formattersFor, type Formatters } from './formatters.ts';
import { chooseLocale, chooseTimeZone } from './negotiate.ts';
import { translator, type Locale, type Translate } from './translations.ts';

export interface RequestI18n {
  locale: Locale;
  timeZone: string;
  t: Translate;
  fmt: Formatters;
}

/** The cookie the portal's script sets to the browser's time zone. */
export const BROWSER_TIME_ZONE_COOKIE = 'portal_tz';

function cookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function requestI18n(
  req: Request,
  preferences: { clientLocale?: string | null; clientTimeZone?: string | null; workspaceLocale?: string | null; workspaceTimeZone?: string | null } = {},
): RequestI18n {
  const locale = chooseLocale({ client: preferences.clientLocale, workspace: preferences.workspaceLocale, acceptLanguage: req.get('Accept-Language') });
  const timeZone = chooseTimeZone({ client: preferences.clientTimeZone, browser: cookie(req, BROWSER_TIME_ZONE_COOKIE), workspace: preferences.workspaceTimeZone });
  return { locale, timeZone, t: translator(locale), fmt: formattersFor(locale, timeZone) };
}
