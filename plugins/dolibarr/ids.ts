// The CRM's rowids are PostgreSQL integers; the portal carries them as strings. Anything that is
// not a positive 32-bit integer is "no such record", never a database error.
const MAX_INT4 = 2_147_483_647;

export function parseId(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,9}$/.test(value)) return null;
  const id = Number(value);
  return id <= MAX_INT4 ? id : null;
}

export const toHostId = (id: number): string => String(id);

/** A client's contact scope (entity, company, contact) from the portal's ids; null when any is not one. */
export const contactScope =
  (entityOf: (workspaceId: string) => number | null) =>
  (workspaceId: string, clientId: string, contactId: string): { entity: number; companyId: number; contactId: number } | null => {
    const entity = entityOf(workspaceId);
    const companyId = parseId(clientId);
    const contact = parseId(contactId);
    return entity === null || companyId === null || contact === null ? null : { entity, companyId, contactId: contact };
  };
