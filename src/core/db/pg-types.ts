// Type parsing shared by every pool the portal opens, so knex, the session store and the rate
// limiter all see the same JavaScript values. Passed per pool: pg's global parser table is left alone.
import pg from 'pg';

const INT8 = 20; // bigint: counts and cents. Safe as numbers well past any invoice total.
const NUMERIC = 1700; // numeric: quantities. Converted to number for display arithmetic.
const DATE = 1082; // date: kept as 'YYYY-MM-DD' so no time zone shifts a due date.

// One function each, not one per column of every result (pg asks for a column's parser each time
// a statement's rows come back).
const parseInt8 = (value: string) => Number.parseInt(value, 10);
const parseNumeric = (value: string) => Number.parseFloat(value);
const keepDate = (value: string) => value;

// Typed loosely (format: string) so the same object satisfies both pg's and knex's declarations.
export const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8) return parseInt8;
    if (oid === NUMERIC) return parseNumeric;
    if (oid === DATE) return keepDate;
    return pg.types.getTypeParser(oid, format as 'text' | 'binary' | undefined);
  },
};
