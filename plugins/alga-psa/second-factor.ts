// Alga PSA's second factor: a user with users.two_factor_enabled signs in to Alga with a TOTP code
// from an authenticator app as well as the password. Alga keeps the secret in
// users.two_factor_secret as plain base32 and checks a code with speakeasy's defaults
// (packages/auth/src/lib/authenticator/authenticator.ts): SHA-1, six digits, 30-second steps, the
// current step only. The portal checks it the same way, never more leniently.
import { Secret, TOTP } from 'otpauth';

export interface SecondFactorRow {
  two_factor_enabled: boolean | null;
  two_factor_secret: string | null;
}

/** Whether Alga asks this user for a second factor at sign-in. */
export const asksSecondFactor = (row: SecondFactorRow): boolean => Boolean(row.two_factor_enabled);

/**
 * True when the code is the user's current TOTP code. A user with two-factor on but no usable
 * secret cannot sign in (Alga refuses them too); a user with it off needs no code.
 */
export function secondFactorPasses(row: SecondFactorRow, code: string | undefined, now: Date = new Date()): boolean {
  if (!asksSecondFactor(row)) return true;
  const token = (code ?? '').replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token) || !row.two_factor_secret?.trim()) return false;
  try {
    const totp = new TOTP({ secret: Secret.fromBase32(row.two_factor_secret.trim()), algorithm: 'SHA1', digits: 6, period: 30 });
    return totp.validate({ token, timestamp: now.getTime(), window: 0 }) === 0;
  } catch {
    // A secret that is not base32 verifies nothing.
    return false;
  }
}
