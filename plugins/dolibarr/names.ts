// Dolibarr keeps a contact's name in two columns (firstname, lastname, 50 characters each); the
// portal shows and edits one "name".

const NAME_COLUMN_LENGTH = 50;
const PHONE_COLUMN_LENGTH = 30;

export function fullName(firstname: string | null, lastname: string | null): string {
  return [firstname, lastname]
    .map((part) => part?.trim() ?? '')
    .filter(Boolean)
    .join(' ');
}

/**
 * Splits an edited name back into the two columns. A family name the contact already has is kept
 * when the new name still ends with it ("Jean de La Fontaine" stays firstname "Jean", lastname
 * "de La Fontaine"); otherwise the last word is the family name. Each part is cut to what the
 * column holds: the portal accepts longer names than this CRM stores, and the page then shows what
 * was stored rather than failing.
 */
export function splitName(name: string, currentLastname: string | null): { firstname: string | null; lastname: string } {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const normalized = words.join(' ');
  const keep = currentLastname?.trim().split(/\s+/).filter(Boolean).join(' ') ?? '';
  let firstname: string;
  let lastname: string;
  if (keep && (normalized === keep || normalized.endsWith(` ${keep}`))) {
    lastname = keep;
    firstname = normalized.slice(0, normalized.length - keep.length).trim();
  } else {
    lastname = words.at(-1) ?? '';
    firstname = words.slice(0, -1).join(' ');
  }
  const cut = (value: string) => value.slice(0, NAME_COLUMN_LENGTH).trim();
  return { firstname: cut(firstname) || null, lastname: cut(lastname) };
}

export function phoneForColumn(phone: string | null): string | null {
  const trimmed = phone?.trim().slice(0, PHONE_COLUMN_LENGTH).trim() ?? '';
  return trimmed || null;
}
