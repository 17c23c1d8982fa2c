// Type parsing shared by every pool the portal opens, so knex, the session store and the rate
// limiter all see the same JavaScript values. Passed per pool: pg's global parser table is left alone.
import pg from 'pg';

const INT8 = 20; // bigint: counts and cents. Safe as numbers well past any invoice total.
const NUMERIC = 1700; // numeric: quantities. Converted to number for display arithmetic.
const DATE = 1082; // date: kept as 'YYYY-MM-DD' so no time zone shifts a due date.

// Typed loosely (format: string) so the same object satisfies both pg's and knex's declarations.
export const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8) return (value: string) => Number.parseInt(value, 10);
    if (oid === NUMERIC) return (value: string) => Number.parseFloat(value);
    if (oid === DATE) return (value: string) => value;
    return pg.types.getTypeParser(oid, format as 'text' | 'binary' | undefined);
  },
};
