// A workspace's own Stripe keys, sealed at rest and bound to the workspace. The key they are sealed
// under comes from PAYMENT_KEYS_SECRET (else SESSION_SECRET, as before that existed); older
// secrets, and the session secrets, still open them, and keys opened that way are sealed again
// under the current one. Once saved they are never shown again: the admin sees a hint
// (sk_test_…4242), can replace or remove them.
// Keys that are stored but open under no known secret are *unreadable*, not absent: the workspace
// chose its own Stripe account, so its payments must stop (stripe-keys.ts) rather than go to the
// installation's account.
import type { Knex } from 'knex';
import { createSecretBox, paymentKeySecrets, type PortalConfig } from '../../../core/index.ts';
import { findSealedStripeKeys, resealStripeKeys, saveSealedStripeKeys } from './queries.ts';

export interface WorkspaceStripeKeys {
  secretKey: string;
  webhookSecret: string;
}

/** The keys as opened, with what the admin may see of them. */
interface OpenedStripeKeys extends WorkspaceStripeKeys {
  hint: string;
}

/** Saved keys that no secret this instance knows opens (PAYMENT_KEYS_SECRET or SESSION_SECRET changed). */
export interface UnreadableStripeKeys {
  unreadable: true;
  hint: string;
}

/** What the admin may see of a saved key: its kind and mode, and its last four characters. */
function keyHint(secretKey: string): string {
  const prefix = /^(sk|rk)_(test|live)_/.exec(secretKey)?.[0] ?? '';
  return `${prefix}…${secretKey.slice(-4)}`;
}

export function createStripeKeyStore(
  db: Knex,
  config: Pick<PortalConfig, 'sessionSecret' | 'previousSessionSecrets' | 'paymentKeysSecret' | 'previousPaymentKeysSecrets'>,
) {
  const secrets = paymentKeySecrets(config);
  const box = createSecretBox(secrets.seal, secrets.previous, 'workspace stripe keys v1');
  const seal = (workspaceId: string, keys: WorkspaceStripeKeys) => ({
    secretKeySealed: box.seal(keys.secretKey, workspaceId),
    webhookSecretSealed: box.seal(keys.webhookSecret, workspaceId),
    hint: keyHint(keys.secretKey),
  });
  return {
    /** The keys, null when the workspace has none, or unreadable when none of the known secrets opens them. */
    async open(workspaceId: string): Promise<OpenedStripeKeys | UnreadableStripeKeys | null> {
      const sealed = await findSealedStripeKeys(db, workspaceId);
      if (!sealed) return null;
      const secretKey = box.open(sealed.secretKeySealed, workspaceId);
      const webhookSecret = box.open(sealed.webhookSecretSealed, workspaceId);
      if (!secretKey || !webhookSecret) return { unreadable: true, hint: sealed.hint };
      const keys = { secretKey: secretKey.plain, webhookSecret: webhookSecret.plain };
      // Opened under an older secret: sealed again under the current one, so the older one can go.
      if (secretKey.stale || webhookSecret.stale) await resealStripeKeys(db, workspaceId, sealed, seal(workspaceId, keys));
      return { ...keys, hint: sealed.hint };
    },
    save(workspaceId: string, keys: WorkspaceStripeKeys, staffId: string): Promise<void> {
      return saveSealedStripeKeys(db, workspaceId, seal(workspaceId, keys), staffId);
    },
    remove(workspaceId: string, staffId: string): Promise<void> {
      return saveSealedStripeKeys(db, workspaceId, null, staffId);
    },
  };
}

export type StripeKeyStore = ReturnType<typeof createStripeKeyStore>;
