// What the knowledge base routes accept: the list's search, category and cursor, the subject the
// new-ticket form sends for suggestions, the article id in the path, and the agency's page of
// answers: its period and cursor. Messages are keys of this feature's locales, so a client (or a
// staff member) reads them in their language.
import { z } from 'zod';
import { decodeCursor, HostIdParam } from '../../core/index.ts';

/** A host id in a URL: whatever the host uses, within reason; the adapter decides if it is published. */
export const ArticleId = HostIdParam;

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

/** The periods the agency's page of answers counts over: the last 30 or 90 days, or every answer. */
export const FEEDBACK_PERIODS = ['30d', '90d', 'all'] as const;
export type FeedbackPeriod = (typeof FEEDBACK_PERIODS)[number];

/** A page of the counts goes on after this article: its "no" and "yes" counts and its id. */
const feedbackCursor = z.string().transform((text, ctx) => {
  const parts = decodeCursor(text);
  const [noCount, yesCount, articleId] = parts ?? [];
  const id = ArticleId.safeParse(articleId);
  if (parts?.length !== 3 || typeof noCount !== 'number' || typeof yesCount !== 'number' || noCount < 0 || yesCount < 0 || !id.success) {
    ctx.addIssue({ code: 'custom', message: 'knowledge:feedback.errors.page' });
    return z.NEVER;
  }
  return { noCount, yesCount, articleId: id.data };
});

export const HelpFeedbackQuery = z.object({
  period: z.enum(FEEDBACK_PERIODS, { message: 'knowledge:feedback.errors.period' }).default('all'),
  after: feedbackCursor.optional(),
});
export type HelpFeedbackQueryInput = z.infer<typeof HelpFeedbackQuery>;
