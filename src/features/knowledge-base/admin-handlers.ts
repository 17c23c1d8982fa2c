// The agency's side of "Was this helpful?": each help article clients answered, with how many said
// yes and no, the share that found it helpful and the newest answer, most "no" first (what needs
// work), over the last 30 or 90 days or every answer, a page at a time. Two reads whatever the
// number of articles: the counts (one aggregate over the portal's answers) and the page's titles
// (one call to the host, where it gives them). Read only: the articles are changed in the CRM.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { encodeCursor, renderAdminPage, staffContext } from '../../core/index.ts';
import type { KnowledgeBasePort } from './port.ts';
import { FEEDBACK_PERIODS, type FeedbackPeriod, type HelpFeedbackQueryInput } from './commands.ts';
import { presentArticleVotes } from './presenters.ts';
import { articleVoteCounts } from './queries.ts';

/** Articles on a page: a screenful to work through; the next page goes on after the last. */
const ARTICLES_PER_PAGE = 50;
const DAY_MS = 24 * 60 * 60 * 1000;
const PERIOD_DAYS: Record<FeedbackPeriod, number | null> = { '30d': 30, '90d': 90, all: null };

export function createHelpFeedbackHandlers(deps: { db: Knex; knowledgeBase: KnowledgeBasePort; now: () => Date }) {
  const { db, knowledgeBase, now } = deps;
  return {
    list: async (req: Request, res: Response) => {
      const query = res.locals.query as HelpFeedbackQueryInput;
      const { workspace, base, i18n } = staffContext(res);
      const { t } = i18n;
      const days = PERIOD_DAYS[query.period];
      const rows = await articleVoteCounts(db, {
        workspaceId: workspace.id,
        since: days === null ? null : new Date(now().getTime() - days * DAY_MS),
        after: query.after ?? null,
        limit: ARTICLES_PER_PAGE + 1,
      });
      const page = rows.slice(0, ARTICLES_PER_PAGE);
      // Null where the host gives no titles: the page then names each article by its id.
      const titles = !knowledgeBase.titles
        ? null
        : page.length
          ? await knowledgeBase.titles(
              workspace.id,
              page.map((row) => row.article_id),
            )
          : new Map<string, string>();
      const last = page.at(-1);
      const href = (params: Record<string, string>) => `${base}/help-feedback?${new URLSearchParams(params)}`;
      renderAdminPage(req, res, 'admin/help-feedback', t('knowledge:feedback.title'), {
        action: `${base}/help-feedback`,
        periods: FEEDBACK_PERIODS.map((period) => ({
          value: period,
          label: t(`knowledge:feedback.periods.${period}`),
          selected: period === query.period,
        })),
        periodLabel: t(`knowledge:feedback.periods.${query.period}`),
        titlesKnown: titles !== null,
        articles: page.map((row) => presentArticleVotes(i18n, row, titles)),
        nextUrl:
          rows.length > ARTICLES_PER_PAGE && last
            ? href({ period: query.period, after: encodeCursor([last.no_count, last.yes_count, last.article_id]) })
            : null,
        firstPageUrl: query.after ? href({ period: query.period }) : null,
      });
    },
  };
}

export type HelpFeedbackHandlers = ReturnType<typeof createHelpFeedbackHandlers>;
