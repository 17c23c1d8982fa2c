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

/**
 * The settings Contact::create reads to write and name a contact: Setup > Other's
 * MAIN_TE_PRIVATE_FIRST_AND_LASTNAME_TO_UPPER, MAIN_FIRST_TO_UPPER and MAIN_ALL_TO_UPPER
 * (CommonPeople::setUpperOrLowerCase), and MAIN_FIRSTNAME_NAME_POSITION (dolGetFirstLastname:
 * set, the last name comes first).
 */
export interface NameSettings {
  privateToUpper: boolean;
  firstToUpper: boolean;
  allToUpper: boolean;
  lastnameFirst: boolean;
}

// Characters Unicode calls case-ignorable (marks, format characters, modifiers, and the
// apostrophes, periods and colons inside words), which mb_convert_case skips over when it decides
// whether a letter starts a word.
const CASE_IGNORABLE = /[\p{Mn}\p{Me}\p{Cf}\p{Lm}\p{Sk}'.:\u00B7\u0387\u05F4\u2018\u2019\u2024\u2027\uFE13\uFE52\uFE55\uFF07\uFF0E\uFF1A]/u;
const CASED = /[\p{Lowercase}\p{Uppercase}\p{Lt}]/u;
/** The four letters whose title case is not their upper case (digraphs: ǆ → ǅ, not Ǆ). */
const TITLE_CASE: Record<string, string> = { ǆ: 'ǅ', ǉ: 'ǈ', ǌ: 'ǋ', ǳ: 'ǲ' };

/**
 * dol_ucwords(dol_strtolower(s)): mb_convert_case's MB_CASE_TITLE on the lower-cased text, where a
 * letter is upper-cased unless the last character before it (case-ignorable ones skipped) is a
 * letter with case: "jean-pierre o'neil 3d" → "Jean-Pierre O'neil 3D".
 */
export function phpTitleCase(value: string): string {
  let afterCased = false;
  let out = '';
  for (const char of value.toLowerCase()) {
    if (CASE_IGNORABLE.test(char)) {
      out += char;
      continue;
    }
    const cased = CASED.test(char);
    out += cased && !afterCased ? (TITLE_CASE[char] ?? char.toUpperCase()) : char;
    afterCased = cased;
  }
  return out;
}

/**
 * A new contact's two columns from the one name the portal has, as a person typing it into
 * Dolibarr's "New contact" card would fill them: the last word is the last name (the card's one
 * required name field), the words before it the first name ('' for none: Contact::create writes
 * trim($this->firstname)). Then cased as CommonPeople::setUpperOrLowerCase does under the entity's
 * settings, in its order, and cut to the 50 characters each column holds.
 */
export function newContactNames(name: string, settings: NameSettings): { firstname: string; lastname: string } {
  const words = name.trim().split(/\s+/).filter(Boolean);
  let lastname = words.at(-1) ?? '';
  let firstname = words.slice(0, -1).join(' ');
  if (settings.privateToUpper) {
    lastname = phpTitleCase(lastname);
    firstname = phpTitleCase(firstname);
    if (firstname) lastname = lastname.toUpperCase();
  }
  if (settings.firstToUpper) {
    lastname = phpTitleCase(lastname);
    firstname = phpTitleCase(firstname);
  }
  if (settings.allToUpper) lastname = lastname.toUpperCase();
  const cut = (value: string) => [...value].slice(0, NAME_COLUMN_LENGTH).join('').trim();
  return { firstname: cut(firstname), lastname: cut(lastname) };
}

/** Contact::getFullName() as the agenda trigger names a new contact: dolGetFirstLastname's order. */
export function dolibarrFullName(firstname: string, lastname: string, settings: Pick<NameSettings, 'lastnameFirst'>): string {
  const [a, b] = settings.lastnameFirst ? [lastname, firstname] : [firstname, lastname];
  return a && b ? `${a} ${b}` : a || b;
}
