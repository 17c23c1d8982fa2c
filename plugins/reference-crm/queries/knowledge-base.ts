// The knowledge base's reads and the seed's writes. Clients read only published client articles
// (audience 'client', status 'published'), scoped by workspace in every statement: the CRM keeps
// one knowledge base per workspace, the same for all its clients. Of an article's translations,
// the one in the first of the reader's languages is read, else the lowest id (DISTINCT ON the
// translation group, ranked by array_position of the language).
//
// Search is PostgreSQL full text on the stored `search` column (GIN index): each word a prefix
// (`word:*`), all of them for the list, any of them (ranked) for suggestions. Words arrive as
// letters and digits only (KNOWLEDGE_WORD), so nothing the reader typed is tsquery syntax, and the
// query text is a bound parameter.
import type { Db } from './db.ts';

export interface KbArticleRow {
  id: number;
  title: string;
  category_id: number | null;
  category_names: Record<string, string> | null;
  language: string;
  body: string;
  updated_at: Date;
}

export interface KbCategoryRow {
  id: number;
  names: Record<string, string>;
  articles: number;
}

/** A word the search takes: letters and digits of any script. */
const KNOWLEDGE_WORD = /^[\p{L}\p{N}]{1,50}$/u;

const PUBLISHED = "a.audience = 'client' and a.status = 'published'";
/** The rank of an article's language among the reader's: theirs first, unknown last. */
const LANGUAGE_RANK = "coalesce(array_position(string_to_array(?, ','), a.language::text), 2147483647)";

/** The reader's languages as one bound parameter: codes only, comma-separated (knex would spread an array). */
function languageList(languages: readonly string[]): string {
  return languages.filter((language) => /^[A-Za-z_-]{1,16}$/.test(language)).join(',');
}

/** `word:* & other:*` (all) or `word:* | other:*` (any), from words already checked. */
function prefixQuery(words: readonly string[], join: '&' | '|'): string | null {
  const usable = words.filter((word) => KNOWLEDGE_WORD.test(word)).slice(0, 10);
  return usable.length ? usable.map((word) => `${word.toLowerCase()}:*`).join(` ${join} `) : null;
}

/** One row per article in the reader's language: the candidates, before any order or page. */
function preferredArticles(
  db: Db,
  args: { workspaceId: number; languages: readonly string[]; categoryId?: number; query?: string | null; bodyChars?: number },
) {
  const inner = db('kb_articles as a')
    .distinctOn('a.translation_group')
    .select(
      'a.id',
      'a.title',
      'a.category_id',
      'a.language',
      'a.updated_at',
      'a.search',
      db.raw('left(a.body, ?) as body', [args.bodyChars ?? 600]),
    )
    .where('a.workspace_id', args.workspaceId)
    .whereRaw(PUBLISHED)
    .orderBy('a.translation_group')
    .orderByRaw(LANGUAGE_RANK, [languageList(args.languages)])
    .orderBy('a.id');
  if (args.categoryId !== undefined) inner.where('a.category_id', args.categoryId);
  if (args.query) inner.whereRaw("a.search @@ to_tsquery('simple', ?)", [args.query]);
  return inner;
}

const articleColumns = (db: Db, workspaceId: number) => [
  'x.id',
  'x.title',
  'x.category_id',
  'x.language',
  'x.body',
  'x.updated_at',
  // The category's names by the workspace's value, so on Citus the read stays on the article's node.
  db.raw('(select c.names from kb_categories c where c.workspace_id = ? and c.id = x.category_id) as category_names', [workspaceId]),
];

/** Published client articles by title, a page at a time (keyset on title and id). */
export async function listKbArticles(
  db: Db,
  args: {
    workspaceId: number;
    languages: readonly string[];
    categoryId?: number;
    words?: readonly string[];
    /** The last article of the page before: the page goes on after its title. */
    afterId?: number;
    limit: number;
  },
): Promise<KbArticleRow[]> {
  const query = args.words?.length ? prefixQuery(args.words, '&') : null;
  // Words given but none usable: nothing matches, as a search for punctuation finds nothing.
  if (args.words?.length && !query) return [];
  const rows = db
    .from(preferredArticles(db, { ...args, query }).as('x'))
    .select(articleColumns(db, args.workspaceId))
    .orderBy([{ column: 'x.title' }, { column: 'x.id' }])
    .limit(args.limit);
  if (args.afterId !== undefined)
    rows.whereRaw('(x.title, x.id) > ((select p.title from kb_articles p where p.workspace_id = ? and p.id = ?), ?)', [
      args.workspaceId,
      args.afterId,
      args.afterId,
    ]);
  return rows;
}

/** Up to `limit` published client articles matching any of the words, the best match first. */
export async function suggestKbArticles(
  db: Db,
  args: { workspaceId: number; languages: readonly string[]; words: readonly string[]; limit: number },
): Promise<KbArticleRow[]> {
  const query = prefixQuery(args.words, '|');
  if (!query) return [];
  return db
    .from(preferredArticles(db, { ...args, query }).as('x'))
    .select(articleColumns(db, args.workspaceId))
    .orderByRaw("ts_rank(x.search, to_tsquery('simple', ?)) desc, x.title, x.id", [query])
    .limit(args.limit);
}

/**
 * A published client article, in the reader's language where its translation group has one: the
 * article asked for when it is in one of their languages, else its best translation.
 */
export async function findKbArticle(
  db: Db,
  args: { workspaceId: number; languages: readonly string[]; id: number },
): Promise<KbArticleRow | null> {
  const row = await db('kb_articles as a')
    .leftJoin('kb_categories as c', function () {
      this.on('c.workspace_id', db.raw('?', [args.workspaceId])).andOn('c.id', 'a.category_id');
    })
    .select('a.id', 'a.title', 'a.category_id', 'a.language', 'a.body', 'a.updated_at', 'c.names as category_names')
    .where('a.workspace_id', args.workspaceId)
    .whereRaw(PUBLISHED)
    .whereRaw(
      `a.translation_group = (select g.translation_group from kb_articles g
         where g.workspace_id = ? and g.id = ? and g.audience = 'client' and g.status = 'published')`,
      [args.workspaceId, args.id],
    )
    .orderByRaw(`${LANGUAGE_RANK}, (a.id = ?) desc, a.id`, [languageList(args.languages), args.id])
    .first();
  return (row as KbArticleRow | undefined) ?? null;
}

/** The titles of these articles of the workspace, whatever their audience and status now (the agency reads them). */
export async function kbArticleTitles(
  db: Db,
  args: { workspaceId: number; ids: readonly number[] },
): Promise<Array<{ id: number; title: string }>> {
  if (args.ids.length === 0) return [];
  return db('kb_articles')
    .where('workspace_id', args.workspaceId)
    .whereIn('id', [...args.ids])
    .select('id', 'title');
}

/** The workspace's categories that hold a published client article, in their order, with how many. */
export async function listKbCategories(db: Db, args: { workspaceId: number }): Promise<KbCategoryRow[]> {
  return db
    .from(
      db('kb_categories as c')
        .select(
          'c.id',
          'c.names',
          'c.position',
          db.raw(
            `(select count(distinct a.translation_group)::int from kb_articles a
               where a.workspace_id = ? and a.category_id = c.id and ${PUBLISHED}) as articles`,
            [args.workspaceId],
          ),
        )
        .where('c.workspace_id', args.workspaceId)
        .as('x'),
    )
    .select('x.id', 'x.names', 'x.articles')
    .where('x.articles', '>', 0)
    .orderBy([{ column: 'x.position' }, { column: 'x.id' }]);
}

export async function insertKbCategory(
  db: Db,
  args: { workspaceId: number; names: Record<string, string>; position: number },
): Promise<number> {
  const [row] = await db('kb_categories')
    .insert({ workspace_id: args.workspaceId, names: JSON.stringify(args.names), position: args.position })
    .returning('id');
  return (row as { id: number }).id;
}

export async function findKbCategoryByName(db: Db, args: { workspaceId: number; language: string; name: string }): Promise<number | null> {
  const row = await db('kb_categories')
    .where('workspace_id', args.workspaceId)
    .whereRaw('names ->> ? = ?', [args.language, args.name])
    .first('id');
  return (row as { id: number } | undefined)?.id ?? null;
}

export async function insertKbArticle(
  db: Db,
  args: {
    workspaceId: number;
    categoryId: number | null;
    audience: 'client' | 'internal';
    status: 'draft' | 'published';
    language: string;
    translationGroup?: string;
    title: string;
    body: string;
  },
): Promise<{ id: number; translationGroup: string }> {
  const [row] = await db('kb_articles')
    .insert({
      workspace_id: args.workspaceId,
      category_id: args.categoryId,
      audience: args.audience,
      status: args.status,
      language: args.language,
      ...(args.translationGroup ? { translation_group: args.translationGroup } : {}),
      title: args.title,
      body: args.body,
    })
    .returning(['id', 'translation_group']);
  const inserted = row as { id: number; translation_group: string };
  return { id: inserted.id, translationGroup: inserted.translation_group };
}

export async function findKbArticleByTitle(db: Db, args: { workspaceId: number; title: string }): Promise<number | null> {
  const row = await db('kb_articles').where({ workspace_id: args.workspaceId, title: args.title }).first('id');
  return (row as { id: number } | undefined)?.id ?? null;
}

export interface KbStaffArticleRow {
  id: number;
  category_id: number | null;
  category_names: Record<string, string> | null;
  audience: 'client' | 'internal';
  status: 'draft' | 'published';
  language: string;
  translation_group: string;
  title: string;
  body: string;
  updated_at: Date;
}

const staffColumns = [
  'a.id',
  'a.category_id',
  'c.names as category_names',
  'a.audience',
  'a.status',
  'a.language',
  'a.translation_group',
  'a.title',
  'a.body',
  'a.updated_at',
];

function staffArticles(db: Db, workspaceId: number) {
  return db('kb_articles as a')
    .leftJoin('kb_categories as c', function () {
      // The workspace by its value, so on Citus the join stays on the workspace's node.
      this.on('c.workspace_id', db.raw('?', [workspaceId])).andOn('c.id', 'a.category_id');
    })
    .where('a.workspace_id', workspaceId);
}

/** Every article of the workspace for its staff: drafts and internal ones too, translations together. */
export async function listKbArticlesForStaff(db: Db, args: { workspaceId: number }): Promise<KbStaffArticleRow[]> {
  return staffArticles(db, args.workspaceId)
    .select(staffColumns)
    .orderByRaw(
      '(select min(g.title) from kb_articles g where g.workspace_id = ? and g.translation_group = a.translation_group), a.language, a.id',
      [args.workspaceId],
    );
}

export async function findKbArticleForStaff(db: Db, args: { workspaceId: number; id: number }): Promise<KbStaffArticleRow | null> {
  const row = await staffArticles(db, args.workspaceId).andWhere('a.id', args.id).first(staffColumns);
  return (row as KbStaffArticleRow | undefined) ?? null;
}

export async function listKbCategoriesForStaff(
  db: Db,
  args: { workspaceId: number },
): Promise<Array<{ id: number; names: Record<string, string> }>> {
  return db('kb_categories').where('workspace_id', args.workspaceId).orderBy(['position', 'id']).select('id', 'names');
}

export async function updateKbArticle(
  db: Db,
  args: {
    workspaceId: number;
    id: number;
    categoryId: number | null;
    audience: 'client' | 'internal';
    status: 'draft' | 'published';
    language: string;
    title: string;
    body: string;
  },
): Promise<void> {
  await db('kb_articles').where({ workspace_id: args.workspaceId, id: args.id }).update({
    category_id: args.categoryId,
    audience: args.audience,
    status: args.status,
    language: args.language,
    title: args.title,
    body: args.body,
    updated_at: db.fn.now(),
  });
}
