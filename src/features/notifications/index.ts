// Staff notifications: what clients did, as a list with unread counts for each staff user and as
// emails (at once or in a digest), mounted by the host at config.notificationsPath.
import { notificationsManifest } from './manifest.ts';
import type { Router } from 'express';
import type { CoreServices, Feature } from '../../core/index.ts';
import { notificationsRouter } from './router.ts';
import { createNotifications, type Notifications } from './service.ts';

export type { Notifications } from './service.ts';

const DISPATCH_INTERVAL_MS = 30_000;

/** The feature, its service (the host's header counts it), and its router. */
export function notificationsFeature(core: CoreServices): Feature & { notifications: Notifications; router: Router } {
  const { db, adapter, staffAdapter, staffPagesShown, flags, config, mailer, now, logger, workspaces } = core;
  const notifications = createNotifications({
    db,
    adapter,
    mailer,
    now,
    logger,
    listUrl: `${config.appUrl}${config.notificationsPath}`,
    adminUrl: `${config.appUrl}${config.adminPath}`,
  });
  return {
    name: notificationsManifest.name,
    needs: { ports: [] },
    notifications,
    router: notificationsRouter({ db, workspaces, adapter: staffAdapter, staffPagesShown, flags, config, notifications }),
    // The interval catches what no kick() announced (another instance's events, a restart).
    jobs: [
      {
        name: 'staff notifications',
        everyMs: DISPATCH_INTERVAL_MS,
        run: () => void notifications.runOnce(),
        idle: () => notifications.idle(),
      },
    ],
  };
}
