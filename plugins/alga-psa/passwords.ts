// Passwords as Alga PSA keeps them in users.hashed_password (packages/core/src/lib/encryption.ts):
// "salt:hash", the salt 12 random bytes as hex, the hash PBKDF2-SHA512 with 10,000 iterations and
// a 64-byte key, of the password with the deployment's NEXTAUTH_SECRET prepended to the salt
// (PBKDF2 salt = secret + salt hex, as UTF-8). The same hash therefore only verifies with the same
// secret: the portal must be given the Alga deployment's NEXTAUTH_SECRET.
import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const derive = promisify(pbkdf2);
const ITERATIONS = 10_000;
const KEY_BYTES = 64;
const SALT_BYTES = 12;

async function pbkdf2Hex(password: string, secret: string, salt: string): Promise<string> {
  return (await derive(password, secret + salt, ITERATIONS, KEY_BYTES, 'sha512')).toString('hex');
}

export async function hashAlgaPassword(password: string, secret: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES).toString('hex');
  return `${salt}:${await pbkdf2Hex(password, secret, salt)}`;
}

/** True when the password matches; compares in constant time. Malformed hashes never match. */
export async function verifyAlgaPassword(password: string, stored: string | null | undefined, secret: string): Promise<boolean> {
  const [salt, expected, extra] = (stored ?? '').split(':');
  // A missing hash still costs one derivation, so the answer's timing does not tell it apart.
  const usable = Boolean(password) && Boolean(salt) && extra === undefined && /^[0-9a-f]{128}$/i.test(expected ?? '');
  const actual = await pbkdf2Hex(password ?? '', secret, usable ? salt! : 'decoy-salt');
  if (!usable) return false;
  return timingSafeEqual(Buffer.from(actual, 'hex'), Buffer.from(expected!.toLowerCase(), 'hex'));
}

/** A derivation with nothing to compare: an unknown login costs what a wrong password costs. */
export async function decoyVerify(password: string, secret: string): Promise<false> {
  await pbkdf2Hex(password ?? '', secret, '000000000000000000000000');
  return false;
}
