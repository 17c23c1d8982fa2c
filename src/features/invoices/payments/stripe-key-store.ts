// A workspace's own Stripe keys, sealed at rest under a key derived from SESSION_SECRET (older
// secrets still open them during a rotation) and bound to the workspace. Once saved they are
// never shown again: the admin sees a hint (sk_test_…4242), can replace or remove them.
import type { Knex } from 'knex';
import { createSecretBox } from '../../../core/index.ts';
import { findSealedStripeKeys, saveSealedStripeKeys } from './queries.ts';

export interface WorkspaceStripeKeys {
  secretKey: string;
  webhookSecret: string;
}

/** The keys as opened, with what the admin may see of them. */
interface OpenedStripeKeys extends WorkspaceStripeKeys {
  hint: string;
}

/** What the admin may see of a saved key: its kind and mode, and its last four characters. */
function keyHint(secretKey: string): string {
  const prefix = /^(sk|rk)_(test|live)_/.exec(secretKey)?.[0] ?? '';
  return `${prefix}…${secretKey.slice(-4)}`;
}

export function createStripeKeyStore(db: Knex, secrets: { sessionSecret: string; previousSessionSecrets: readonly string[] }) {
  const box = createSecretBox(secrets.sessionSecret, secrets.previousSessionSecrets, 'workspace stripe keys v1');
  return {
    /** The keys, or null when the workspace has none (or they were sealed under a secret no longer known). */
    async open(workspaceId: string): Promise<OpenedStripeKeys | null> {
      const sealed = await findSealedStripeKeys(db, workspaceId);
      if (!sealed) return null;
      const secretKey = box.open(sealed.secretKeySealed, workspaceId);
      const webhookSecret = box.open(sealed.webhookSecretSealed, workspaceId);
      if (!secretKey || !webhookSecret) return null;
      return { secretKey: secretKey.plain, webhookSecret: webhookSecret.plain, hint: sealed.hint };
    },
    save(workspaceId: string, keys: WorkspaceStripeKeys, staffId: string): Promise<void> {
      return saveSealedStripeKeys(
        db,
        workspaceId,
        {
          secretKeySealed: box.seal(keys.secretKey, workspaceId),
          webhookSecretSealed: box.seal(keys.webhookSecret, workspaceId),
          hint: keyHint(keys.secretKey),
        },
        staffId,
      );
    },
    remove(workspaceId: string, staffId: string): Promise<void> {
      return saveSealedStripeKeys(db, workspaceId, null, staffId);
    },
  };
}

export type StripeKeyStore = ReturnType<typeof createStripeKeyStore>;
