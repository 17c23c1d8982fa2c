// Who a push address belongs to. A browser profile has one push subscription per service worker
// (the portal's, per workspace): PushManager.subscribe() hands back the same endpoint and the same
// keys (p256dh, auth) for as long as that subscription lives, whoever is signed in. So the rule:
// - an address no one in the workspace holds: it is the person's;
// - the same person again: their row is refreshed (keys, label, the session that sent it);
// - another person, with that subscription's own keys: it is the same browser, now used by someone
//   else (a colleague, or someone of another company on a shared computer). The previous person's
//   row is removed and the new person's made, in one transaction, and the caller logs it: the
//   previous person's messages must not keep going to a browser another person now uses, and the
//   new person must be able to turn push on there;
// - another person, with other keys: not what a browser sends; whoever sends it knows the address
//   but not the secret that goes with it. Refused (409), nothing changes, so no one's device is
//   re-pointed at another person's (or company's) messages by posting its address.
// Rows are per workspace: a browser's subscription for one workspace's portal is another endpoint
// than for another's (another service worker scope), so a workspace never reads another's rows.
import { timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import {
  deleteSubscriptionById,
  findSubscriptionByEndpoint,
  insertSubscription,
  type NewSubscription,
  refreshSubscription,
} from './queries.ts';

export type SubscribeOutcome =
  | { saved: 'new' | 'refreshed' }
  | { saved: 'moved'; previousClientUserId: string }
  | { refused: 'heldByAnother' };

export function placeSubscription(db: Knex, row: NewSubscription): Promise<SubscribeOutcome> {
  return db.transaction(async (trx): Promise<SubscribeOutcome> => {
    const held = await findSubscriptionByEndpoint(trx, row.workspaceId, row.endpointHash);
    // A second request for a new address at the same moment finds it taken: the first one's, refused.
    if (!held) return (await insertSubscription(trx, row)) ? { saved: 'new' } : { refused: 'heldByAnother' };
    if (held.client_user_id === row.clientUserId) {
      await refreshSubscription(trx, row);
      return { saved: 'refreshed' };
    }
    if (!(same(held.p256dh, row.p256dh) && same(held.auth, row.auth))) return { refused: 'heldByAnother' };
    await deleteSubscriptionById(trx, row.workspaceId, held.id);
    await insertSubscription(trx, row);
    return { saved: 'moved', previousClientUserId: held.client_user_id };
  });
}

/** The auth secret is a secret: compared in constant time. */
function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
