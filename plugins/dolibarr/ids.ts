// The CRM's rowids are PostgreSQL integers; the portal carries them as strings. Anything that is
// not a positive 32-bit integer is "no such record", never a database error.
const MAX_INT4 = 2_147_483_647;

export function parseId(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,9}$/.test(value)) return null;
  const id = Number(value);
  return id <= MAX_INT4 ? id : null;
}

export const toHostId = (id: number): string => String(id);
