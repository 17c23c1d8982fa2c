// Sends one message to every device a person turned push on in. The message is encrypted for each
// device (aes128gcm, RFC 8291) and signed with the workspace's VAPID key by web-push; the request
// goes out through fetch with a time limit, so a slow push service holds no one up for long. A
// device the push service says is gone (404, 410) is removed; any other refusal is logged and the
// subscription kept, to be tried with the next message.
import type { Knex } from 'knex';
import webpush from 'web-push';
import type { PortalLogger } from '../../core/index.ts';
import { deleteSubscriptionById, markDelivered, personSubscriptions } from './queries.ts';
import type { VapidKeyring } from './vapid.ts';

const SEND_TIMEOUT_MS = 10_000;
/** How long a push service keeps a message for a device that is offline: a day, then it is stale news. */
const TIME_TO_LIVE_S = 24 * 3600;

/** What a device shows: the title, the sentence, and where a tap leads. */
export interface PushMessage {
  title: string;
  body: string;
  url: string;
  /** Messages of one tag replace each other on the device instead of piling up. */
  tag: string;
}

export interface PushSender {
  /** Resolves with how many devices took the message. */
  send(workspaceId: string, clientUserId: string, message: PushMessage): Promise<number>;
}

export function createPushSender(deps: { db: Knex; keys: VapidKeyring; now: () => Date; logger: PortalLogger }): PushSender {
  return {
    async send(workspaceId, clientUserId, message) {
      const devices = await personSubscriptions(deps.db, workspaceId, clientUserId);
      if (devices.length === 0) return 0;
      const vapid = await deps.keys.forWorkspace(workspaceId);
      const payload = JSON.stringify(message);
      let delivered = 0;
      for (const device of devices) {
        const request = webpush.generateRequestDetails(
          { endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } },
          payload,
          {
            vapidDetails: vapid,
            TTL: TIME_TO_LIVE_S,
            urgency: 'normal',
          },
        );
        try {
          const answer = await fetch(request.endpoint, {
            method: request.method,
            headers: request.headers as Record<string, string>,
            body: request.body ? new Uint8Array(request.body) : null,
            redirect: 'error',
            signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
          });
          await answer.arrayBuffer().catch(() => undefined);
          if (answer.ok) {
            delivered += 1;
            await markDelivered(deps.db, workspaceId, device.id, deps.now());
          } else if (answer.status === 404 || answer.status === 410) {
            await deleteSubscriptionById(deps.db, workspaceId, device.id);
          } else {
            deps.logger.info(`a push service refused a message (${answer.status}); the subscription is kept`);
          }
        } catch (err) {
          deps.logger.error('a push message could not be sent', err);
        }
      }
      return delivered;
    },
  };
}
