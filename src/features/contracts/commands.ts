// What the contracts routes accept: host ids in the path and the period a line's page opens on.
// Messages are keys of this feature's locales, so a client reads them in their language.
import { z } from 'zod';

/** A host id in a URL: whatever the host uses, within reason; the adapter decides if it is the client's. */
export const ContractId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

/** The list's search: words of a contract's name, its number or one of its lines' names. */
export const ContractsQuery = z.object({
  q: z
    .string()
    .trim()
    .max(100, 'contracts:errors.search')
    .optional()
    .transform((text) => (text ? text : undefined)),
});
export type ContractsQueryInput = z.infer<typeof ContractsQuery>;

export const LineQuery = z.object({
  /** The start of the period whose entries are shown (YYYY-MM-DD); the newest period without it. */
  period: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'contracts:errors.period')
    .refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)), 'contracts:errors.period')
    .optional()
    .or(z.literal('').transform(() => undefined)),
});
export type LineQueryInput = z.infer<typeof LineQuery>;
