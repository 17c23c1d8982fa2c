// What the staff record page accepts: the record in the path, the public link form, a staff comment.
import { z } from 'zod';
import { COMMENT_MAX_LENGTH } from '../../messages/index.ts';

export const RecordKindParam = z.enum(['proposal', 'quotation', 'invoice']);
export const LinkIdParam = z.string().regex(/^[1-9][0-9]{0,17}$/);

export const CreateLinkCommand = z.object({
  days: z.coerce
    .number({ error: 'Enter the number of days the link stays valid.' })
    .int('Use a whole number of days.')
    .min(1, 'A link stays valid for at least 1 day.')
    .max(365, 'A link stays valid for at most 365 days.')
    .default(30),
  allowDecision: z
    .literal('on')
    .optional()
    .transform((value) => value === 'on'),
});
export type CreateLinkInput = z.infer<typeof CreateLinkCommand>;

export const RevokeLinkCommand = z.object({});

/** A staff comment on the record's thread (the staff pages are English, like every admin page). */
export const StaffCommentCommand = z.object({
  body: z
    .string({ error: 'Write a comment first.' })
    .trim()
    .min(1, 'Write a comment first.')
    .max(COMMENT_MAX_LENGTH, `A comment can be at most ${COMMENT_MAX_LENGTH} characters long.`),
});
export type StaffCommentInput = z.infer<typeof StaffCommentCommand>;

/** "View as this client": the company's common view, or (as) one of its people's, with their role and overrides. */
export const ViewAsQuery = z.object({
  as: z.preprocess((value) => (value === '' ? undefined : value), z.uuid({ error: 'Choose a person from the list.' }).optional()),
});
export type ViewAsQueryInput = z.infer<typeof ViewAsQuery>;
