// What the news ports of the bindings share: reading back the cursor they wrote (JSON of their own
// shape; anything else, or nothing, is no cursor and the read starts anew) and moving a position to
// the newest of the rows read, a position itself bounded alike.
import { z } from 'zod';

/** A position in a cursor, as positionAfter moves it: a row's moment as text, bounded so a forged cursor stays small. */
export const newsPosition = z.string().max(40);

/** The cursor as the binding wrote it, or null for none or one it did not write. */
export function readNewsCursor<T>(schema: z.ZodType<T>, text: string | null): T | null {
  if (!text) return null;
  try {
    return schema.parse(JSON.parse(text));
  } catch {
    return null;
  }
}

/** The position after the new rows read (oldest first: the last is the newest). */
export const positionAfter = (at: string, rows: ReadonlyArray<{ at: string }>): string => rows.at(-1)?.at ?? at;
