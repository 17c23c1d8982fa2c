// The reference CRM's knowledge base as the portal's KnowledgeBasePort: published client
// articles of the workspace (the CRM keeps one knowledge base per workspace, the same for all its
// clients, so the client id is only checked to be one), in the reader's language where a
// translation exists, bodies read from markdown into text blocks.
import type { KnowledgeArticleSummary, KnowledgeBasePort } from '../../../src/index.ts';
import { excerptOf, markdownBlocks, nameIn } from '../../shared/knowledge-text.ts';
import { parseId, toHostId } from '../ids.ts';
import type { Db } from '../queries/db.ts';
import {
  findKbArticle,
  type KbArticleRow,
  kbArticleTitles,
  listKbArticles,
  listKbCategories,
  suggestKbArticles,
} from '../queries/knowledge-base.ts';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.ts';

function presentSummary(row: KbArticleRow, languages: readonly string[]): KnowledgeArticleSummary {
  return {
    id: toHostId(row.id),
    title: row.title,
    category:
      row.category_id !== null && row.category_names
        ? { id: toHostId(row.category_id), name: nameIn(row.category_names, languages) }
        : null,
    language: row.language,
    excerpt: excerptOf(markdownBlocks(row.body)),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function referenceKnowledgeBase(db: Db): KnowledgeBasePort {
  const scope = (workspaceId: string, clientId: string) => {
    const ws = parseId(workspaceId);
    return ws !== null && parseId(clientId) !== null ? ws : null;
  };
  return {
    async categories(workspaceId, clientId, languages) {
      const ws = scope(workspaceId, clientId);
      if (ws === null) return [];
      const rows = await listKbCategories(db, { workspaceId: ws });
      return rows.map((row) => ({ id: toHostId(row.id), name: nameIn(row.names, languages), articles: row.articles }));
    },
    async list(workspaceId, clientId, languages, filter, page) {
      const none = { items: [], next: null };
      const ws = scope(workspaceId, clientId);
      const categoryId = filter.categoryId === undefined ? undefined : parseId(filter.categoryId);
      if (ws === null || categoryId === null) return none;
      const key = page.after ? decodeCursor(page.after, ['number']) : null;
      if (page.after && !key) return none;
      const limit = pageLimit(page.limit);
      const rows = await listKbArticles(db, {
        workspaceId: ws,
        languages,
        ...(categoryId !== undefined ? { categoryId } : {}),
        ...(filter.words ? { words: filter.words } : {}),
        ...(key ? { afterId: key[0] as number } : {}),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return {
        items: items.map((row) => presentSummary(row, languages)),
        // The last article's id: the next page reads its title again (a title outgrows a cursor).
        next: rows.length > limit && last ? encodeCursor([last.id]) : null,
      };
    },
    async find(workspaceId, clientId, languages, articleId) {
      const ws = scope(workspaceId, clientId);
      const id = parseId(articleId);
      if (ws === null || id === null) return null;
      const row = await findKbArticle(db, { workspaceId: ws, languages, id });
      if (!row) return null;
      const body = markdownBlocks(row.body);
      return { ...presentSummary(row, languages), excerpt: excerptOf(body), body };
    },
    async suggest(workspaceId, clientId, languages, words, limit) {
      const ws = scope(workspaceId, clientId);
      if (ws === null || words.length === 0) return [];
      const rows = await suggestKbArticles(db, { workspaceId: ws, languages, words, limit: Math.min(Math.max(limit, 1), 20) });
      return rows.map((row) => presentSummary(row, languages));
    },
    async titles(workspaceId, ids) {
      const ws = parseId(workspaceId);
      // An id that is not one of the CRM's (a number) names no article: it is left out.
      const wanted = [...new Set(ids.map((id) => parseId(id)).filter((id): id is number => id !== null))];
      if (ws === null || wanted.length === 0) return new Map();
      const rows = await kbArticleTitles(db, { workspaceId: ws, ids: wanted });
      return new Map(rows.map((row) => [toHostId(row.id), row.title]));
    },
  };
}
