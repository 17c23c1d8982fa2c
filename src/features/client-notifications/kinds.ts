// The kinds of notification a client gets, what each needs to be seen (the workspace switch and the
// person's permission, as for the page it links to), and how each may reach them. Message replies
// stay in the portal here: their emails are the message emails the account page already offers.
import { canSeeSection, type ClientPermission, type PortalSection, type PortalSettings } from '../../core/index.ts';

export const NOTIFICATION_KINDS = [
  'offer_sent',
  'invoice_issued',
  'task_assigned',
  'document_shared',
  'message_reply',
  'ticket_answered',
  'survey_invited',
  'request_answered',
  'request_reply',
  'appointment_answered',
  'approval_requested',
  'order_confirmed',
  'order_shipped',
  'allowance_nearly_used',
  'hours_answered',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

// push: a notification on the devices the person turned push on in (the app-push feature).
export const CHANNELS = ['portal', 'email', 'digest', 'push'] as const;
export type Channel = (typeof CHANNELS)[number];

type Section = PortalSection;

interface KindRule {
  permission: ClientPermission;
  section: Section;
  channels: readonly Channel[];
  defaultChannel: Channel;
}

export const KIND_RULES: Record<NotificationKind, KindRule> = {
  offer_sent: { permission: 'proposals', section: 'proposals', channels: CHANNELS, defaultChannel: 'email' },
  invoice_issued: { permission: 'invoices', section: 'invoices', channels: CHANNELS, defaultChannel: 'email' },
  task_assigned: { permission: 'tasks', section: 'tasks', channels: CHANNELS, defaultChannel: 'digest' },
  document_shared: { permission: 'documents', section: 'documents', channels: CHANNELS, defaultChannel: 'digest' },
  message_reply: { permission: 'messages', section: 'messages', channels: ['portal'], defaultChannel: 'portal' },
  // An answer or a status the agency set on a ticket: the client is likely waiting for it.
  ticket_answered: { permission: 'tickets', section: 'tickets', channels: CHANNELS, defaultChannel: 'email' },
  // The agency resolved a ticket and asks how it went: asked at once, while it is fresh.
  survey_invited: { permission: 'tickets', section: 'tickets', channels: CHANNELS, defaultChannel: 'email' },
  // The agency's answer to a service or quote request, or its status moved on.
  request_answered: { permission: 'requests', section: 'requests', channels: CHANNELS, defaultChannel: 'email' },
  // The agency wrote in a request's thread: the client asked or is asked something about it.
  request_reply: { permission: 'requests', section: 'requests', channels: CHANNELS, defaultChannel: 'email' },
  // The agency's answer on an appointment: the person who booked it gets an email of its own with
  // the calendar invitation (appointments/invitations.ts), so this one stays in the portal.
  appointment_answered: { permission: 'appointments', section: 'appointments', channels: ['portal'], defaultChannel: 'portal' },
  // A new version of work waits for the client's decision: the agency's work waits on it.
  approval_requested: { permission: 'approvals', section: 'approvals', channels: CHANNELS, defaultChannel: 'email' },
  // The agency confirmed an order (a draft a client asked for with "order again"): it will be made and sent.
  order_confirmed: { permission: 'orders', section: 'orders', channels: CHANNELS, defaultChannel: 'email' },
  // A shipment of the client's order left: someone is to receive it.
  order_shipped: { permission: 'orders', section: 'orders', channels: CHANNELS, defaultChannel: 'email' },
  // A contract line's hours this period reached 80 % (or all) of its allowance: more work costs extra.
  allowance_nearly_used: { permission: 'contracts', section: 'contracts', channels: CHANNELS, defaultChannel: 'email' },
  // The agency's answer to an ask for more hours: who asked gets an email of its own with the answer
  // in words (contracts/emails.ts), so this one, for everyone who sees contracts, stays in the portal.
  hours_answered: { permission: 'contracts', section: 'contracts', channels: ['portal'], defaultChannel: 'portal' },
};

/** The kinds a person's settings (the workspace's, narrowed by their access) let them see. */
export function visibleKinds(settings: PortalSettings): NotificationKind[] {
  return NOTIFICATION_KINDS.filter((kind) => canSeeSection(settings, KIND_RULES[kind].section));
}

/** The person's channel for a kind: their choice where it is one the kind offers, else its default. */
export function channelFor(kind: NotificationKind, chosen: Record<string, unknown> | null | undefined): Channel {
  const value = chosen?.[kind];
  const rule = KIND_RULES[kind];
  return typeof value === 'string' && (rule.channels as readonly string[]).includes(value) ? (value as Channel) : rule.defaultChannel;
}
