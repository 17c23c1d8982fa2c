// Dolibarr keeps money as numeric(24,8) in the entity's main currency (MAIN_MONNAIE); the portal
// wants integer cents. Queries read amounts as text (no float rounding in the driver); this rounds
// once, at the end, half away from zero, as Dolibarr's price2num(…, 'MT') does for totals.
export function toCents(decimal: string | null | undefined): number {
  const value = Number(decimal ?? '0');
  if (!Number.isFinite(value)) return 0;
  const cents = value < 0 ? -Math.round(-value * 100) : Math.round(value * 100);
  return cents || 0; // never -0
}

/** Cents as the decimal text Dolibarr stores ('120.00' lands as 120.00000000 in numeric(24,8)). */
export const toDecimal = (cents: number): string =>
  cents < 0 ? `-${toDecimal(-cents)}` : `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/**
 * Dolibarr's own default when MAIN_MONNAIE is not set is the euro (its installer writes 'EUR'
 * for a French-speaking install); anything that is not a three-letter code falls back to it.
 */
const DEFAULT_CURRENCY = 'EUR';

export function currencyOrDefault(code: string | null | undefined): string {
  const trimmed = code?.trim().toUpperCase() ?? '';
  return /^[A-Z]{3}$/.test(trimmed) ? trimmed : DEFAULT_CURRENCY;
}
