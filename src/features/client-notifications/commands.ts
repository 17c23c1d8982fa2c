// What the notification pages accept.
import { z } from 'zod';
import { CHANNELS, NOTIFICATION_KINDS } from './kinds.ts';

export const NotificationIdParam = z.string().regex(/^[1-9][0-9]{0,17}$/);

export const NotificationsQuery = z.object({
  // Keyset paging: notifications older than this id. Anything else reads as the first page.
  before: z
    .unknown()
    .optional()
    .transform((value) => (typeof value === 'string' && /^[1-9][0-9]{0,17}$/.test(value) ? value : null)),
  notice: z
    .unknown()
    .optional()
    .transform((value) => (value === 'allRead' ? value : undefined)),
});
export type NotificationsQueryInput = z.infer<typeof NotificationsQuery>;

export const ReadAllCommand = z.object({});

const channel = z.enum(CHANNELS, { error: 'Choose how to be told from the list.' });

export const ChannelsCommand = z.object(
  Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, channel.optional()])) as Record<
    (typeof NOTIFICATION_KINDS)[number],
    z.ZodOptional<typeof channel>
  >,
);
export type ChannelsInput = z.infer<typeof ChannelsCommand>;

export const ChannelsQuery = z.object({
  notice: z
    .unknown()
    .optional()
    .transform((value) => (value === 'saved' ? value : undefined)),
});
export type ChannelsQueryInput = z.infer<typeof ChannelsQuery>;
