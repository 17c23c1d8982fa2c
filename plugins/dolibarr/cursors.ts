// The [date, rowid] keyset cursor of this binding's proposal, invoice and order lists: the last
// row's date ('YYYY-MM-DD') and rowid. A cursor of another shape is "no page", never an error.
import { decodeCursor, pageOf } from '../../src/index.ts';

/** The row a [date, rowid] list goes on after: null for the first page, 'invalid' for no cursor of ours. */
export function dateCursor(after: string | null | undefined): { date: string; rowid: number } | null | 'invalid' {
  if (after === undefined || after === null) return null;
  const parts = decodeCursor(after);
  if (
    parts?.length !== 2 ||
    typeof parts[0] !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(parts[0]) ||
    typeof parts[1] !== 'number' ||
    parts[1] < 1
  )
    return 'invalid';
  return { date: parts[0], rowid: parts[1] };
}

/** A page of a [date, rowid] list, its next cursor the last row's date_key and rowid. */
export function datePageOf<R extends { date_key: string; rowid: number }, T>(rows: R[], limit: number, present: (row: R) => T) {
  return pageOf(rows, limit, present, (row) => [row.date_key, row.rowid]);
}
