// Dolibarr's staff passwords (llx_user.pass_crypted) as PHP's password_hash(PASSWORD_DEFAULT)
// writes them: bcrypt with PHP's `$2y$` prefix, which is the same algorithm as `$2b$`. Other
// formats (MD5 from very old installs, cleartext with MAIN_SECURITY_HASH_ALGO unset long ago) are
// refused rather than verified: they would need Dolibarr's own upgrade on next sign-in.
import bcrypt from 'bcryptjs';

const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
const MAX_PASSWORD = 200;
/** PHP's password_hash default cost, for a Dolibarr whose hashes say nothing (none stored yet). */
const PHP_DEFAULT_COST = 10;

// One decoy hash per cost, computed on first use: an unknown login is checked against the decoy of
// the cost the host's own hashes have, so it takes as long as a wrong password for a real one.
const decoys = new Map<number, Promise<string>>();
function decoyHash(cost: number): Promise<string> {
  let hash = decoys.get(cost);
  if (!hash) {
    hash = bcrypt.hash('no account has this password', cost);
    decoys.set(cost, hash);
  }
  return hash;
}

/** The cost a bcrypt hash was made with, or null for another format. */
function bcryptCost(hash: string | null): number | null {
  const match = hash === null ? null : BCRYPT.exec(hash);
  return match ? Number(match[1]) : null;
}

/**
 * Password checks against a Dolibarr's stored hashes. `readCost` reads the cost those hashes have
 * (once: a Dolibarr raises it only with a new PHP default or its own setting, and the first
 * sign-in after a restart reads it again); until then, or if reading fails, PHP's default.
 */
export function phpPasswordChecker(readCost: () => Promise<number | null>) {
  let cost: Promise<number> | undefined;
  const decoyCost = (): Promise<number> =>
    (cost ??= readCost().then(
      (read) => (read !== null && read >= 4 && read <= 31 ? read : PHP_DEFAULT_COST),
      () => {
        cost = undefined; // read again next time
        return PHP_DEFAULT_COST;
      },
    ));
  const spend = async (password: string) => {
    await bcrypt.compare(password.slice(0, MAX_PASSWORD), await decoyHash(await decoyCost()));
    return false as const;
  };
  return {
    decoyCost,
    /** The decoy hash an unknown login is checked against. */
    decoyHash: async () => decoyHash(await decoyCost()),
    /** Whether `password` matches a PHP bcrypt hash; false for anything else, after as long. */
    async verify(password: string, hash: string | null): Promise<boolean> {
      if (password.length === 0 || password.length > MAX_PASSWORD) return false;
      if (bcryptCost(hash) === null) return spend(password);
      return bcrypt.compare(password, hash!.replace(/^\$2y\$/, '$2b$'));
    },
    /** Spends a verification's time for a login that matched no account. */
    decoy: spend,
  };
}
