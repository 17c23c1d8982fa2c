// Security log rows to what the page shows: the event in the reader's words (with the sign-in
// method where one is logged), the moment in their time zone, the address and a short browser name.
import { activityLabel, type RequestI18n } from '../../../core/index.ts';
import { describeDevice } from '../presenters.ts';
import { SIGN_IN_METHODS } from './events.ts';
import type { SecurityLogRow } from './queries.ts';

export interface SecurityLogEntryView {
  what: string;
  method: string | null;
  at: string;
  /** Machine-readable moment for <time datetime>. */
  atIso: string;
  ip: string;
  browser: string;
  email: string | null;
}

export function presentSecurityLog(rows: SecurityLogRow[], i18n: Pick<RequestI18n, 't' | 'fmt'>): SecurityLogEntryView[] {
  const unknown = i18n.t('account:sessions.unknown');
  return rows.map((row) => {
    const method = typeof row.details?.method === 'string' && SIGN_IN_METHODS.has(row.details.method) ? row.details.method : null;
    const at = new Date(row.created_at);
    return {
      what: activityLabel(i18n.t, row.event, row.details),
      method: method && row.event.startsWith('sign_in.') ? i18n.t(`account:securityLog.methods.${method}`) : null,
      at: i18n.fmt.dateTime(at),
      atIso: at.toISOString(),
      ip: row.ip ?? unknown,
      browser: describeDevice(row.user_agent, i18n),
      email: row.email,
    };
  });
}
