// The portal's Company page beside the reference CRM: a client's details are its `clients` row.
// The CRM keeps the postal address as the lines a letterhead prints (its client screen takes them
// as typed): the street lines, "postal code city" (or, where the country writes it so, "city,
// state postal code"), the country's English name last. The portal's fields are read from those
// lines and written back as them, so the next PDF prints the change.
import type { CompanyDetails, CompanyDetailsField, CompanyDetailsPort } from '../../../src/index.ts';
import { COMPANY_DETAILS_FIELDS } from '../../../src/index.ts';
import { parseId } from '../ids.ts';
import { type Db, inTransaction } from '../queries/db.ts';
import { type CompanyDetailsRow, findCompanyDetails, updateCompanyDetails } from '../queries/company-details.ts';

// A client may change every field.
const EDITABLE = COMPANY_DETAILS_FIELDS;

let codesByName: Map<string, string> | null = null;
/** A country's code by its English, German or French name (lower case): the names the CRM's users type. */
function countryCodeOf(name: string): string | null {
  if (!codesByName) {
    codesByName = new Map();
    const names = ['en', 'de', 'fr'].map((locale) => new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' }));
    for (let a = 65; a <= 90; a++)
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        // ICU still names withdrawn codes (UK, FX, SU, YU): "United Kingdom" is GB, "France" FR.
        if (new Intl.Locale(`und-${code}`).region !== code) continue;
        for (const n of names) {
          const label = n.of(code);
          if (label && label !== code) codesByName.set(label.toLowerCase(), code);
        }
      }
  }
  return codesByName.get(name.trim().toLowerCase()) ?? null;
}

const englishName = (code: string) => new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
const text = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);

/**
 * The countries whose town line ends with the postal code ("Seattle, WA 98101", "London SW1A 1AA"),
 * with the code's shape. The portal has no field for a state or province: it stays with the city
 * ("Seattle, WA"), so a save writes the line back as it was.
 */
const POSTAL_CODE_LAST: Readonly<Record<string, RegExp>> = {
  US: /^(.+?),?\s+(\d{5}(?:-\d{4})?)$/,
  CA: /^(.+?),?\s+([A-Z]\d[A-Z] ?\d[A-Z]\d)$/i,
  AU: /^(.+?),?\s+(\d{4})$/,
  GB: /^(.+?),?\s+([A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/i,
};
/** The town line in most of Europe: "10117 Berlin", "D-10117 Berlin", "75001 Paris". */
const POSTAL_CODE_FIRST = /^([A-Z]{0,3}-?\d[\dA-Z -]{1,9}?)\s+(\D.*)$/i;

/** Postal code and city from a town line, in the order the country writes them, else code first. */
function townOf(line: string, countryCode: string | null): { postalCode: string; city: string } | null {
  const last = countryCode ? POSTAL_CODE_LAST[countryCode]?.exec(line) : null;
  if (last) return { city: last[1]!.trim(), postalCode: last[2]!.trim() };
  const first = POSTAL_CODE_FIRST.exec(line);
  return first ? { postalCode: first[1]!.trim(), city: first[2]!.trim() } : null;
}

/** The portal's address fields from the CRM's address lines. */
function addressFields(
  address: string | null,
): Pick<CompanyDetails, 'addressLine1' | 'addressLine2' | 'postalCode' | 'city' | 'countryCode'> {
  const lines = (address ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const countryCode = lines.length > 1 ? countryCodeOf(lines.at(-1)!) : null;
  if (countryCode) lines.pop();
  let postalCode: string | null = null;
  let city: string | null = null;
  const town = lines.length > 1 ? lines.at(-1)! : null;
  const split = town ? townOf(town, countryCode) : null;
  if (split) {
    ({ postalCode, city } = split);
    lines.pop();
  } else if (town && countryCode) {
    city = town;
    lines.pop();
  }
  return {
    addressLine1: lines[0] ?? null,
    addressLine2: lines.length > 1 ? lines.slice(1).join(', ') : null,
    postalCode,
    city,
    countryCode,
  };
}

/** The CRM's address lines from the portal's fields. */
function addressText(d: Pick<CompanyDetails, 'addressLine1' | 'addressLine2' | 'postalCode' | 'city' | 'countryCode'>): string | null {
  const lines = [
    text(d.addressLine1),
    text(d.addressLine2),
    text(
      (d.countryCode && POSTAL_CODE_LAST[d.countryCode] ? [d.city, d.postalCode] : [d.postalCode, d.city])
        .map(text)
        .filter(Boolean)
        .join(' '),
    ),
    d.countryCode ? englishName(d.countryCode) : null,
  ].filter((line): line is string => line !== null);
  return lines.length ? lines.join('\n') : null;
}

function presentCompanyDetails(row: CompanyDetailsRow): CompanyDetails {
  return {
    ...addressFields(row.address),
    billingEmail: text(row.billing_email),
    phone: text(row.phone),
    taxId: text(row.tax_id),
  };
}

const ADDRESS_FIELDS: readonly CompanyDetailsField[] = ['addressLine1', 'addressLine2', 'postalCode', 'city', 'countryCode'];

export function referenceCompanyDetails(db: Db): CompanyDetailsPort {
  return {
    editable: EDITABLE,
    async read(workspaceId, clientId, write) {
      const ws = parseId(workspaceId);
      const id = parseId(clientId);
      if (ws === null || id === null) return null;
      const row = await findCompanyDetails(write?.trx ?? db, { workspaceId: ws, clientId: id });
      return row ? presentCompanyDetails(row) : null;
    },
    async update(workspaceId, clientId, changes, write) {
      const ws = parseId(workspaceId);
      const id = parseId(clientId);
      if (ws === null || id === null) return null;
      // In the portal's transaction where it gives one (no savepoint of its own), else in one of its own.
      const work = async (trx: Db) => {
        const row = await findCompanyDetails(trx, { workspaceId: ws, clientId: id, lock: true });
        if (!row) return null;
        const before = presentCompanyDetails(row);
        const wanted = {
          ...before,
          ...Object.fromEntries(Object.entries(changes).filter(([field]) => EDITABLE.includes(field as CompanyDetailsField))),
        };
        const columns: Partial<CompanyDetailsRow> = {};
        if (ADDRESS_FIELDS.some((field) => field in changes)) columns.address = addressText(wanted);
        if ('billingEmail' in changes) columns.billing_email = wanted.billingEmail;
        if ('phone' in changes) columns.phone = wanted.phone;
        if ('taxId' in changes) columns.tax_id = wanted.taxId;
        const updated = await updateCompanyDetails(trx, { workspaceId: ws, clientId: id, changes: columns });
        return updated ? { before, after: presentCompanyDetails(updated) } : null;
      };
      return write?.trx ? work(write.trx) : inTransaction(db, work);
    },
  };
}
