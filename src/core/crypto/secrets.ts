// How secrets are made and kept. Passwords: argon2id. Link tokens: 256 random bits, stored as
// SHA-256 (they are unguessable, so a fast hash is enough). One-time codes: only a million
// possibilities, so they are stored as an HMAC keyed with the server secret; a stolen table alone
// cannot be brute-forced offline.
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

// algorithm 2 is Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax).
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string) => argonHash(password, ARGON2_OPTIONS);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await argonVerify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash never signs anyone in
  }
}

// Verifying against this when no account matches keeps the answer time the same for known and
// unknown emails.
let decoyHash: Promise<string> | undefined;
export async function verifyDecoy(password: string): Promise<false> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await decoyHash, password);
  return false;
}

export const generateCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

export function hashCode(secret: string, clientUserId: string, code: string): string {
  return createHmac('sha256', secret).update(`${clientUserId}:${code}`).digest('hex');
}

/**
 * Whether a stored code hash was made from this code under one of the secrets: the current session
 * secret first, then those a rotation retired (a code sent just before it still counts).
 */
export function codeHashMatches(secrets: readonly string[], clientUserId: string, code: string, storedHash: string): boolean {
  return secrets.some((secret) => sameHash(hashCode(secret, clientUserId, code), storedHash));
}

export const generateToken = () => randomBytes(32).toString('base64url');

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
