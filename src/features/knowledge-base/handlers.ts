// The knowledge base pages: the published articles by category with a search, one article, and
// the suggestions the new-ticket form shows as its subject is typed, all read through the host's
// KnowledgeBasePort in the reader's language, then the workspace's, then any; and each person's
// "Was this helpful?" answer on an article (post/redirect/get; htmx swaps the answer in place).
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { notFound, parseParam, portalContext, portalI18n, renderPortalPage, signedInClient, readerLanguages } from '../../core/index.ts';
import type { KnowledgeBasePort } from './port.ts';
import { ArticleId, type HelpfulCommandInput, type KnowledgeQueryInput, type SuggestionsQueryInput } from './commands.ts';
import { presentArticle, presentArticleRow, presentCategory } from './presenters.ts';
import { saveVote, voteOf } from './queries.ts';
import { searchWords, suggestionWords } from './words.ts';

const ARTICLES_PAGE_SIZE = 20;
/** The new-ticket form lists at most this many: enough to help, few enough to read while typing. */
const SUGGESTIONS_SHOWN = 5;

export interface KnowledgeBaseDeps {
  db: Knex;
  knowledgeBase: KnowledgeBasePort;
  now: () => Date;
}

export function createKnowledgeBaseHandlers(deps: KnowledgeBaseDeps) {
  const { db, knowledgeBase, now } = deps;

  async function list(req: Request, res: Response) {
    const query = res.locals.query as KnowledgeQueryInput;
    const { workspace, base } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const languages = readerLanguages(res);
    const words = query.q ? searchWords(query.q) : undefined;
    const [categories, page] = await Promise.all([
      knowledgeBase.categories(workspace.id, user.client_id, languages),
      // A search of no words at all (only punctuation) finds nothing, without asking.
      words && words.length === 0
        ? { items: [], next: null }
        : knowledgeBase.list(
            workspace.id,
            user.client_id,
            languages,
            { ...(query.category ? { categoryId: query.category } : {}), ...(words ? { words } : {}) },
            { limit: ARTICLES_PAGE_SIZE, after: query.after ?? null },
          ),
    ]);
    const category = query.category ? categories.find((c) => c.id === query.category) : undefined;
    if (query.category && !category) throw notFound('We could not find that category.');
    const href = (params: Record<string, string | undefined>) => {
      const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])));
      return `${base}/knowledge${search.size ? `?${search}` : ''}`;
    };
    renderPortalPage(req, res, 'knowledge/index', category ? category.name : i18n.t('knowledge:title'), {
      q: query.q ?? '',
      category: query.category ?? '',
      heading: category?.name ?? null,
      allHref: href({ q: query.q }),
      categories: categories.map((c) => presentCategory(base, c, query.category)),
      articles: page.items.map((article) => presentArticleRow(i18n, base, article)),
      search: {
        query: query.q ?? '',
        count: page.items.length,
        more: page.next !== null,
        clearHref: href({ category: query.category }),
      },
      nextUrl: page.next ? href({ category: query.category, q: query.q, after: page.next }) : null,
      firstPageUrl: query.after ? href({ category: query.category, q: query.q }) : null,
    });
  }

  async function show(req: Request, res: Response) {
    const { workspace, base } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const id = parseParam(ArticleId, req.params.articleId);
    const [article, vote] = await Promise.all([
      knowledgeBase.find(workspace.id, user.client_id, readerLanguages(res), id),
      voteOf(db, { workspaceId: workspace.id, articleId: id, clientUserId: user.id }),
    ]);
    if (!article) throw notFound('We could not find that article.');
    renderPortalPage(req, res, 'knowledge/show', article.title, {
      article: presentArticle(i18n, base, article),
      helpful: {
        action: `${base}/knowledge/${encodeURIComponent(article.id)}/helpful`,
        answer: vote === null ? null : vote ? 'yes' : 'no',
      },
    });
  }

  /**
   * "Was this helpful?": the person's yes or no on an article they may read, written or changed,
   * then back to the article (303), where the answer shows; htmx takes the answer's part of it.
   */
  async function helpful(req: Request, res: Response) {
    const { workspace, base } = portalContext(res);
    const { user } = signedInClient(res);
    const id = parseParam(ArticleId, req.params.articleId);
    const input = req.body as HelpfulCommandInput;
    const article = await knowledgeBase.find(workspace.id, user.client_id, readerLanguages(res), id);
    if (!article) throw notFound('We could not find that article.');
    await saveVote(db, { workspaceId: workspace.id, articleId: article.id, clientUserId: user.id }, input.helpful === 'yes', now());
    res.redirect(303, `${base}/knowledge/${encodeURIComponent(article.id)}#helpful`);
  }

  /** The articles that may answer a ticket about to be written: a fragment for the form, or a page of its own. */
  async function suggestions(req: Request, res: Response) {
    const query = res.locals.query as SuggestionsQueryInput;
    const { workspace, base } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const words = query.subject ? suggestionWords(query.subject) : [];
    const found = words.length
      ? await knowledgeBase.suggest(workspace.id, user.client_id, readerLanguages(res), words, SUGGESTIONS_SHOWN)
      : [];
    renderPortalPage(req, res, 'knowledge/_suggestions', i18n.t('knowledge:suggestions.title'), {
      articles: found.slice(0, SUGGESTIONS_SHOWN).map((article) => presentArticleRow(i18n, base, article)),
    });
  }

  return { list, show, suggestions, helpful };
}

export type KnowledgeBaseHandlers = ReturnType<typeof createKnowledgeBaseHandlers>;
