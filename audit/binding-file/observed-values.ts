// The values a status or kind column takes in the live database, read for the binding file's
// questions ("which of 1, 2, 3 mean open?"): the person who answers sees what the host stores, not
// what the audit guesses it means. One read-only transaction, as the audit's own; each read
// bounded like its samples (the first 10,000 rows, at most 25 values), and a table the role may
// not read noted, not fatal. Codes and status words only: the columns asked for are a record's
// status or kind, never a value that names a person.
import { withReadOnlySession } from '../catalog/read-only-session.ts';
import { quoteIdent } from '../findings/samples.ts';

const SAMPLE_ROWS = 10000;
const MOST_VALUES = 25;

interface ObservedValues {
  /** The most frequent values first, as text; null is left out. */
  values: Array<{ value: string; rows: number }>;
  /** More distinct values than were listed. */
  more: boolean;
}

export interface ColumnRef {
  schema: string;
  table: string;
  column: string;
}

export const columnKey = (ref: ColumnRef): string => `${ref.schema}.${ref.table}.${ref.column}`;

/** Keyed by columnKey; null where the table could not be read. */
export type ObservedByColumn = ReadonlyMap<string, ObservedValues | null>;

export async function readObservedValues(databaseUrl: string, columns: ColumnRef[]): Promise<ObservedByColumn> {
  const found = new Map<string, ObservedValues | null>();
  if (columns.length === 0) return found;
  await withReadOnlySession(databaseUrl, async (db) => {
    for (const ref of columns) {
      if (found.has(columnKey(ref))) continue;
      const col = quoteIdent(ref.column);
      const rows = await db.tryQuery<{ value: string; rows: number }>(
        `select v as value, count(*)::int as rows
           from (select ${col}::text as v from ${quoteIdent(ref.schema)}.${quoteIdent(ref.table)} limit ${SAMPLE_ROWS}) s
          where v is not null group by v order by count(*) desc, v limit ${MOST_VALUES + 1}`,
      );
      found.set(
        columnKey(ref),
        rows
          ? { values: rows.slice(0, MOST_VALUES).map((r) => ({ value: r.value, rows: Number(r.rows) })), more: rows.length > MOST_VALUES }
          : null,
      );
    }
  });
  return found;
}
