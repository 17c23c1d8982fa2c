// The keyset cursors of this binding's lists: [sort key text, uuid] (a UTC timestamp to the
// microsecond, or a date for open tasks). A cursor of another shape is "no page", never an error.
import { decodeCursor } from '../../src/index.ts';
import { parseUuid } from './ids.ts';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An empty cursor is invalid for quotes and invoices, as on the other bindings; documents and tasks read it as the first page. */
export function keyCursor(
  after: string | null | undefined,
  shape: 'timestamp' | 'date',
  emptyIsFirstPage = false,
): { key: string; id: string } | null | 'invalid' {
  if (after === undefined || after === null || (after === '' && emptyIsFirstPage)) return null;
  const parts = decodeCursor(after);
  if (parts?.length !== 2 || typeof parts[0] !== 'string' || !(shape === 'date' ? DATE : TIMESTAMP).test(parts[0])) return 'invalid';
  const id = parseUuid(parts[1]);
  return id ? { key: parts[0], id } : 'invalid';
}
