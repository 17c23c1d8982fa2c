// The language a visitor chose before signing in (the sign-in page's chooser), kept in a cookie of
// its own: a visitor who is not signed in has no session (portal-sessions.ts), and a cookie holds
// the choice on this browser only, as the time-zone cookie does. It names a language and nothing
// else, so it is read as one of the supported languages or ignored.
import type { Request, Response } from 'express';
import { readCookie } from '../http/cookies.ts';
import { cookiePathFor } from '../http/served-host.ts';
import { isLocale, type Locale } from './translations.ts';

const LANGUAGE_COOKIE = 'portal_lang';
const ONE_YEAR_MS = 365 * 24 * 3600_000;

/** The language this browser chose on the sign-in page, or null. */
export function chosenLocale(req: Pick<Request, 'headers'>): Locale | null {
  const value = readCookie(req, LANGUAGE_COOKIE);
  return isLocale(value) ? value : null;
}

/** Keeps a chosen language on this browser, for every workspace's portal at this address. */
export function rememberChosenLocale(req: Request, res: Response, locale: Locale, cookie: { portalPath: string; secure: boolean }): void {
  res.cookie(LANGUAGE_COOKIE, locale, {
    path: cookiePathFor(req, cookie.portalPath),
    httpOnly: true,
    sameSite: 'lax',
    secure: cookie.secure,
    maxAge: ONE_YEAR_MS,
  });
}
