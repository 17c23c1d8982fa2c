// What the contracts routes accept: host ids in the path and the period a line's page opens on.
// Messages are keys of this feature's locales, so a client reads them in their language.
import { z } from 'zod';
import { HostIdParam } from '../../core/index.ts';

/** A host id in a URL: whatever the host uses, within reason; the adapter decides if it is the client's. */
export const ContractId = HostIdParam;

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

/** The fewest and the most hours one ask may name. */
export const HOURS_LIMITS = { min: 0.5, max: 1000 } as const;
export const NOTE_MAX = 2000;

/**
 * Hours as people type them: "1.5", and "1,5" as German and French write it (a comma before at most
 * two decimals can only be the decimal separator). At most two decimals, as the hosts keep them.
 */
const hours = z
  .string({ error: 'contracts:moreHours.errors.hours' })
  .trim()
  .max(12, 'contracts:moreHours.errors.hours')
  .transform((text, ctx) => {
    const normal = text.replace(/^(\d{1,4}),(\d{1,2})$/, '$1.$2');
    if (!/^\d{1,4}(\.\d{1,2})?$/.test(normal)) {
      ctx.addIssue({ code: 'custom', message: 'contracts:moreHours.errors.hours' });
      return z.NEVER;
    }
    const value = Number(normal);
    if (value < HOURS_LIMITS.min || value > HOURS_LIMITS.max) {
      ctx.addIssue({ code: 'custom', message: 'contracts:moreHours.errors.range' });
      return z.NEVER;
    }
    return value;
  });

/** An ask for more hours on a line: how many, for this period only or from now on, and a note. */
export const MoreHoursCommand = z.object({
  hours,
  scope: z.enum(['this_period', 'from_now_on'], { error: 'contracts:moreHours.errors.scope' }),
  note: z
    .string()
    .trim()
    .max(NOTE_MAX, 'contracts:moreHours.errors.note')
    .optional()
    .transform((text) => (text ? text : null)),
});
export type MoreHoursInput = z.infer<typeof MoreHoursCommand>;

/** Withdrawing a pending ask: nothing but the form's token. */
export const WithdrawHoursCommand = z.object({});

/** An ask's id in a URL. */
export const HourRequestId = z.uuid();

/** A contract's page after a form: what was done. */
export const ContractQuery = z.object({
  notice: z.enum(['asked', 'withdrawn', 'notPending']).optional().catch(undefined),
});
export type ContractQueryInput = z.infer<typeof ContractQuery>;
