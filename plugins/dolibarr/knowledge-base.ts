// KnowledgeBasePort on Dolibarr: the entity's validated knowledge records (queries/knowledge-base.ts),
// answers read from their HTML into text blocks (plugins/shared/knowledge-html.ts).
import type { Knex } from 'knex';
import type { KnowledgeArticleSummary, KnowledgeBasePort } from '../../src/index.ts';
import { decodeCursor, encodeCursor } from '../../src/index.ts';
import { excerptOf } from '../shared/knowledge-text.ts';
import { parseId, toHostId } from './ids.ts';
import { htmlBlocks } from '../shared/knowledge-html.ts';
import { moduleEnabled } from './queries/constants.ts';
import {
  findKnowledgeRecord,
  knowledgeRecordTitles,
  knowledgeTablesExist,
  type KnowledgeRecordRow,
  listKnowledgeCategories,
  listKnowledgeRecords,
  suggestKnowledgeRecords,
} from './queries/knowledge-base.ts';

type EntityOf = (workspaceId: string) => number | null;

function presentRecord(row: KnowledgeRecordRow): KnowledgeArticleSummary {
  return {
    id: toHostId(row.rowid),
    title: row.question,
    category: row.category_id !== null && row.category_label ? { id: toHostId(row.category_id), name: row.category_label } : null,
    language: row.lang?.trim() || null,
    excerpt: excerptOf(htmlBlocks(row.answer)),
    updatedAt: row.tms ? row.tms.toISOString() : null,
  };
}

const wordsOf = (words: readonly string[]) =>
  words
    .map((word) => word.trim())
    .filter((word) => word.length > 0 && word.length <= 50)
    .slice(0, 10);

export function dolibarrKnowledgeBase(db: Knex, entityOf: EntityOf): KnowledgeBasePort {
  const scope = (workspaceId: string, clientId: string) => {
    const entity = entityOf(workspaceId);
    return entity !== null && parseId(clientId) !== null ? entity : null;
  };
  return {
    async categories(workspaceId, clientId, languages) {
      const entity = scope(workspaceId, clientId);
      if (entity === null) return [];
      return (await listKnowledgeCategories(db, { entity, languages })).map((row) => ({
        id: toHostId(row.rowid),
        name: row.label,
        articles: row.articles,
      }));
    },
    async list(workspaceId, clientId, languages, filter, page) {
      const none = { items: [], next: null };
      const entity = scope(workspaceId, clientId);
      const categoryId = filter.categoryId === undefined ? undefined : parseId(filter.categoryId);
      if (entity === null || categoryId === null) return none;
      let afterId: number | undefined;
      if (page.after) {
        const parts = decodeCursor(page.after);
        const id = parts?.length === 1 ? parseId(parts[0]) : null;
        if (id === null) return none;
        afterId = id;
      }
      const words = filter.words ? wordsOf(filter.words) : [];
      if (filter.words?.length && words.length === 0) return none;
      const limit = Math.min(Math.max(page.limit, 1), 100);
      const rows = await listKnowledgeRecords(db, {
        entity,
        languages,
        ...(categoryId !== undefined ? { categoryId } : {}),
        words,
        ...(afterId !== undefined ? { afterId } : {}),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items: items.map(presentRecord), next: rows.length > limit && last ? encodeCursor([toHostId(last.rowid)]) : null };
    },
    async find(workspaceId, clientId, _languages, articleId) {
      const entity = scope(workspaceId, clientId);
      const id = parseId(articleId);
      if (entity === null || id === null) return null;
      const row = await findKnowledgeRecord(db, { entity, id });
      if (!row) return null;
      const body = htmlBlocks(row.answer);
      return { ...presentRecord(row), excerpt: excerptOf(body), body };
    },
    async suggest(workspaceId, clientId, languages, words, limit) {
      const entity = scope(workspaceId, clientId);
      const usable = wordsOf(words);
      if (entity === null || usable.length === 0) return [];
      const rows = await suggestKnowledgeRecords(db, { entity, languages, words: usable, limit: Math.min(Math.max(limit, 1), 20) });
      return rows.map(presentRecord);
    },
    async titles(workspaceId, ids) {
      const entity = entityOf(workspaceId);
      const wanted = [...new Set(ids.map((id) => parseId(id)).filter((id): id is number => id !== null))];
      if (entity === null || wanted.length === 0) return new Map();
      const rows = await knowledgeRecordTitles(db, { entity, ids: wanted });
      return new Map(rows.map((row) => [toHostId(row.rowid), row.question]));
    },
  };
}

/**
 * Whether the portal may offer the knowledge base beside this Dolibarr: the KnowledgeManagement
 * module's tables are there and the module is on for the entity (MAIN_MODULE_KNOWLEDGEMANAGEMENT).
 */
export async function dolibarrKnowledgeModule(db: Knex, entity: number): Promise<boolean> {
  return (await knowledgeTablesExist(db)) && (await moduleEnabled(db, { entity, module: 'knowledgemanagement' }));
}
