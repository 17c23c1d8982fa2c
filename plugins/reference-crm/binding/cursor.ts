// Keyset cursors for the portal's pages: the sort key of the last row handed out, as opaque
// base64url JSON. A cursor that does not decode to the expected shape is treated as "from the
// start" by nobody: callers get null and answer an empty page, never a database error.
import type { PageRequest } from '../../../src/index.ts';
import { parseId } from '../ids.ts';

export function encodeCursor(key: Array<string | number | null>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(
  cursor: string,
  shape: Array<'string' | 'number' | 'date' | 'nullable-date'>,
): Array<string | number | null> | null {
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length) return null;
  const ok = shape.every((kind, i) => {
    const value: unknown = parsed[i];
    if (kind === 'number') return Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= 2_147_483_647;
    if (kind === 'string') return typeof value === 'string' && value.length <= 100;
    const isDate = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(value) && !Number.isNaN(Date.parse(value));
    return kind === 'nullable-date' ? value === null || isDate : isDate;
  });
  return ok ? (parsed as Array<string | number | null>) : null;
}

/** A page size the host is willing to serve. */
export function pageLimit(limit: number): number {
  return Number.isInteger(limit) ? Math.min(Math.max(limit, 1), 100) : 20;
}

/**
 * Where a list sorted by a date then an id continues: undefined on the first page, 'invalid' for a
 * cursor this host did not give (the caller answers an empty page).
 */
export function dateKeyOf(after: string | null | undefined): { date: string; id: number } | undefined | 'invalid' {
  if (!after) return undefined;
  const key = decodeCursor(after, ['date', 'number']);
  return key ? { date: key[0] as string, id: key[1] as number } : 'invalid';
}

/** A page of one client's list sorted by a date then an id: the ids parsed, where it continues from, its size. */
export interface ClientPage {
  ws: number;
  client: number;
  /** The last row handed out (a date and an id), or undefined on the first page. */
  after: { date: string; id: number } | undefined;
  limit: number;
}

/** The page asked for, or null for ids or a cursor this host did not give (the caller answers an empty page). */
export function clientPageOf(workspaceId: string, clientId: string, page: PageRequest): ClientPage | null {
  const ws = parseId(workspaceId);
  const client = parseId(clientId);
  if (ws === null || client === null) return null;
  const after = dateKeyOf(page.after);
  if (after === 'invalid') return null;
  return { ws, client, after, limit: pageLimit(page.limit) };
}
