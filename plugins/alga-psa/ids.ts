// Alga PSA keys are uuids (gen_random_uuid) under a composite (tenant, id) key; the portal carries
// them as strings. Anything that is not a canonical uuid is "no such record", never a database error
// (PostgreSQL would reject a malformed uuid literal with an exception).
import { z } from 'zod';

const UUID = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

export function parseUuid(value: unknown): string | null {
  const parsed = UUID.safeParse(value);
  return parsed.success ? parsed.data.toLowerCase() : null;
}

/** Every id of a list that parses, without duplicates. */
export const parseUuids = (values: unknown[]): string[] => [...new Set(values.map(parseUuid).filter((id): id is string => id !== null))];

const EMAIL = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/);

/** A lookup email, trimmed; null when it cannot be an email at all. */
export function lookupEmail(value: unknown): string | null {
  const parsed = EMAIL.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** A client's contact scope (tenant, client, contact) from the portal's ids; null when any is not one. */
export const contactScope =
  (tenantOf: (workspaceId: string) => string | null) =>
  (workspaceId: string, clientId: string, contactId: string): { tenant: string; clientId: string; contactId: string } | null => {
    const tenant = tenantOf(workspaceId);
    const client = parseUuid(clientId);
    const contact = parseUuid(contactId);
    return tenant === null || client === null || contact === null ? null : { tenant, clientId: client, contactId: contact };
  };
