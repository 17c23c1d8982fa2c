// The application server's identity towards the push services (VAPID): the key pair browsers
// subscribe with and the push services check each message against. The environment's pair, when
// set, serves every workspace; otherwise each workspace gets its own pair the first time it needs
// one, kept in portal_push_keys with the private key sealed (bound to the workspace), so a restart
// or another instance signs with the same key and the devices' subscriptions stay valid.
import type { Knex } from 'knex';
import webpush from 'web-push';
import { createSecretBox, type PortalConfig } from '../../core/index.ts';
import { findPushKeys, keepPushKeys, replacePushKeys, resealPushKey } from './queries.ts';

interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

export interface VapidKeyring {
  forWorkspace(workspaceId: string): Promise<VapidKeys>;
}

export function createVapidKeyring(deps: {
  db: Knex;
  config: Pick<PortalConfig, 'webPush' | 'appUrl' | 'sessionSecret' | 'previousSessionSecrets'>;
}): VapidKeyring {
  const { webPush } = deps.config;
  // The push services may write to the subject about this sender; an https: address of the portal
  // is the fallback (Apple refuses a localhost one, which only development uses).
  const subject = webPush.subject ?? (deps.config.appUrl.startsWith('https://') ? deps.config.appUrl : 'mailto:webpush@example.invalid');
  const box = createSecretBox(deps.config.sessionSecret, deps.config.previousSessionSecrets, 'workspace push key v1');
  const cache = new Map<string, Promise<VapidKeys>>();

  async function load(workspaceId: string): Promise<VapidKeys> {
    const made = () => {
      const pair = webpush.generateVAPIDKeys();
      return { public_key: pair.publicKey, private_key_sealed: box.seal(pair.privateKey, workspaceId) };
    };
    const row = (await findPushKeys(deps.db, workspaceId)) ?? (await keepPushKeys(deps.db, workspaceId, made()));
    const opened = box.open(row.private_key_sealed, workspaceId);
    if (opened?.stale) await resealPushKey(deps.db, workspaceId, box.seal(opened.plain, workspaceId));
    if (opened) return { publicKey: row.public_key, privateKey: opened.plain, subject };
    // Sealed under a session secret no longer given: the pair is lost. A new one takes its place and
    // the devices subscribed with the old one are removed; people turn push on again.
    const fresh = made();
    await deps.db.transaction((trx) => replacePushKeys(trx, workspaceId, fresh));
    return { publicKey: fresh.public_key, privateKey: box.open(fresh.private_key_sealed, workspaceId)!.plain, subject };
  }

  return {
    forWorkspace(workspaceId) {
      if (webPush.publicKey && webPush.privateKey)
        return Promise.resolve({ publicKey: webPush.publicKey, privateKey: webPush.privateKey, subject });
      let keys = cache.get(workspaceId);
      if (!keys) {
        keys = load(workspaceId);
        // A failure is not kept: the next request tries again.
        keys.catch(() => cache.delete(workspaceId));
        cache.set(workspaceId, keys);
      }
      return keys;
    },
  };
}
