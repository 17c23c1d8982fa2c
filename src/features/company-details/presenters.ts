// Between the host's details and the Company page: each field with its label and value, the
// country by its name in the reader's language, the form's values (as stored, or as sent back with
// errors), and which fields the host lets a client change.
import type { RequestI18n } from '../../core/index.ts';
import { type CompanyDetails, type CompanyDetailsChange, type CompanyDetailsField, COMPANY_DETAILS_FIELDS } from './port.ts';
import { isCountryCode, LIMITS, vatPrefixOf } from './commands.ts';

const FIELDS = COMPANY_DETAILS_FIELDS;

/** Every country's current two-letter code (see isCountryCode), computed once. */
let regionCodes: string[] | null = null;
function allRegionCodes(): string[] {
  if (regionCodes) return regionCodes;
  const codes: string[] = [];
  for (let a = 65; a <= 90; a++)
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (isCountryCode(code)) codes.push(code);
    }
  regionCodes = codes;
  return codes;
}

const countryOptionsByLocale = new Map<string, Array<{ code: string; name: string }>>();

/** The countries to choose from, by their names in the reader's language, in its alphabetical order. */
export function countryOptions(locale: string): Array<{ code: string; name: string }> {
  const known = countryOptionsByLocale.get(locale);
  if (known) return known;
  const names = new Intl.DisplayNames([locale], { type: 'region' });
  const collator = new Intl.Collator(locale);
  const options = allRegionCodes()
    .map((code) => ({ code, name: names.of(code) ?? code }))
    .sort((a, b) => collator.compare(a.name, b.name));
  countryOptionsByLocale.set(locale, options);
  return options;
}

function countryName(code: string | null, locale: string): string | null {
  if (!code) return null;
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** A VAT number's shape for the company's country, for the hint under the field; null outside the EU. */
const VAT_EXAMPLES: Readonly<Record<string, string>> = {
  AT: 'ATU12345678',
  BE: 'BE0123456789',
  BG: 'BG123456789',
  CY: 'CY12345678X',
  CZ: 'CZ12345678',
  DE: 'DE123456789',
  DK: 'DK12345678',
  EE: 'EE123456789',
  EL: 'EL123456789',
  ES: 'ESX1234567X',
  FI: 'FI12345678',
  FR: 'FRXX123456789',
  HR: 'HR12345678901',
  HU: 'HU12345678',
  IE: 'IE1234567X',
  IT: 'IT12345678901',
  LT: 'LT123456789',
  LU: 'LU12345678',
  LV: 'LV12345678901',
  MT: 'MT12345678',
  NL: 'NL123456789B01',
  PL: 'PL1234567890',
  PT: 'PT123456789',
  RO: 'RO1234567890',
  SE: 'SE123456789001',
  SI: 'SI12345678',
  SK: 'SK1234567890',
};

export function vatExample(countryCode: string | null): string | null {
  const prefix = countryCode ? vatPrefixOf(countryCode) : null;
  return prefix ? (VAT_EXAMPLES[prefix] ?? null) : null;
}

/** The details as the page lists them: each field's label and value, empty ones said as "not given". */
export function presentDetails(details: CompanyDetails, i18n: RequestI18n) {
  const { t } = i18n;
  const value = (field: CompanyDetailsField) =>
    field === 'countryCode' ? countryName(details.countryCode, i18n.locale) : (details[field] ?? null);
  return FIELDS.map((field) => ({ field, label: t(`companyDetails:fields.${field}`), value: value(field) }));
}

/** The form's values: what was sent back with errors, else what the host keeps. */
export function formValues(details: CompanyDetails, sent?: Record<string, unknown>): Record<CompanyDetailsField, string> {
  return Object.fromEntries(
    FIELDS.map((field) => {
      const own = details[field] ?? '';
      const back = sent && typeof sent[field] === 'string' ? (sent[field] as string) : undefined;
      return [field, back ?? own];
    }),
  ) as Record<CompanyDetailsField, string>;
}

/** The fields a change would write: those the host lets a client change whose value differs. */
export function changesOf(
  before: CompanyDetails,
  wanted: Partial<CompanyDetails>,
  editable: readonly CompanyDetailsField[],
): Partial<CompanyDetails> {
  const changes: Partial<CompanyDetails> = {};
  for (const field of editable) {
    if (!(field in wanted)) continue;
    const next = wanted[field] ?? null;
    if ((before[field] ?? null) !== next) changes[field] = next;
  }
  return changes;
}

/** Old → new of each field that changed, for the activity log (only the fields that differ). */
export function changeList(before: CompanyDetails, after: CompanyDetails): CompanyDetailsChange[] {
  return FIELDS.filter((field) => (before[field] ?? null) !== (after[field] ?? null)).map((field) => ({
    field,
    from: before[field] ?? null,
    to: after[field] ?? null,
  }));
}

export { LIMITS };
