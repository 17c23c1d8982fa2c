// Public link tokens: 256 bits, base64url in the URL, SHA-256 in the database. The token is the
// HMAC-SHA256 of a random per-link salt under the portal's secret: a database read alone (salt and
// hash) yields no usable link, while staff can still copy a live link again later.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const newTokenSalt = (): string => randomBytes(32).toString('hex');

export const tokenFor = (secret: string, salt: string): string =>
  createHmac('sha256', secret).update(`public-link:${salt}`).digest('base64url');

/** 43 base64url characters: the only shape a token has; anything else is not looked up. */
export const isTokenShaped = (value: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(value);

export const hashPublicToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
