// KnowledgeBasePort on Alga PSA: the tenant's published client articles as Alga's own client
// portal shows them (queries/knowledge-base.ts), the body read from its BlockNote JSON into text
// blocks: headings, paragraphs, list items, quotes and code by their block type, tables as rows of
// text, anything else (an image, a file) as the text it carries, if any. Alga keeps no language
// per article: every article is given whatever the reader's language.
import type { Knex } from 'knex';
import type { KnowledgeArticleSummary, KnowledgeBasePort, KnowledgeBlock } from '../../src/index.ts';
import { decodeCursor, encodeCursor } from '../../src/index.ts';
import { excerptOf } from '../shared/knowledge-text.ts';
import { parseUuid, parseUuids } from './ids.ts';
import {
  type AlgaArticleRow,
  algaArticleTitles,
  countAlgaArticleView,
  findAlgaArticle,
  listAlgaArticles,
  listAlgaCategories,
  suggestAlgaArticles,
} from './queries/knowledge-base.ts';
import { inlineText } from './tickets.ts';

type TenantOf = (workspaceId: string) => string | null;

const KIND_OF: Record<string, KnowledgeBlock['kind']> = {
  heading: 'heading',
  paragraph: 'paragraph',
  bulletListItem: 'bullet',
  checkListItem: 'bullet',
  numberedListItem: 'numbered',
  quote: 'quote',
  codeBlock: 'code',
};

/** BlockNote blocks as text blocks, children after their parent, empty ones left out. */
function blockNoteBlocks(stored: unknown): KnowledgeBlock[] {
  const blocks: KnowledgeBlock[] = [];
  const walk = (nodes: unknown) => {
    if (!Array.isArray(nodes)) return;
    for (const node of nodes) {
      const { type, content, children } = (node ?? {}) as { type?: unknown; content?: unknown; children?: unknown };
      const text = inlineText(content).trim();
      if (text) blocks.push({ kind: (typeof type === 'string' && KIND_OF[type]) || 'paragraph', text });
      walk(children);
    }
  };
  // block_data is jsonb: an array of blocks (or, from an older writer, a JSON string of one).
  let parsed = stored;
  if (typeof stored === 'string') {
    try {
      parsed = JSON.parse(stored);
    } catch {
      return stored.trim() ? [{ kind: 'paragraph', text: stored.trim() }] : [];
    }
  }
  walk(parsed);
  return blocks;
}

function presentArticle(row: AlgaArticleRow): KnowledgeArticleSummary {
  return {
    id: row.article_id,
    title: row.title?.trim() || row.slug,
    category: row.category_id && row.category_name ? { id: row.category_id, name: row.category_name } : null,
    language: null,
    excerpt: excerptOf(blockNoteBlocks(row.block_data)),
    updatedAt: row.updated_at ? row.updated_at.toISOString() : null,
  };
}

/** A search's words, as Alga's own search takes text: at most ten, of at most fifty characters. */
const wordsOf = (words: readonly string[]) =>
  words
    .map((word) => word.trim())
    .filter((word) => word.length > 0 && word.length <= 50)
    .slice(0, 10);

export function algaKnowledgeBase(db: Knex, tenantOf: TenantOf): KnowledgeBasePort {
  const scope = (workspaceId: string, clientId: string) => {
    const tenant = tenantOf(workspaceId);
    return tenant !== null && parseUuid(clientId) !== null ? tenant : null;
  };
  return {
    async categories(workspaceId, clientId) {
      const tenant = scope(workspaceId, clientId);
      if (tenant === null) return [];
      return (await listAlgaCategories(db, { tenant })).map((row) => ({ id: row.id, name: row.name, articles: row.articles }));
    },
    async list(workspaceId, clientId, _languages, filter, page) {
      const none = { items: [], next: null };
      const tenant = scope(workspaceId, clientId);
      const categoryId = filter.categoryId === undefined ? undefined : parseUuid(filter.categoryId);
      if (tenant === null || categoryId === null) return none;
      let afterId: string | undefined;
      if (page.after) {
        const parts = decodeCursor(page.after);
        const id = parts?.length === 1 ? parseUuid(parts[0]) : null;
        if (!id) return none;
        afterId = id;
      }
      const words = filter.words ? wordsOf(filter.words) : [];
      if (filter.words?.length && words.length === 0) return none;
      const limit = Math.min(Math.max(page.limit, 1), 100);
      const rows = await listAlgaArticles(db, {
        tenant,
        ...(categoryId ? { categoryId } : {}),
        words,
        ...(afterId ? { afterId } : {}),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items: items.map(presentArticle), next: rows.length > limit && last ? encodeCursor([last.article_id]) : null };
    },
    async find(workspaceId, clientId, _languages, articleId) {
      const tenant = scope(workspaceId, clientId);
      if (tenant === null || !/^[A-Za-z0-9_-]{1,200}$/.test(articleId)) return null;
      const row = await findAlgaArticle(db, { tenant, id: parseUuid(articleId), slug: articleId });
      if (!row) return null;
      await countAlgaArticleView(db, { tenant, articleId: row.article_id });
      const body = blockNoteBlocks(row.block_data);
      return { ...presentArticle(row), excerpt: excerptOf(body), body };
    },
    async suggest(workspaceId, clientId, _languages, words, limit) {
      const tenant = scope(workspaceId, clientId);
      const usable = wordsOf(words);
      if (tenant === null || usable.length === 0) return [];
      const rows = await suggestAlgaArticles(db, { tenant, words: usable, limit: Math.min(Math.max(limit, 1), 20) });
      return rows.map(presentArticle);
    },
    async titles(workspaceId, ids) {
      const tenant = tenantOf(workspaceId);
      // The portal keeps an article by Alga's id (a uuid): anything else names none.
      const wanted = parseUuids([...ids]);
      if (tenant === null || wanted.length === 0) return new Map();
      const rows = await algaArticleTitles(db, { tenant, ids: wanted });
      return new Map(rows.map((row) => [row.article_id, row.title]));
    },
  };
}
