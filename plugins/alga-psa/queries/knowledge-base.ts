// Alga PSA's knowledge base as its own client portal reads it
// (packages/client-portal/src/actions/client-portal-actions/client-kb.ts, getClientKBArticles,
// getClientKBArticle, getClientKBCategories): kb_articles of the tenant with status 'published'
// and audience 'client' or 'public' (never 'internal', never a draft); the title is the article's
// document's document_name, the body its document_block_content.block_data (BlockNote JSON, one
// row per document: a unique index on tenant and document_id); categories are the global
// standard_categories (no tenant column) that hold such an article, by display_order. Alga keeps
// one knowledge base per tenant, the same for every client, and no language per article.
//
// Search: Alga's own matches the title and the slug; the portal's also reads the body, as the
// text values of the BlockNote JSON (jsonb_path_query_array '$.**.text', so a word never matches
// a key such as "type"). Each word is a bound ILIKE pattern; no index is added to Alga's tables,
// and a tenant's published client articles are few enough to read this way.
import { containsPattern } from '../../../src/index.ts';
import type { Db } from './db.ts';

export interface AlgaArticleRow {
  article_id: string;
  slug: string;
  title: string;
  category_id: string | null;
  category_name: string | null;
  block_data: unknown;
  updated_at: Date | null;
}

export interface AlgaCategoryRow {
  id: string;
  name: string;
  articles: number;
}

/** The audiences Alga's client portal shows (client-kb.ts: whereIn audience client, public). */
const CLIENT_AUDIENCES = ['client', 'public'];
/** The body's words: the text of every BlockNote node, as one text. */
const BODY_TEXT = "coalesce(jsonb_path_query_array(dbc.block_data, 'strict $.**.text')::text, '')";

function published(db: Db, tenant: string) {
  return db('kb_articles as ka')
    .join('documents as d', function () {
      this.on('d.document_id', 'ka.document_id').andOn('d.tenant', 'ka.tenant');
    })
    .leftJoin('document_block_content as dbc', function () {
      this.on('dbc.document_id', 'ka.document_id').andOn('dbc.tenant', 'ka.tenant');
    })
    .leftJoin('standard_categories as sc', 'sc.id', 'ka.category_id')
    .where('ka.tenant', tenant)
    .andWhere('ka.status', 'published')
    .whereIn('ka.audience', CLIENT_AUDIENCES);
}

const COLUMNS = [
  'ka.article_id',
  'ka.slug',
  'd.document_name as title',
  'ka.category_id',
  'sc.category_name as category_name',
  'dbc.block_data',
  'ka.updated_at',
];

/** `word` found in the title, the slug or the body's text, any case. */
const matchSql = `(d.document_name ilike ? or ka.slug ilike ? or ${BODY_TEXT} ilike ?)`;
const matchBindings = (word: string) => {
  const pattern = containsPattern(word);
  return [pattern, pattern, pattern];
};

/** Published client articles by title, a page at a time (keyset on title and id). */
export async function listAlgaArticles(
  db: Db,
  args: { tenant: string; categoryId?: string; words?: readonly string[]; afterId?: string; limit: number },
): Promise<AlgaArticleRow[]> {
  const query = published(db, args.tenant).select(COLUMNS);
  if (args.categoryId) query.andWhere('ka.category_id', args.categoryId);
  for (const word of args.words ?? []) query.andWhereRaw(matchSql, matchBindings(word));
  if (args.afterId)
    query.andWhereRaw(
      `(d.document_name, ka.article_id) > ((select pd.document_name from kb_articles pa
         join documents pd on pd.tenant = pa.tenant and pd.document_id = pa.document_id
         where pa.tenant = ? and pa.article_id = ?), ?)`,
      [args.tenant, args.afterId, args.afterId],
    );
  return query.orderBy([{ column: 'd.document_name' }, { column: 'ka.article_id' }]).limit(args.limit);
}

/** Published client articles matching any of the words, the most words matched first. */
export async function suggestAlgaArticles(
  db: Db,
  args: { tenant: string; words: readonly string[]; limit: number },
): Promise<AlgaArticleRow[]> {
  if (args.words.length === 0) return [];
  const matched = args.words.map(() => `(case when ${matchSql} then 1 else 0 end)`).join(' + ');
  const bindings = args.words.flatMap(matchBindings);
  return published(db, args.tenant)
    .select(COLUMNS)
    .andWhereRaw(`(${matched}) > 0`, bindings)
    .orderByRaw(`(${matched}) desc, d.document_name, ka.article_id`, bindings)
    .limit(args.limit);
}

/** One published client article by its id or its slug, as getClientKBArticle finds it. */
export async function findAlgaArticle(db: Db, args: { tenant: string; id: string | null; slug: string }): Promise<AlgaArticleRow | null> {
  const row = await published(db, args.tenant)
    .select(COLUMNS)
    .andWhere(function () {
      if (args.id) this.where('ka.article_id', args.id).orWhere('ka.slug', args.slug);
      else this.where('ka.slug', args.slug);
    })
    .first();
  return (row as AlgaArticleRow | undefined) ?? null;
}

/** The titles of these articles of the tenant, whatever their status and audience now (the agency reads them). */
export async function algaArticleTitles(
  db: Db,
  args: { tenant: string; ids: readonly string[] },
): Promise<Array<{ article_id: string; title: string }>> {
  if (args.ids.length === 0) return [];
  return db('kb_articles as ka')
    .join('documents as d', function () {
      this.on('d.document_id', 'ka.document_id').andOn('d.tenant', 'ka.tenant');
    })
    .where('ka.tenant', args.tenant)
    .whereIn('ka.article_id', [...args.ids])
    .select('ka.article_id', db.raw("coalesce(nullif(trim(d.document_name), ''), ka.slug) as title"));
}

/**
 * A client read the article: its view_count goes up by one, as getClientKBArticle's own
 * `trx('kb_articles').where({ tenant, article_id }).increment('view_count', 1)` does (nothing else
 * of the row changes), so the agency's counts in Alga include the portal's readers.
 */
export async function countAlgaArticleView(db: Db, args: { tenant: string; articleId: string }): Promise<void> {
  await db('kb_articles').where({ tenant: args.tenant, article_id: args.articleId }).increment('view_count', 1);
}

/** Categories holding a published client article of the tenant, in Alga's display order, with how many. */
export async function listAlgaCategories(db: Db, args: { tenant: string }): Promise<AlgaCategoryRow[]> {
  const rows = await db('standard_categories as sc')
    .select(
      'sc.id',
      'sc.category_name as name',
      db.raw(
        `(select count(*)::int from kb_articles ka
           where ka.tenant = ? and ka.category_id = sc.id and ka.status = 'published' and ka.audience in ('client', 'public')) as articles`,
        [args.tenant],
      ),
    )
    .whereExists(function () {
      this.select(db.raw('1'))
        .from('kb_articles as ka')
        .where('ka.tenant', args.tenant)
        .whereRaw('ka.category_id = sc.id')
        .andWhere('ka.status', 'published')
        .whereIn('ka.audience', CLIENT_AUDIENCES);
    })
    .orderBy([{ column: 'sc.display_order' }, { column: 'sc.category_name' }]);
  return rows as AlgaCategoryRow[];
}
