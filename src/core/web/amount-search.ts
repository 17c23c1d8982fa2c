// A list's search read as an amount of money, in the reader's way of writing numbers: "3,170" is
// three thousand one hundred and seventy in English, "3.170" in German and "3 170" in French; "3170"
// in all three. Written
// without cents, it means any amount of that whole number (3,170.00 to 3,170.99); with cents,
// exactly that. A currency sign or code beside it is allowed. Anything else is no amount: the
// search is then text alone.
import type { Locale } from '../i18n/translations.ts';

/** A range of money in cents, both ends included: a list's search read as an amount (amountSearchOf). */
export interface AmountRange {
  fromCents: number;
  toCents: number;
}

const SEPARATORS: Record<Locale, { group: string; decimal: string }> = {
  en: { group: ',', decimal: '.' },
  de: { group: '.', decimal: ',' },
  // French groups with a (narrow no-break) space, which the search drops before reading the number.
  fr: { group: ' ', decimal: ',' },
};

/** Larger than any invoice: past it a number is an id or a phone number, not an amount. */
const MAX_CENTS = 10_000_000_000 * 100;

const literal = (char: string) => char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function amountSearchOf(q: string | undefined, locale: Locale): AmountRange | null {
  if (!q) return null;
  const bare = q
    .trim()
    .replace(/^(?:[€$£]|eur|usd|gbp|chf)\s*/i, '')
    .replace(/\s*(?:[€$£]|eur|usd|gbp|chf)$/i, '')
    .replace(/[\s\u00a0\u202f]/g, '');
  const { group, decimal } = SEPARATORS[locale];
  const pattern = new RegExp(`^(\\d{1,3}(?:${literal(group)}\\d{3})+|\\d+)(?:${literal(decimal)}(\\d{1,2}))?$`);
  const match = pattern.exec(bare);
  if (!match) return null;
  const whole = Number(match[1]!.split(group).join(''));
  if (!Number.isSafeInteger(whole)) return null;
  const fromCents = whole * 100 + (match[2] ? Number(match[2].padEnd(2, '0')) : 0);
  const toCents = match[2] ? fromCents : fromCents + 99;
  return toCents > MAX_CENTS ? null : { fromCents, toCents };
}
