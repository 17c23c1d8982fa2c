// Public link tokens: 256 random bits, base64url in the URL, SHA-256 in the database. A lookup
// hashes what it is given, so a database read leaks no usable link.
import { createHash, randomBytes } from 'node:crypto';

export const newPublicToken = (): string => randomBytes(32).toString('base64url');

/** 43 base64url characters: the only shape a token has; anything else is not looked up. */
export const isTokenShaped = (value: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(value);

export const hashPublicToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
