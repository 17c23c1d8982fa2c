// A country named in an address, in the reader's language. Hosts keep a postal address as lines
// whose last is the country, named as the host names it: Dolibarr's llx_c_country and Alga's
// country_name in English, the reference CRM as typed. The last line is read as a country when it
// is exactly a region's name in a language the portal speaks (any case), and then written in the
// reader's; any other line is left as the host wrote it.
import { SUPPORTED_LOCALES, type Locale } from './translations.ts';

/** Every two-letter region code ICU names, from AA to ZZ (the unassigned ones name themselves). */
function regionCodes(): string[] {
  const english = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  const codes: string[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (english.of(code) !== code) codes.push(code);
    }
  }
  return codes;
}

let byName: Map<string, string> | null = null;

/** The code of each region by its name in every language the portal speaks, lower case. */
function codesByName(): Map<string, string> {
  if (byName) return byName;
  byName = new Map();
  for (const locale of SUPPORTED_LOCALES) {
    const names = new Intl.DisplayNames([locale], { type: 'region' });
    for (const code of regionCodes()) {
      const name = names.of(code);
      if (name) byName.set(name.toLowerCase(), code);
    }
  }
  return byName;
}

/** The address with its last line in the reader's language where that line names a country. */
export function addressInLocale(lines: readonly string[], locale: Locale): string[] {
  const last = lines.at(-1);
  const code = last ? codesByName().get(last.trim().toLowerCase()) : undefined;
  if (!code) return [...lines];
  return [...lines.slice(0, -1), new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? last!];
}
