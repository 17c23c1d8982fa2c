// The EPC QR code ("GiroCode", European Payments Council EPC069-12, version 002) that banking apps
// scan to fill in a SEPA credit transfer: service tag BCD, version 002, character set 1 (UTF-8),
// identification SCT, the BIC (optional in version 002), the beneficiary's name (at most 70
// characters), the IBAN, the amount as EUR123.45 (0.01 to 999999999.99), an empty purpose, and the
// remittance: structured when the reference is an ISO 11649 creditor reference (RF…, at most 35),
// otherwise unstructured (at most 140). Lines end with LF; the whole payload is at most 331 bytes.
// A SEPA credit transfer is in euros only: for another currency there is no code (the pay page and
// the PDF still print the account and the reference to type in).
import { LRUCache } from 'lru-cache';
import QRCode from 'qrcode';

const EPC_MAX_BYTES = 331;
const EPC_MAX_NAME = 70;
const EPC_MAX_UNSTRUCTURED = 140;
const EPC_MIN_CENTS = 1;
const EPC_MAX_CENTS = 99_999_999_999;

export interface EpcTransfer {
  /** The account holder the money goes to. */
  name: string;
  iban: string;
  bic?: string | null;
  amountCents: number;
  currency: string;
  /** What the payer quotes: the invoice number, or an RF creditor reference. */
  reference: string;
}

/** IBAN without spaces, upper-case, when its ISO 13616 check digits are right; null otherwise. */
export function normalizeIban(value: string): string | null {
  const iban = value.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return null;
  return mod97(iban.slice(4) + iban.slice(0, 4)) === 1 ? iban : null;
}

/** A BIC of 8 or 11 characters (ISO 9362), upper-case; null when it is not one. */
function normalizeBic(value: string | null | undefined): string | null {
  const bic = (value ?? '').replace(/\s+/g, '').toUpperCase();
  return /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic) ? bic : null;
}

/** An ISO 11649 creditor reference ("RF18 5390 0754 7034"), without spaces, when its check digits are right. */
function creditorReference(value: string): string | null {
  const ref = value.replace(/\s+/g, '').toUpperCase();
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(ref)) return null;
  return mod97(ref.slice(4) + ref.slice(0, 4)) === 1 ? ref : null;
}

/** The remainder of a string of letters and digits read as a number (A = 10 … Z = 35), modulo 97. */
function mod97(text: string): number {
  let rest = 0;
  for (const char of text) {
    const digits = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of digits) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest;
}

/** A field on one line: line breaks and other control characters would shift every field after it. */
const oneLine = (value: string) =>
  value
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** Cut to at most `max` characters, never inside a surrogate pair. */
const cut = (value: string, max: number) => Array.from(value).slice(0, max).join('');

/**
 * The EPC069-12 payload for a transfer, or null when there can be none: another currency than
 * EUR, an IBAN whose check digits are wrong, no name, an amount outside 0.01–999,999,999.99, or a
 * payload over 331 bytes. A BIC that is not one is left out (version 002 allows that inside the
 * EEA); a name over 70 characters and an unstructured reference over 140 are cut to fit.
 */
export function epcPayload(transfer: EpcTransfer): string | null {
  if (transfer.currency.toUpperCase() !== 'EUR') return null;
  if (!Number.isSafeInteger(transfer.amountCents) || transfer.amountCents < EPC_MIN_CENTS || transfer.amountCents > EPC_MAX_CENTS)
    return null;
  const iban = normalizeIban(transfer.iban);
  const name = cut(oneLine(transfer.name), EPC_MAX_NAME);
  if (!iban || !name) return null;
  const reference = oneLine(transfer.reference);
  const structured = creditorReference(reference);
  const amount = `EUR${Math.floor(transfer.amountCents / 100)}.${String(transfer.amountCents % 100).padStart(2, '0')}`;
  const lines = [
    'BCD',
    '002',
    '1',
    'SCT',
    normalizeBic(transfer.bic) ?? '',
    name,
    iban,
    amount,
    '', // purpose
    structured ?? '',
    structured ? '' : cut(reference, EPC_MAX_UNSTRUCTURED),
  ];
  // The fields after the last one with a value are left out, separators and all.
  while (lines.at(-1) === '') lines.pop();
  const payload = lines.join('\n');
  return Buffer.byteLength(payload, 'utf8') <= EPC_MAX_BYTES ? payload : null;
}

/**
 * Codes already drawn, by payload. Encoding one costs 12–23 ms of main-thread time on this
 * machine (choosing among eight masks, then PNG compression), against microseconds for a hit; the
 * payload changes only when the balance does, so a client opening the pay page again, or a
 * colleague, reuses it. 500 codes of about 2.6 KB each.
 */
const drawn = new LRUCache<string, string>({ max: 500 });

/**
 * The QR code as a PNG data URL for an <img> (the pages' CSP allows data: images): error
 * correction level M as EPC069-12 asks, the quiet zone of 4 modules around it.
 */
export async function epcQrPngDataUrl(payload: string): Promise<string> {
  const hit = drawn.get(payload);
  if (hit) return hit;
  const url = await QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 4, scale: 4, type: 'image/png' });
  drawn.set(payload, url);
  return url;
}
