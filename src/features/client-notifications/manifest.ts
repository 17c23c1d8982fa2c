// The files of client-notifications beside its code (the client's notifications and the channels each person chose).
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as clientNotifications from './migrations/20261229000001_client_notifications.ts';
import * as pushChannel from './migrations/20270203000002_push_channel.ts';
import * as hostNewsOccurrences from './migrations/20270301000001_host_news_occurrences.ts';
import * as notificationDetails from './migrations/20270613000001_notification_details.ts';

export const clientNotificationsManifest: FeatureManifest = {
  name: 'client notifications',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20261229000001_client_notifications': clientNotifications,
    '20270203000002_push_channel': pushChannel,
    '20270301000001_host_news_occurrences': hostNewsOccurrences,
    '20270613000001_notification_details': notificationDetails,
  },
  hostPorts: [{ member: 'news', port: 'HostNewsPort', methods: ['since'] }],
};
