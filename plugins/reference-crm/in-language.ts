// What the agency wrote in several languages, read in the reader's: the CRM keeps its own words in
// a column (a service's name) and the other languages beside it, by code ({"de": "Beratung"}). Its
// own words are English, as its staff screens ask for them ("Name", "Name in German"), so an
// English reader reads them even where the workspace's language, next in `languages`, has its own.

/** The CRM's own language: the base column's. */
const BASE_LANGUAGE = 'en';

/**
 * `base` in the first of `languages` written ("de" of "de-DE"; `base` for English), else `base`
 * itself: the client reads the agency's words in their language where the agency wrote them.
 */
export function inLanguage(base: string, translations: Record<string, string> | null | undefined, languages: readonly string[]): string {
  for (const language of languages) {
    const code = language.split('-')[0]!.toLowerCase();
    if (code === BASE_LANGUAGE) return base;
    const text = translations?.[code];
    if (typeof text === 'string' && text.trim() !== '') return text;
  }
  return base;
}
