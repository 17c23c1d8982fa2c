// The installed portal: the manifest, its icons, the service worker and the offline page for
// anyone (installing starts on the sign-in page); the push subscription of the signed-in person's
// device, sent by the page's script (JSON or a form body, with the CSRF header).
import { Router } from 'express';
import { allow, validateBody } from '../../core/index.ts';
import { SubscribeCommand, UnsubscribeCommand } from './commands.ts';
import type { AppPushHandlers } from './handlers.ts';

export function appPushPublicRoutes(h: AppPushHandlers): Router {
  const router = Router({ mergeParams: true });
  router.get('/manifest.webmanifest', h.manifest);
  router.get('/app-icons/:name.png', h.icon);
  router.get('/sw.js', h.serviceWorker);
  router.get('/offline', h.offline);
  return router;
}

export function appPushClientRoutes(h: AppPushHandlers): Router {
  const router = Router({ mergeParams: true });
  router.post('/push/subscriptions', allow.self, validateBody(SubscribeCommand), h.subscribe);
  router.post('/push/subscriptions/remove', allow.self, validateBody(UnsubscribeCommand), h.unsubscribe);
  return router;
}
