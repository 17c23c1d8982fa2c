// What a new password must be, as NIST SP 800-63B asks: long enough, and not one of the passwords
// attackers try first. No composition rules (they make passwords harder to remember, not to guess).
// The list is zxcvbn's common passwords (about 49,000, from leaked password sets), read once here.
import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

// The list is all lower case; "Password123" is as guessable as "password123".
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common']);

/** True for a password found in the bundled list of common passwords, whatever its letter case. */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}
