// A client's comment on a proposal, quotation or invoice. The messages are translation keys
// (namespace comments), shown next to the field in the reader's language.
import { z } from 'zod';

export const COMMENT_MAX_LENGTH = 5000;

export const AddCommentCommand = z.object({
  body: z
    .string({ error: 'comments:errors.empty' })
    .trim()
    .min(1, 'comments:errors.empty')
    .max(COMMENT_MAX_LENGTH, 'comments:errors.tooLong'),
});

export type AddCommentInput = z.infer<typeof AddCommentCommand>;
