// What the knowledge base routes accept: the list's search, category and cursor, the subject the
// new-ticket form sends for suggestions, and the article id in the path. Messages are keys of this
// feature's locales, so a client reads them in their language.
import { z } from 'zod';

/** A host id in a URL: whatever the host uses, within reason; the adapter decides if it is published. */
export const ArticleId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .optional()
    .transform((text) => (text ? text : undefined));

/** "Was this helpful?": yes or no, nothing else. */
export const HelpfulCommand = z.object({
  helpful: z.enum(['yes', 'no'], { message: 'knowledge:helpful.invalid' }),
});
export type HelpfulCommandInput = z.infer<typeof HelpfulCommand>;

export const KnowledgeQuery = z.object({
  q: optionalText(100, 'knowledge:errors.search'),
  category: ArticleId.optional().or(z.literal('').transform(() => undefined)),
  after: z
    .string()
    .max(400, 'knowledge:errors.page')
    .regex(/^[A-Za-z0-9_-]*$/, 'knowledge:errors.page')
    .optional(),
});
export type KnowledgeQueryInput = z.infer<typeof KnowledgeQuery>;

/** The subject as typed so far: a ticket's subject is at most 200 characters. */
export const SuggestionsQuery = z.object({
  subject: optionalText(200, 'knowledge:errors.subject'),
});
export type SuggestionsQueryInput = z.infer<typeof SuggestionsQuery>;
