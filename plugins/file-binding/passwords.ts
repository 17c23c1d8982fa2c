// Passwords in the formats hosts keep them: bcrypt ($2a$/$2b$/$2y$), PHP's password_hash (bcrypt
// with $2y$, which Laravel and Dolibarr write, or argon2), argon2id, and for staff only unsalted
// md5, verified and never written. A hash in another format never verifies; an unknown login
// spends as long as a wrong password (a decoy of the same format).
import { createHash, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import type { PasswordFormatName } from './format.ts';

const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
const ARGON2 = /^\$argon2(id|i|d)\$/;
const MAX_PASSWORD = 200;
const BCRYPT_COST = 10;

export interface PasswordFormat {
  verify(password: string, stored: string | null): Promise<boolean>;
  hash(password: string): Promise<string>;
  /** Spends a verification's time for a login that matched no one. */
  decoy(password: string): Promise<false>;
}

async function verifyAny(password: string, stored: string): Promise<boolean> {
  if (BCRYPT.test(stored)) return bcrypt.compare(password, stored.replace(/^\$2y\$/, '$2b$'));
  if (ARGON2.test(stored)) return argon2Verify(stored, password).catch(() => false);
  return false;
}

const MD5 = /^[0-9a-f]{32}$/i;

/**
 * md5 of the password's UTF-8 bytes as hex, as PHP's md5($password) stores it. Verify-only: a
 * host's staff keep their password in the host, and the portal never writes an unsalted hash (the
 * format refuses md5 for contacts, whose passwords the portal sets). Compared in constant time.
 */
function md5Format(): PasswordFormat {
  const digest = (password: string) => createHash('md5').update(password, 'utf8').digest();
  const decoyDigest = digest('no account has this password');
  const decoy = async (password: string): Promise<false> => {
    timingSafeEqual(digest(password.slice(0, MAX_PASSWORD)), decoyDigest);
    return false;
  };
  return {
    decoy,
    hash() {
      return Promise.reject(new Error('md5 is verified only: the portal never writes an unsalted hash'));
    },
    async verify(password, stored) {
      if (password.length === 0 || password.length > MAX_PASSWORD) return false;
      if (!stored || !MD5.test(stored)) return decoy(password);
      return timingSafeEqual(digest(password), Buffer.from(stored, 'hex'));
    },
  };
}

export function passwordFormat(format: PasswordFormatName): PasswordFormat {
  if (format === 'md5') return md5Format();
  const accepts = (stored: string) =>
    format === 'argon2id' ? ARGON2.test(stored) : format === 'bcrypt' ? BCRYPT.test(stored) : BCRYPT.test(stored) || ARGON2.test(stored);
  let decoyHash: Promise<string> | undefined;
  const hash = async (password: string): Promise<string> => {
    if (format === 'argon2id') return argon2Hash(password);
    const hashed = await bcrypt.hash(password, BCRYPT_COST);
    // PHP's password_verify reads $2y$; the algorithm is the same.
    return format === 'php' ? hashed.replace(/^\$2[ab]\$/, '$2y$') : hashed;
  };
  const decoy = async (password: string): Promise<false> => {
    decoyHash ??= hash('no account has this password');
    await verifyAny(password.slice(0, MAX_PASSWORD), await decoyHash);
    return false;
  };
  return {
    hash,
    decoy,
    async verify(password, stored) {
      if (password.length === 0 || password.length > MAX_PASSWORD) return false;
      if (!stored || !accepts(stored)) return decoy(password);
      return verifyAny(password, stored);
    },
  };
}
