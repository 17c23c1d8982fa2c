// Inputs shared by the proposals, quotations and invoices pages: the record id in the path and
// the cursor of a list page. Malformed values are "not found" (ids) or a 400 (query strings).
import { z } from 'zod';

/** Host ids are strings; anything else in the path is a page that does not exist. */
export const RecordIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const cursorField = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'That page link is not valid. Go back to the first page.');

/** A list's page size: small enough for a phone, the adapter's pages are keyset so any size is cheap. */
export const LIST_PAGE_SIZE = 20;
