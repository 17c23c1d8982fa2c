// Inputs shared by the proposals, quotations and invoices pages: the record id in the path, the
// cursor of a list page and the search of every client list. Malformed values are "not found"
// (ids) or a 400 (query strings).
import { z } from 'zod';
import { SEARCH_MAX_LENGTH } from '../ports/search.ts';

/** Host ids are strings; anything else in the path is a page that does not exist. */
export const RecordIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const cursorField = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'That page link is not valid. Go back to the first page.');

/** A list's page size: small enough for a phone, the adapter's pages are keyset so any size is cheap. */
export const LIST_PAGE_SIZE = 20;

/**
 * A list's search box (`q`): trimmed, and absent when blank, so an emptied box is the whole list
 * again. Its length is bounded like every text the portal takes.
 */
export const searchField = z
  .string({ error: 'Search for some text.' })
  .trim()
  .max(SEARCH_MAX_LENGTH, `Search for at most ${SEARCH_MAX_LENGTH} characters.`)
  .optional()
  .transform((value) => (value ? value : undefined));
