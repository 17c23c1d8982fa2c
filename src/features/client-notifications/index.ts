// Notifications for clients: a list in the portal with an unread count in the navigation, and, as
// each person chooses per kind, an email at once or a daily one, in their language.
import type { CoreServices, Feature } from '../../core/feature.ts';
import { createClientNotificationHandlers } from './handlers.ts';
import { clientNotificationRoutes } from './routes.ts';
import { type ClientNotifications, createClientNotifications } from './service.ts';

export type { ClientNotifications } from './service.ts';
export { clientEventOf } from './host-events.ts';

const DIGEST_CHECK_MS = 15 * 60_000;

export function clientNotificationsFeature(core: CoreServices): Feature & { service: ClientNotifications } {
  const { db, mailer, flags, workspaces, config, now, logger } = core;
  const service = createClientNotifications({ db, mailer, flags, workspaces, config, now, logger });
  return {
    name: 'client notifications',
    needs: { ports: [], switches: [] },
    service,
    clientRoutes: [clientNotificationRoutes(createClientNotificationHandlers({ db, now }))],
    jobs: [
      {
        name: 'client notification digests',
        everyMs: DIGEST_CHECK_MS,
        run: () => void service.digests().catch((err) => logger.error('client notification digests failed', err)),
        idle: service.idle,
      },
    ],
  };
}
