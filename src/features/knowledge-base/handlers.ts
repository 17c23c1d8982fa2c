// The knowledge base pages: the published articles by category with a search, one article, and
// the suggestions the new-ticket form shows as its subject is typed, all read through the host's
// KnowledgeBasePort in the reader's language, then the workspace's, then any.
import type { Request, Response } from 'express';
import {
  type KnowledgeBasePort,
  notFound,
  parseParam,
  portalContext,
  portalI18n,
  renderPortalPage,
  signedInClient,
  readerLanguages,
} from '../../core/index.ts';
import { ArticleId, type KnowledgeQueryInput, type SuggestionsQueryInput } from './commands.ts';
import { presentArticle, presentArticleRow, presentCategory } from './presenters.ts';
import { searchWords, suggestionWords } from './words.ts';

const ARTICLES_PAGE_SIZE = 20;
/** The new-ticket form lists at most this many: enough to help, few enough to read while typing. */
const SUGGESTIONS_SHOWN = 5;

export interface KnowledgeBaseDeps {
  knowledgeBase: KnowledgeBasePort;
}

export function createKnowledgeBaseHandlers(deps: KnowledgeBaseDeps) {
  const { knowledgeBase } = deps;

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
    const article = await knowledgeBase.find(workspace.id, user.client_id, readerLanguages(res), id);
    if (!article) throw notFound('We could not find that article.');
    renderPortalPage(req, res, 'knowledge/show', article.title, { article: presentArticle(i18n, base, article) });
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

  return { list, show, suggestions };
}

export type KnowledgeBaseHandlers = ReturnType<typeof createKnowledgeBaseHandlers>;
