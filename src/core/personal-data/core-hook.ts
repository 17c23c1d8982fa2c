// The core's answer for a person's data: their client user row (the profile), their open sessions
// and sign-in history, and their activity log. On erasure their sessions end, their activity stays
// without what names them, and the client user row goes, last of all hooks.
import type { Knex } from 'knex';
import { activityLabel, isActivityEvent } from '../activity/events.ts';
import { anonymisePersonActivity, countPersonActivity, personActivity, type PersonActivityRow } from '../activity/personal-data-queries.ts';
import { recordOf } from '../activity/records.ts';
import { accessOf, deleteClientUser } from '../client-users/queries.ts';
import { listRoles } from '../access/access-queries.ts';
import type { Translate } from '../i18n/translations.ts';
import { BUILT_IN_ROLE_KEYS, type BuiltInRole } from '../policies/client-access.ts';
import { staffRoleName } from '../staff/access-words.ts';
import { canOpenRecord } from '../policies/portal-policy.ts';
import type { ContactsPort } from '../ports/host.ts';
import { deleteOtherSessions, listLiveSessions } from '../sessions/queries.ts';
import type { PortalSettings } from '../settings/portal-settings.ts';
import type { PersonalDataHook } from './hook.ts';
import { iso } from './archive-values.ts';

const SESSIONS_LISTED = 50;
const SIGN_IN_EVENTS = new Set([
  'sign_in.succeeded',
  'sign_in.failed',
  'sign_in.locked',
  'sign_in_code.requested',
  'sign_out',
  'two_factor.passed',
  'two_factor.failed',
  'two_factor.locked',
  'session.revoked',
]);

export function corePersonalData(deps: { db: Knex; contacts: ContactsPort; now: () => Date }): PersonalDataHook {
  const { db } = deps;
  return {
    tables: ['client_users', 'client_activity_logs', 'client_sessions'],

    async export(subject) {
      const { workspaceId, user } = subject;
      const [contact, activity, sessions, roles] = await Promise.all([
        deps.contacts.findById(workspaceId, user.contact_id),
        personActivity(db, workspaceId, user.id),
        listLiveSessions(db, workspaceId, user.id, deps.now(), SESSIONS_LISTED),
        listRoles(db, workspaceId),
      ]);
      const nameRole = roleNamer(subject.t, new Map(roles.map((role) => [role.id, role.name])));
      const present = (row: PersonActivityRow) => presentActivity(subject.t, row, nameRole);
      return {
        profile: {
          email: user.email,
          name: contact?.name ?? null,
          phone: contact?.phone ?? null,
          company: contact?.clientName ?? null,
          role: staffRoleName(subject.t, accessOf(user)),
          status: user.status,
          language: user.locale,
          timeZone: user.time_zone,
          invitedAt: iso(user.invited_at),
          createdAt: iso(user.created_at),
          lastSignInAt: iso(user.last_sign_in_at),
          passwordSet: user.password_hash !== null,
          passwordChangedAt: iso(user.password_changed_at),
        },
        entries: [
          {
            path: 'sign-ins.json',
            json: {
              openSessions: sessions.map((session) => ({
                signedInAt: session.sess.portal?.signedInAt ?? null,
                expiresAt: iso(session.expire),
                ip: session.sess.portal?.ip ?? null,
                userAgent: session.sess.portal?.userAgent ?? null,
              })),
              history: activity.filter((row) => SIGN_IN_EVENTS.has(row.event)).map(present),
            },
          },
          { path: 'activity.json', json: activity.map((row) => present(withoutClosedRecordNames(subject.settings, row))) },
        ],
      };
    },

    async erase(trx, person) {
      const sessions = await deleteOtherSessions(trx, person.workspaceId, person.id, null);
      const activity = await anonymisePersonActivity(trx, person.workspaceId, person);
      const account = await deleteClientUser(trx, person.workspaceId, person.id);
      return { counts: { account, activity, sessions } };
    },

    counts: (db, person) => ({ activity: countPersonActivity(db, person.workspaceId, person.id) }),
  };
}

/** What an entry keeps about a record the person may not open now: what it was and its ids, not its number, title or files. */
const CLOSED_RECORD_KEYS = [
  'kind',
  'subjectType',
  'subjectId',
  'offerId',
  'invoiceId',
  'documentId',
  'uploadId',
  'paymentId',
  'source',
  'outcome',
  'method',
];

/**
 * The person's own activity, as their access stands now: an entry about a record of a section
 * hidden from them says what they did and when, without the record's number, title or file name
 * (the record is governed by its section, as on every page).
 */
function withoutClosedRecordNames(settings: PortalSettings, row: PersonActivityRow): PersonActivityRow {
  const record = isActivityEvent(row.event) ? recordOf({ event: row.event, details: row.details ?? {} }) : null;
  // A download of a project's document names the project only as its subject (recordOf knows
  // the offers and invoices staff pages open); it is the projects section's all the same.
  const type = record?.kind ?? (row.details?.subjectType === 'project' ? 'project' : null);
  if (!type || canOpenRecord(settings, { type })) return row;
  const details = Object.fromEntries(Object.entries(row.details ?? {}).filter(([key]) => CLOSED_RECORD_KEYS.includes(key)));
  return { ...row, details };
}

/**
 * A role as the activity log stores it (a built-in key such as `billing`, or `custom:<id>`), named
 * as the person reads it: the log keeps keys so a renamed role stays the same role, but a person
 * reading their copy knows "Billing", not "billing", and never a role's id. A role removed since is
 * said to be one; anything else stored there is left as it is.
 */
function roleNamer(t: Translate, customRoles: ReadonlyMap<string, string>): (stored: unknown) => unknown {
  return (stored) => {
    if (typeof stored !== 'string') return stored;
    if ((BUILT_IN_ROLE_KEYS as readonly string[]).includes(stored))
      return staffRoleName(t, { role: stored as BuiltInRole, customRole: null });
    if (!stored.startsWith('custom:')) return stored;
    const name = customRoles.get(stored.slice('custom:'.length));
    return name ?? t('staff:roles.removedRole');
  };
}

/** A role change ({ from, to }) or a role, each named. */
function namedRoles(role: unknown, nameRole: (stored: unknown) => unknown): unknown {
  if (role && typeof role === 'object' && !Array.isArray(role)) {
    return Object.fromEntries(Object.entries(role).map(([key, value]) => [key, nameRole(value)]));
  }
  return nameRole(role);
}

/**
 * An entry of the person's activity. One a staff member made about them (their access changed,
 * their sessions ended) was written from the staff member's request: its IP address, browser and
 * the staff member's name are the staff member's data, not the person's, so the copy says only
 * that the agency did it.
 */
function presentActivity(t: Translate, row: PersonActivityRow, nameRole: (stored: unknown) => unknown) {
  const { staffId, staffName, role, ...rest } = row.details ?? {};
  const byStaff = staffId !== undefined || staffName !== undefined;
  const details = role === undefined ? rest : { role: namedRoles(role, nameRole), ...rest };
  return {
    at: iso(row.created_at),
    event: row.event,
    // In the person's language, as every other file of the copy.
    description: activityLabel(t, row.event, row.details),
    details: byStaff ? { ...details, by: t('activityEvents:byAgency') } : details,
    ...(row.repeat_count > 1 ? { times: row.repeat_count } : {}),
    ip: byStaff ? null : row.ip,
    userAgent: byStaff ? null : row.user_agent,
  };
}
