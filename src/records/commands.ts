// What the staff record page accepts: the record in the path, and the public link form.
import { z } from 'zod';

export const RecordKindParam = z.enum(['proposal', 'quotation', 'invoice']);
export const HostIdParam = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
export const LinkIdParam = z.string().regex(/^[1-9][0-9]{0,17}$/);

export const CreateLinkCommand = z.object({
  days: z.coerce
    .number({ error: 'Enter the number of days the link stays valid.' })
    .int('Use a whole number of days.')
    .min(1, 'A link stays valid for at least 1 day.')
    .max(365, 'A link stays valid for at most 365 days.')
    .default(30),
  allowDecision: z.literal('on').optional().transform((value) => value === 'on'),
});
export type CreateLinkInput = z.infer<typeof CreateLinkCommand>;

export const RevokeLinkCommand = z.object({});
