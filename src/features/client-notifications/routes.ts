// The client's notifications and their choice of how to be told: every signed-in person has them
// (what they list is what the person may see).
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../core/index.ts';
import { ChannelsCommand, ChannelsQuery, NotificationsQuery, ReadAllCommand } from './commands.ts';
import type { ClientNotificationHandlers } from './handlers.ts';

export function clientNotificationRoutes(h: ClientNotificationHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/notifications', allow.signedIn, validateQuery(NotificationsQuery), h.list);
  router.post('/notifications/read-all', allow.self, validateBody(ReadAllCommand), h.readAll);
  router.get('/notifications/:notificationId', allow.signedIn, h.open);
  router.get('/account/notifications', allow.signedIn, validateQuery(ChannelsQuery), h.showChannels);
  router.post('/account/notifications', allow.self, validateBody(ChannelsCommand), h.saveChannels);
  return router;
}
