// A list's text search as a host runs it: the person's words matched anywhere in a number, a title
// or a file name, case-insensitive, as text. LIKE gives `%` and `_` a meaning of their own, so both
// (and the backslash, LIKE's default escape character) are escaped here: "50%" finds "50%" and
// not "500". The pattern is always a bound parameter, never part of the statement's text.

/** The longest search a list accepts, in characters (the form's maxlength and the query's limit). */
export const SEARCH_MAX_LENGTH = 100;

/** `text` as an ILIKE pattern that matches it anywhere, with LIKE's own characters taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
