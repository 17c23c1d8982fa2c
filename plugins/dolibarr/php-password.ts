// Dolibarr's staff passwords (llx_user.pass_crypted) as PHP's password_hash(PASSWORD_DEFAULT)
// writes them: bcrypt with PHP's `$2y$` prefix, which is the same algorithm as `$2b$`. Other
// formats (MD5 from very old installs, cleartext with MAIN_SECURITY_HASH_ALGO unset long ago) are
// refused rather than verified: they would need Dolibarr's own upgrade on next sign-in.
import bcrypt from 'bcryptjs';

const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
const MAX_PASSWORD = 200;

// An unknown login is checked against this hash so it takes as long as a wrong password (cost 10,
// PHP's default); computed once, on first use.
let decoy: Promise<string> | undefined;
const decoyHash = () => (decoy ??= bcrypt.hash('no account has this password', 10));

/** Whether `password` matches a PHP bcrypt hash; false for anything else. */
export async function verifyPhpPassword(password: string, hash: string | null): Promise<boolean> {
  if (password.length === 0 || password.length > MAX_PASSWORD) return false;
  if (hash === null || !BCRYPT.test(hash)) {
    await bcrypt.compare(password, await decoyHash());
    return false;
  }
  return bcrypt.compare(password, hash.replace(/^\$2y\$/, '$2b$'));
}

/** Spends a verification's time for a login that matched no account. */
export async function decoyVerify(password: string): Promise<false> {
  await bcrypt.compare(password.slice(0, MAX_PASSWORD), await decoyHash());
  return false;
}
