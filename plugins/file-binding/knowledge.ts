// The knowledge base port from the file's `knowledgeBase` section: the articles the agency published
// for its clients (queries/knowledge.ts), read only. A body is read into the portal's text blocks
// by its format (editor HTML, markdown or text), so no markup the host keeps reaches a page.
import type { Knex } from 'knex';
import {
  clampLimit,
  containsPattern,
  decodeCursor,
  encodeCursor,
  type KnowledgeArticleSummary,
  type KnowledgeBasePort,
  type KnowledgeBlock,
} from '../../src/index.ts';
import { htmlBlocks } from '../shared/knowledge-html.ts';
import { excerptOf, markdownBlocks } from '../shared/knowledge-text.ts';
import type { KnowledgeBaseConcept } from './format.ts';
import { type ArticleRow, articleRows, articleTitles, categoryRows, type Reader } from './queries/knowledge.ts';
import type { WorkspaceRule } from './queries/scoped.ts';

/** The most words a search or a suggestion asks about. */
const MAX_WORDS = 10;

interface Keys {
  workspace(id: string): string | null;
  client(id: string): string | null;
  article(id: string): string | null;
  category(id: string): string | null;
}

/** Plain text as paragraphs: a blank line ends one. */
function textBlocks(text: string | null): KnowledgeBlock[] {
  return (text ?? '')
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .map((paragraph) => ({ kind: 'paragraph', text: paragraph }));
}

const wordsOf = (words: readonly string[]) =>
  words
    .map((word) => word.trim())
    .filter((word) => word.length > 0 && word.length <= 50)
    .slice(0, MAX_WORDS);

export function fileKnowledgeBasePort(db: Knex, concept: KnowledgeBaseConcept, rule: WorkspaceRule, keys: Keys): KnowledgeBasePort {
  const blocksOf = (body: string | null): KnowledgeBlock[] =>
    concept.format === 'html' ? htmlBlocks(body) : concept.format === 'markdown' ? markdownBlocks(body ?? '') : textBlocks(body);

  const present = (row: ArticleRow, blocks = blocksOf(row.body)): KnowledgeArticleSummary => ({
    id: row.id,
    title: row.title,
    category: row.category_id !== null && row.category_name ? { id: row.category_id, name: row.category_name } : null,
    language: row.language?.trim() || null,
    excerpt: excerptOf(blocks),
    updatedAt: row.updated_at ? new Date(row.updated_at).toISOString() : null,
  });

  const readerOf = (workspaceId: string, clientId: string, languages: readonly string[]): Reader | null => {
    const ws = keys.workspace(workspaceId);
    const client = keys.client(clientId);
    return ws === null || client === null ? null : { ws, client, languages };
  };

  return {
    async categories(workspaceId, clientId, languages) {
      const reader = readerOf(workspaceId, clientId, languages);
      if (!reader) return [];
      return (await categoryRows(db, concept, rule, reader)).map((row) => ({ id: row.id, name: row.name ?? '', articles: row.articles }));
    },
    async list(workspaceId, clientId, languages, filter, page) {
      const none = { items: [], next: null };
      const reader = readerOf(workspaceId, clientId, languages);
      const category = filter.categoryId === undefined ? undefined : keys.category(filter.categoryId);
      if (!reader || category === null) return none;
      let after: string | undefined;
      // An empty or malformed cursor is no page at all, never the first one again.
      if (page.after !== undefined && page.after !== null) {
        const parts = decodeCursor(page.after);
        const id = parts?.length === 1 && typeof parts[0] === 'string' ? keys.article(parts[0]) : null;
        if (id === null) return none;
        after = id;
      }
      const words = filter.words ? wordsOf(filter.words) : [];
      if (filter.words?.length && words.length === 0) return none;
      const limit = clampLimit(page.limit);
      const rows = await articleRows(
        db,
        concept,
        rule,
        reader,
        {
          ...(category !== undefined ? { category } : {}),
          ...(words.length > 0 ? { words: { patterns: words.map(containsPattern), mode: 'all' as const } } : {}),
          ...(after !== undefined ? { after } : {}),
        },
        limit + 1,
      );
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items: items.map((row) => present(row)), next: rows.length > limit && last ? encodeCursor([last.id]) : null };
    },
    async find(workspaceId, clientId, languages, articleId) {
      const reader = readerOf(workspaceId, clientId, languages);
      const id = keys.article(articleId);
      if (!reader || id === null) return null;
      const [row] = await articleRows(db, concept, rule, reader, { id }, 1);
      if (!row) return null;
      const body = blocksOf(row.body);
      return { ...present(row, body), body };
    },
    async suggest(workspaceId, clientId, languages, words, limit) {
      const reader = readerOf(workspaceId, clientId, languages);
      const usable = wordsOf(words);
      if (!reader || usable.length === 0) return [];
      const rows = await articleRows(
        db,
        concept,
        rule,
        reader,
        { words: { patterns: usable.map(containsPattern), mode: 'any' } },
        Math.min(Math.max(limit, 1), 20),
      );
      return rows.map((row) => present(row));
    },
    async titles(workspaceId, ids) {
      const ws = keys.workspace(workspaceId);
      const wanted = [...new Set(ids.map((id) => keys.article(id)).filter((id): id is string => id !== null))];
      if (ws === null || wanted.length === 0) return new Map();
      return new Map((await articleTitles(db, concept, rule, ws, wanted)).map((row) => [row.id, row.title]));
    },
  };
}
