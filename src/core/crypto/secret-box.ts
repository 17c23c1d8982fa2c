// Keeps secrets the portal must read back unreadable in the database (TOTP secrets, a workspace's
// Stripe keys, an identity provider's client secret). Unlike codes and tokens, which are only ever compared, these cannot be hashed: they
// are encrypted with AES-256-GCM under a key derived (HKDF-SHA-256, one label per purpose) from the
// portal's SESSION_SECRET (a workspace's Stripe keys: PAYMENT_KEYS_SECRET when set, see
// paymentKeySecrets in config.ts). A database reader without that secret cannot read them. The row's id
// (a client user, a workspace) is the authenticated data, so a ciphertext copied onto another row
// does not decrypt.
// When SESSION_SECRET is rotated, the older secrets (SESSION_SECRET_PREVIOUS) still open what was
// sealed under them, and say so, so the caller can seal it again under the current key.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

interface Opened {
  plain: string;
  /** Sealed under a previous secret: seal it again under the current one. */
  stale: boolean;
}

export interface SecretBox {
  seal(plain: string, boundTo: string): string;
  /** The plain text, or null when the ciphertext is damaged, moved, or sealed under a key not known. */
  open(sealed: string, boundTo: string): Opened | null;
}

/** What a box keeps: each purpose has its own key, so one kind of ciphertext never opens as another. */
export type SecretPurpose =
  | 'client two-factor secret v1'
  | 'workspace stripe keys v1'
  | 'workspace push key v1'
  | 'sso client secret v1'
  | 'sso saml key v1'
  | 'scim token reveal v1';

const keyOf = (secret: string, purpose: SecretPurpose) => Buffer.from(hkdfSync('sha256', secret, 'customer-portal', purpose, 32));

function openWith(key: Buffer, sealed: string, boundTo: string): string | null {
  if (!sealed.startsWith(`${VERSION}:`)) return null;
  const raw = Buffer.from(sealed.slice(VERSION.length + 1), 'base64url');
  if (raw.length < 29) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(boundTo));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** Seals under the current secret; opens under it first, then under each previous one in turn. */
export function createSecretBox(
  sessionSecret: string,
  previousSecrets: readonly string[] = [],
  purpose: SecretPurpose = 'client two-factor secret v1',
): SecretBox {
  const key = keyOf(sessionSecret, purpose);
  const previousKeys = previousSecrets.map((secret) => keyOf(secret, purpose));
  return {
    seal(plain, boundTo) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(boundTo));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open(sealed, boundTo) {
      const plain = openWith(key, sealed, boundTo);
      if (plain !== null) return { plain, stale: false };
      for (const previous of previousKeys) {
        const older = openWith(previous, sealed, boundTo);
        if (older !== null) return { plain: older, stale: true };
      }
      return null;
    },
  };
}
