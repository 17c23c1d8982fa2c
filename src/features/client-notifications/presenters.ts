// Between notification rows and the pages that list them.
import type { RequestI18n } from '../../core/index.ts';
import { channelFor, KIND_RULES, type NotificationKind } from './kinds.ts';
import type { NotificationRow } from './queries.ts';
import { notificationText } from './details.ts';

export function presentNotifications(i18n: RequestI18n, base: string, rows: NotificationRow[]) {
  return rows.map((row) => ({
    id: row.id,
    text: notificationText({ t: i18n.t, locale: i18n.locale, timeZone: i18n.timeZone }, row),
    href: `${base}/notifications/${row.id}`,
    at: i18n.fmt.dateTime(row.created_at),
    atIso: new Date(row.created_at).toISOString(),
    unread: row.read_at === null,
  }));
}

/** The preference form: a radio group per kind the person sees, at their choice. */
export function presentChannelChoices(i18n: RequestI18n, kinds: NotificationKind[], chosen: Record<string, unknown>) {
  return kinds.map((kind) => {
    const current = channelFor(kind, chosen);
    return {
      kind,
      legend: i18n.t(`clientNotifications:kinds.${kind}.label`),
      options: KIND_RULES[kind].channels.map((channel) => ({
        id: `channel-${kind}-${channel}`,
        value: channel,
        label: i18n.t(`clientNotifications:channels.${channel}`),
        checked: channel === current,
      })),
      hint: kind === 'message_reply' ? i18n.t('clientNotifications:messageEmailsHint') : null,
    };
  });
}
