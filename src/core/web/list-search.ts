// The links of a client list that pages and searches: every link (the next page, the first page, a
// tab, clearing the search) carries the filters and the search it was shown with, so paging never
// drops the search and a search never drops the filter. What the search box and its summary show.
import { SEARCH_MAX_LENGTH } from '../ports/search.ts';

/** A list's query-string parameters; an absent (undefined) one is left out of the link. */
export type ListParams = Record<string, string | undefined>;

/** The parameters that are set, in the order given. */
export function listParams(params: ListParams): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

/** The list's address with those parameters, without a bare "?" when there are none. */
export function listHref(path: string, params: ListParams): string {
  const query = new URLSearchParams(listParams(params)).toString();
  return query ? `${path}?${query}` : path;
}

export interface SearchView {
  /** The search shown (the box's value), or null without one. */
  query: string | null;
  maxLength: number;
  /** Rows on this page, and whether a next page holds more. */
  count: number;
  more: boolean;
  /** The list with its filters and without the search. */
  clearHref: string;
}

export function presentSearch(
  query: string | undefined,
  page: { items: readonly unknown[]; next: string | null },
  clearHref: string,
): SearchView {
  return { query: query ?? null, maxLength: SEARCH_MAX_LENGTH, count: page.items.length, more: page.next !== null, clearHref };
}
