// What the Company page accepts. Messages are keys of companyDetails.json, shown in the reader's
// language. The lengths are the narrowest a host keeps (Dolibarr's llx_societe: town 50, zip 25,
// phone 30, email 128, tva_intra 20), so what is accepted fits every host.
import { z } from 'zod';

export const LIMITS = { addressLine: 120, postalCode: 20, city: 50, billingEmail: 128, phone: 30, taxId: 20 } as const;

/**
 * The VAT identification numbers of the EU member states, as VIES checks their shape: the
 * country's prefix (Greece's is EL) and its digits and letters, without spaces or punctuation.
 */
const EU_VAT_PATTERNS: Readonly<Record<string, RegExp>> = {
  AT: /^ATU\d{8}$/,
  BE: /^BE[01]\d{9}$/,
  BG: /^BG\d{9,10}$/,
  CY: /^CY\d{8}[A-Z]$/,
  CZ: /^CZ\d{8,10}$/,
  DE: /^DE\d{9}$/,
  DK: /^DK\d{8}$/,
  EE: /^EE\d{9}$/,
  EL: /^EL\d{9}$/,
  ES: /^ES[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^FI\d{8}$/,
  FR: /^FR[A-HJ-NP-Z0-9]{2}\d{9}$/,
  HR: /^HR\d{11}$/,
  HU: /^HU\d{8}$/,
  IE: /^IE(\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^IT\d{11}$/,
  LT: /^LT(\d{9}|\d{12})$/,
  LU: /^LU\d{8}$/,
  LV: /^LV\d{11}$/,
  MT: /^MT\d{8}$/,
  NL: /^NL\d{9}B\d{2}$/,
  PL: /^PL\d{10}$/,
  PT: /^PT\d{9}$/,
  RO: /^RO\d{2,10}$/,
  SE: /^SE\d{12}$/,
  SI: /^SI\d{8}$/,
  SK: /^SK\d{10}$/,
};

/** The VAT prefix of an EU country (Greece's VAT numbers start EL), or null outside the EU. */
export function vatPrefixOf(countryCode: string): string | null {
  const prefix = countryCode === 'GR' ? 'EL' : countryCode;
  return Object.hasOwn(EU_VAT_PATTERNS, prefix) ? prefix : null;
}

/**
 * A tax id as it is kept: an EU VAT number (it starts with a member state's prefix) in upper case
 * without spaces, dots or dashes, checked against its country's shape; anything else (a national
 * tax number, a non-EU id) as typed, trimmed.
 */
function normalTaxId(value: string): { value: string; vatPrefix: string | null } {
  const compact = value.replace(/[\s.-]/g, '').toUpperCase();
  const prefix = compact.slice(0, 2);
  if (/^[A-Z]{2}/.test(compact) && Object.hasOwn(EU_VAT_PATTERNS, prefix)) return { value: compact, vatPrefix: prefix };
  return { value: value.trim(), vatPrefix: null };
}

const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .optional()
    .transform((value) => (value ? value : null));

const requiredText = (max: number, missing: string, long: string) => z.string({ error: missing }).trim().min(1, missing).max(max, long);

const PHONE = /^\+?[0-9 ()./-]+$/;

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
/** Regions ICU names that are no country a company is in: groupings, test regions, "unknown". */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);
/**
 * A country's code as it stands today (DE, US, …): an unknown pair of letters names itself, and a
 * withdrawn one (UK, FX, SU, YU, DD…) canonicalises to its successor, so France is offered once.
 */
export const isCountryCode = (code: string) =>
  regionNames.of(code) !== code && !NOT_COUNTRIES.has(code) && Intl.getCanonicalLocales(`und-${code}`)[0] === `und-${code}`;

export const CompanyDetailsCommand = z
  .object({
    addressLine1: requiredText(LIMITS.addressLine, 'companyDetails:errors.addressLine1', 'companyDetails:errors.addressLong'),
    addressLine2: optionalText(LIMITS.addressLine, 'companyDetails:errors.addressLong'),
    postalCode: z
      .string()
      .trim()
      .max(LIMITS.postalCode, 'companyDetails:errors.postalCode')
      .regex(/^[A-Za-z0-9 -]*$/, 'companyDetails:errors.postalCode')
      .optional()
      .transform((value) => (value ? value.toUpperCase() : null)),
    city: requiredText(LIMITS.city, 'companyDetails:errors.city', 'companyDetails:errors.cityLong'),
    countryCode: z
      .string({ error: 'companyDetails:errors.country' })
      .trim()
      .regex(/^[A-Za-z]{2}$/, 'companyDetails:errors.country')
      .transform((value) => value.toUpperCase())
      .refine(isCountryCode, { message: 'companyDetails:errors.country' }),
    billingEmail: z
      .string()
      .trim()
      .max(LIMITS.billingEmail, 'companyDetails:errors.email')
      .optional()
      .transform((value) => (value ? value.toLowerCase() : null))
      .refine((value) => value === null || z.email().safeParse(value).success, { message: 'companyDetails:errors.email' }),
    phone: z
      .string()
      .trim()
      .max(LIMITS.phone, 'companyDetails:errors.phoneLong')
      .optional()
      .transform((value) => (value ? value.replace(/\s+/g, ' ') : null))
      .refine((value) => value === null || (PHONE.test(value) && (value.match(/\d/g)?.length ?? 0) >= 5), {
        message: 'companyDetails:errors.phone',
      }),
    taxId: z
      .string()
      .trim()
      .max(LIMITS.taxId + 10, 'companyDetails:errors.taxIdLong')
      .optional()
      .transform((value) => (value ? normalTaxId(value) : null)),
  })
  .superRefine((input, ctx) => {
    const tax = input.taxId;
    if (!tax) return;
    if (tax.value.length > LIMITS.taxId) ctx.addIssue({ code: 'custom', path: ['taxId'], message: 'companyDetails:errors.taxIdLong' });
    else if (!/^[A-Za-z0-9 ./+-]+$/.test(tax.value))
      ctx.addIssue({ code: 'custom', path: ['taxId'], message: 'companyDetails:errors.taxId' });
    else if (tax.vatPrefix) {
      const own = vatPrefixOf(input.countryCode);
      if (!EU_VAT_PATTERNS[tax.vatPrefix]!.test(tax.value))
        ctx.addIssue({ code: 'custom', path: ['taxId'], message: 'companyDetails:errors.vatShape' });
      else if (own && own !== tax.vatPrefix) ctx.addIssue({ code: 'custom', path: ['taxId'], message: 'companyDetails:errors.vatCountry' });
    }
  })
  .transform((input) => ({ ...input, taxId: input.taxId?.value ?? null }));
export type CompanyDetailsInput = z.infer<typeof CompanyDetailsCommand>;

/** The page's notice after a save (?notice=saved): never free text from the URL. */
export const CompanyDetailsQuery = z.object({
  notice: z.enum(['saved', 'unchanged']).optional().catch(undefined),
});
export type CompanyDetailsQueryInput = z.infer<typeof CompanyDetailsQuery>;
