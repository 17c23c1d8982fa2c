// The files of notifications beside its code: the staff's notifications.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as unreadNotificationsIndex from './migrations/20261206000001_unread_notifications_index.ts';
import * as notificationGroupsAndReads from './migrations/20261215000001_notification_groups_and_reads.ts';

export const notificationsManifest: FeatureManifest = {
  name: 'notifications',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20261206000001_unread_notifications_index': unreadNotificationsIndex,
    '20261215000001_notification_groups_and_reads': notificationGroupsAndReads,
  },
};
