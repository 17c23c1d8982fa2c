// Whether an error means "another transaction held what this one needed": a row or table lock not
// granted within lock_timeout, or refused at once by NOWAIT (55P03), a deadlock PostgreSQL broke by
// cancelling this side (40P01), or a serialization failure (40001). Nothing is wrong with the
// request or the server: someone else was changing the same thing at that moment, so the person
// is answered 409 and asked to reload and look again, as when a record changed under them; the
// transaction rolled back whole, so nothing half-written stays.
const WRITE_CONFLICT_SQLSTATES = new Set(['55P03', '40P01', '40001']);

export function isWriteConflict(err: unknown): boolean {
  for (let current = err, depth = 0; current && typeof current === 'object' && depth < 5; depth += 1) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && WRITE_CONFLICT_SQLSTATES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
