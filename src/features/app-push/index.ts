// The portal installed from the browser, with push: each workspace's web app manifest and icons,
// the service worker that keeps the static shell and an offline page, and Web Push to the devices
// a person turned it on in. What a message says and when it goes is the client notifications'
// choice (a kind sent as push); this feature keeps the devices and delivers.
import type { CoreServices, Feature } from '../../core/index.ts';
import { appPushManifest } from './manifest.ts';
import { createAppPushHandlers } from './handlers.ts';
import { appPushPersonalData } from './personal-data.ts';
import { createPushSender, type PushMessage } from './push-sender.ts';
import { deleteSessionSubscriptions } from './queries.ts';
import { appPushClientRoutes, appPushPublicRoutes } from './routes.ts';
import { createVapidKeyring } from './vapid.ts';

/** What other features use of push: the key a page subscribes with, and sending to a person's devices. */
export interface AppPush {
  /** The workspace's VAPID public key (base64url), made and kept the first time it is asked for. */
  publicKey(workspaceId: string): Promise<string>;
  /** Sends to every device of the person; resolves with how many took it. Removes devices the push service says are gone. */
  send(workspaceId: string, clientUserId: string, message: PushMessage): Promise<number>;
}

export function appPushFeature(core: CoreServices): Feature & { push: AppPush } {
  const { db, config, now, logger, sessionLifecycle } = core;
  const keys = createVapidKeyring({ db, config });
  const sender = createPushSender({ db, keys, now, logger });
  // Signing out of a device stops its push messages: what the next person at that browser would see.
  sessionLifecycle.whenSignedOut(async (ended) => {
    try {
      await deleteSessionSubscriptions(db, ended.workspaceId, ended.clientUserId, ended.sessionHash);
    } catch (err) {
      logger.error('the signed-out device’s push subscription could not be removed', err);
    }
  });
  const handlers = createAppPushHandlers({ db, config, logger });
  return {
    name: appPushManifest.name,
    needs: { ports: [] },
    personalData: appPushPersonalData(db),
    publicRoutes: [appPushPublicRoutes(handlers)],
    clientRoutes: [appPushClientRoutes(handlers)],
    push: {
      publicKey: async (workspaceId) => (await keys.forWorkspace(workspaceId)).publicKey,
      send: sender.send,
    },
  };
}
