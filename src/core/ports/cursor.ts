// Keyset cursors for PageRequest/Page: the position of the last row of a page (its sort key and
// id), as opaque URL-safe text. An adapter encodes its own key; a cursor that does not decode to
// the shape the adapter expects is treated as no page at all, never as a database error.

export function encodeCursor(parts: Array<string | number>): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** The parts, or null when the text is not a cursor this module wrote. */
export function decodeCursor(cursor: string): Array<string | number> | null {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parts) || parts.length > 4) return null;
    if (!parts.every((part) => typeof part === 'string' || (typeof part === 'number' && Number.isSafeInteger(part)))) return null;
    return parts as Array<string | number>;
  } catch {
    return null;
  }
}

/** A page from rows fetched with limit + 1: the extra row only says whether another page follows. */
export function pageOf<R, T>(
  rows: R[],
  limit: number,
  present: (row: R) => T,
  keyOf: (row: R) => Array<string | number>,
): { items: T[]; next: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(present), next: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/** Page sizes an adapter accepts: 1..100, anything else is clamped. */
export function clampLimit(limit: number): number {
  return Number.isInteger(limit) ? Math.min(100, Math.max(1, limit)) : 20;
}
