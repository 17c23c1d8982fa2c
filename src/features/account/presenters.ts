// Rows to view models for the account page.
import {
  browserAndSystem,
  type ClientUserRow,
  type HostContact,
  LOCALE_NAMES,
  type RequestI18n,
  type SessionRow,
  SUPPORTED_LOCALES,
  translator,
} from '../../core/index.ts';
import { timeZoneOptionsHtml } from './time-zones.ts';

export interface SessionView {
  id: string;
  device: string;
  ip: string;
  signedInAt: string;
  current: boolean;
}

type DeviceWords = Pick<RequestI18n, 't'>;

// The staff pages are English; a client's account page passes its own words.
const ENGLISH_DEVICE_WORDS: DeviceWords = { t: translator('en') };

/** A short, human name for a user agent: enough to recognise a device, not a fingerprint. */
export function describeDevice(userAgent: string | null | undefined, words: DeviceWords = ENGLISH_DEVICE_WORDS): string {
  if (!userAgent) return words.t('account:sessions.unknownDevice');
  const found = browserAndSystem(userAgent);
  const browser = found.browser ?? words.t('account:sessions.someBrowser');
  const system = found.system;
  return system ? words.t('account:sessions.deviceOn', { browser, system }) : browser;
}

/** The client's sessions, this one first, in their language and time zone. */
export function presentSessions(rows: SessionRow[], currentSidHash: string, i18n: Pick<RequestI18n, 't' | 'fmt'>): SessionView[] {
  const unknown = i18n.t('account:sessions.unknown');
  return rows
    .map((row) => ({
      id: row.sid,
      device: describeDevice(row.sess.portal?.userAgent, i18n),
      ip: row.sess.portal?.ip ?? unknown,
      signedInAt: row.sess.portal?.signedInAt ?? '',
      current: row.sid === currentSidHash,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current) || b.signedInAt.localeCompare(a.signedInAt))
    .map((session) => ({ ...session, signedInAt: session.signedInAt ? i18n.fmt.dateTime(session.signedInAt) : unknown }));
}

export function presentProfile(user: ClientUserRow, contact: HostContact, hasPassword: boolean) {
  return {
    name: contact.name,
    email: user.email,
    phone: contact.phone ?? '',
    company: contact.clientName,
    hasPassword,
  };
}

/** The client's own choices (empty: follow the workspace and the browser), and what applies now. */
export function presentPreferences(user: ClientUserRow, i18n: RequestI18n, now: Date) {
  return {
    locale: user.locale ?? '',
    timeZone: user.time_zone ?? '',
    locales: SUPPORTED_LOCALES.map((code) => ({ code, name: LOCALE_NAMES[code] })),
    timeZoneOptionsHtml: timeZoneOptionsHtml(i18n.locale, user.time_zone ?? '', now),
    applied: { locale: LOCALE_NAMES[i18n.locale], timeZone: i18n.timeZone },
  };
}
