// Notifications for clients: a list in the portal with an unread count in the navigation, and, as
// each person chooses per kind, an email at once or a daily one, in their language. Beside a host
// with a news port, what it issued and sent and how it answered tickets is read every few minutes
// (host-news.ts).
import { clientNotificationsManifest } from './manifest.ts';
import { type CoreServices, type Feature, HOST_NEWS_INTERVAL_MS, type ParsedHostChange } from '../../core/index.ts';
import { createClientNotificationHandlers } from './handlers.ts';
import { createHostNewsReader } from './host-news.ts';
import { clientNotificationRoutes } from './routes.ts';
import { type ClientNotifications, createClientNotifications } from './service.ts';
import { clientNotificationsPersonalData } from './personal-data.ts';
import type { AppPush } from '../app-push/index.ts';

export type { ClientEvent } from './events.ts';
export type { ClientNotifications } from './service.ts';
export { clientEventOf } from './host-events.ts';

const DIGEST_CHECK_MS = 15 * 60_000;
const PUSHES_LEFT_EVERY_MS = 60_000;

export function clientNotificationsFeature(
  core: CoreServices,
  shared: {
    push: AppPush;
    appointmentAnswered?: (change: ParsedHostChange) => Promise<unknown>;
    /** A ticket the host's news says changed: the tickets feature invites to its survey where the agency resolved it. */
    ticketChanged?: (workspaceId: string, clientId: string, ticketId: string) => Promise<number>;
  },
): Feature & { service: ClientNotifications; hostNews(): Promise<number> } {
  const { db, mailer, flags, workspaces, links, now, logger, adapter, events } = core;
  const service = createClientNotifications({
    db,
    mailer,
    flags,
    workspaces,
    links,
    now,
    logger,
    push: shared.push,
    ...(adapter.clientPermissions ? { hostPermissions: adapter.clientPermissions } : {}),
    ...(adapter.tickets ? { tickets: adapter.tickets } : {}),
    ports: {
      ...(adapter.appointments ? { appointments: adapter.appointments } : {}),
      ...(adapter.requests ? { requests: adapter.requests } : {}),
    },
  });
  const reader = adapter.news
    ? createHostNewsReader({
        db,
        news: adapter.news,
        events,
        notify: service.notify,
        ...(shared.ticketChanged ? { ticketChanged: shared.ticketChanged } : {}),
        now,
        logger,
        ...(shared.appointmentAnswered ? { appointmentAnswered: shared.appointmentAnswered } : {}),
      })
    : null;
  let reading: Promise<number> | null = null;
  /** A pass over the host's news (one at a time on this instance); 0 for a host without a news port. */
  const hostNews = (): Promise<number> => {
    if (!reader) return Promise.resolve(0);
    reading ??= reader.run().finally(() => {
      reading = null;
    });
    return reading;
  };
  return {
    name: clientNotificationsManifest.name,
    needs: { ports: [] },
    personalData: clientNotificationsPersonalData(),
    service,
    hostNews,
    clientRoutes: [clientNotificationRoutes(createClientNotificationHandlers({ db, now, push: shared.push }))],
    jobs: [
      {
        name: 'client notification push messages left waiting',
        everyMs: PUSHES_LEFT_EVERY_MS,
        run: () => void service.pushesLeft().catch((err) => logger.error('client notification push messages failed', err)),
        idle: service.idle,
      },
      {
        name: 'client notification digests',
        everyMs: DIGEST_CHECK_MS,
        run: () => void service.digests().catch((err) => logger.error('client notification digests failed', err)),
        idle: service.idle,
      },
      ...(reader
        ? [
            {
              name: 'host news for client notifications',
              everyMs: HOST_NEWS_INTERVAL_MS,
              // Its first pass fills the host's kept orders (a ticket list beside Dolibarr or Alga PSA
              // reads every ticket of the company until then): at start, not five minutes later.
              atStart: true,
              run: () => void hostNews().catch((err) => logger.error('reading the host’s news failed', err)),
              idle: async () => {
                await reading?.catch(() => undefined);
              },
            },
          ]
        : []),
    ],
  };
}
