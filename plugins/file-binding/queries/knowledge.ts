// The help articles a binding file maps, as a client reads them: the rows the host keeps in the
// workspace (with `client`, the client's own and those for no client), published, shown with the
// row the file names (EspoCRM's link to its portal), from their first day and before their last;
// of those, in the reader's first language the host has published articles in (with those that
// carry no language), else every one. By title, the key breaking ties, a page at a time by keyset;
// each word searched in the title or the body's text; categories with how many such articles each.
// No index is added to a host table: a workspace's articles are few.
import type { Knex } from 'knex';
import type { KnowledgeBaseConcept } from '../format.ts';
import { and, quoteName, quoteTable, Scope, type Sql, sql } from '../sql.ts';
import { equals, inScope, type WorkspaceRule } from './scoped.ts';

export interface ArticleRow {
  id: string;
  title: string;
  body: string | null;
  language: string | null;
  updated_at: Date | null;
  category_id: string | null;
  category_name: string | null;
}

export interface CategoryRow {
  id: string;
  name: string;
  articles: number;
}

/** Whose articles: the workspace and client (as the host's columns take them), and the reader's languages. */
export interface Reader {
  ws: string;
  client: string;
  languages: readonly string[];
}

export interface ArticleFilter {
  id?: string;
  category?: string;
  /** containsPatterns: every one in the title or the body (the list), or any, best first (suggestions). */
  words?: { patterns: readonly string[]; mode: 'all' | 'any' };
  /** The key of the last article of the page before. */
  after?: string;
}

/** The rows the host keeps of the workspace, whatever their state. */
const kept = (scope: Scope, concept: KnowledgeBaseConcept, rule: WorkspaceRule, ws: string): Sql => inScope(scope, concept, rule, ws);

/** A day value holds (`<=` today for a first day, `>` today for a last), or is empty. */
function dayHolds(scope: Scope, value: KnowledgeBaseConcept['from'], compare: '<=' | '>'): Sql {
  if (value === undefined) return sql('true');
  const day = scope.value(value);
  return sql(`coalesce(nullif((${day.sql})::text, '')::date ${compare} current_date, true)`, day.bindings);
}

/** Of the rows kept, those a client may read (in any language). */
function published(scope: Scope, concept: KnowledgeBaseConcept, rule: WorkspaceRule, reader: Reader): Sql {
  const parts = [kept(scope, concept, rule, reader.ws), scope.where(concept.published)];
  if (concept.client !== undefined) {
    const client = scope.value(concept.client);
    const theirs = equals(scope, concept.client, reader.client);
    parts.push(sql(`(${theirs.sql} or (${client.sql}) is null)`, [...theirs.bindings, ...client.bindings]));
  }
  if (concept.shownWith) parts.push(scope.exists(concept.shownWith));
  parts.push(dayHolds(scope, concept.from, '<='), dayHolds(scope, concept.until, '>'));
  return and(parts);
}

/** A language tag as the portal's code: en_US, en-us → en; none → ''. */
function codeOf(scope: Scope, value: NonNullable<KnowledgeBaseConcept['language']>): Sql {
  const tag = scope.text(value);
  return sql(`lower(split_part(replace(coalesce(${tag.sql}, ''), '-', '_'), '_', 1))`, tag.bindings);
}

/** The reader's languages as codes, in their order. */
const codes = (languages: readonly string[]) =>
  languages.map((language) => language.toLowerCase().split(/[-_]/)[0] ?? '').filter((code) => /^[a-z]{2,3}$/.test(code));

/**
 * The article is in the reader's first language the host has a published article in, or in none;
 * every article when the host has none in their languages.
 */
function inLanguage(scope: Scope, concept: KnowledgeBaseConcept, rule: WorkspaceRule, reader: Reader): Sql {
  if (concept.language === undefined) return sql('true');
  const code = codeOf(scope, concept.language);
  // The same rows read again in a subquery: its own "r" hides the outer one there.
  const other = new Scope(concept.table, concept.joins ?? []);
  const where = published(other, concept, rule, reader);
  const otherCode = codeOf(other, concept.language);
  const from = other.from();
  return sql(
    `(${code.sql} = '' or ${code.sql} = coalesce((select x.code from unnest(?::text[]) with ordinality as x(code, n)
       where exists (select 1 from ${from.sql} where ${where.sql} and ${otherCode.sql} = x.code) order by x.n limit 1), ${code.sql}))`,
    [
      ...code.bindings,
      ...code.bindings,
      codes(reader.languages),
      ...from.bindings,
      ...where.bindings,
      ...otherCode.bindings,
      ...code.bindings,
    ],
  );
}

const categoryTable = (concept: KnowledgeBaseConcept) => concept.categories!;
const col = (alias: string, column: string) => `${quoteName(alias)}.${quoteName(column)}`;

/** Conditions on the category rows (aliased kc): kept, of the workspace. */
function categoryKept(scope: Scope, concept: KnowledgeBaseConcept, rule: WorkspaceRule, ws: string): Sql {
  const categories = categoryTable(concept);
  const parts = [scope.whereOn(categories.table, 'kc', categories.where)];
  if (categories.workspace) {
    scope.note(categories.table, categories.workspace);
    parts.push(sql(`${col('kc', categories.workspace)} = ?`, [rule.fixedId ?? ws]));
  }
  return and(parts);
}

/** The host's order of categories, then by name and key. */
function categoryOrder(scope: Scope, concept: KnowledgeBaseConcept): string {
  const categories = categoryTable(concept);
  for (const column of [...(categories.order ?? []), categories.name, categories.key]) scope.note(categories.table, column);
  return [...(categories.order ?? []), categories.name, categories.key].map((column) => col('kc', column)).join(', ');
}

/** The article's first category by the host's order, as a lateral join giving "kcat".id and .name. */
function categoryJoin(scope: Scope, concept: KnowledgeBaseConcept, rule: WorkspaceRule, ws: string): Sql {
  if (!concept.categories) return sql('');
  const categories = concept.categories;
  scope.note(categories.table, categories.key);
  scope.note(categories.table, categories.name);
  const where = categoryKept(scope, concept, rule, ws);
  const order = categoryOrder(scope, concept);
  const select = `select ${col('kc', categories.key)}::text as id, ${col('kc', categories.name)}::text as name from ${quoteTable(categories.table)} as "kc"`;
  let body: Sql;
  if (categories.link) {
    const link = categories.link;
    scope.note(link.table, link.article);
    scope.note(link.table, link.category);
    const key = scope.column(concept.key);
    const linkWhere = scope.whereOn(link.table, 'kl', link.where);
    const all = and([linkWhere, where]);
    body = sql(
      `${select} join ${quoteTable(link.table)} as "kl" on ${col('kl', link.category)} = ${col('kc', categories.key)}
         where ${col('kl', link.article)} = ${key.sql} and ${all.sql} order by ${order} limit 1`,
      all.bindings,
    );
  } else {
    const article = scope.text(concept.category!);
    body = sql(`${select} where ${col('kc', categories.key)}::text = ${article.sql} and ${where.sql} order by ${order} limit 1`, [
      ...article.bindings,
      ...where.bindings,
    ]);
  }
  return sql(`left join lateral (${body.sql}) as "kcat" on true`, body.bindings);
}

/** The article is in the category (any of its categories, with a link table). */
function inCategory(scope: Scope, concept: KnowledgeBaseConcept, category: string): Sql {
  const categories = concept.categories;
  if (!categories) return sql('false');
  if (!categories.link) {
    const article = scope.text(concept.category!);
    return sql(`${article.sql} = ?`, [...article.bindings, category]);
  }
  const link = categories.link;
  const key = scope.column(concept.key);
  const linkWhere = scope.whereOn(link.table, 'kl', link.where);
  return sql(
    `exists (select 1 from ${quoteTable(link.table)} as "kl" where ${col('kl', link.article)} = ${key.sql} and ${col('kl', link.category)}::text = ? and ${linkWhere.sql})`,
    [category, ...linkWhere.bindings],
  );
}

/** The body's words: the host's plain text, else the body with its tags taken out (HTML), else as it is. */
function searchText(scope: Scope, concept: KnowledgeBaseConcept): Sql {
  if (concept.bodyText !== undefined) {
    const text = scope.text(concept.bodyText);
    return sql(`coalesce(${text.sql}, '')`, text.bindings);
  }
  const body = scope.text(concept.body);
  return concept.format === 'html'
    ? sql(`regexp_replace(coalesce(${body.sql}, ''), '<[^>]*>', ' ', 'g')`, body.bindings)
    : sql(`coalesce(${body.sql}, '')`, body.bindings);
}

const titleOf = (scope: Scope, concept: KnowledgeBaseConcept) => {
  const title = scope.text(concept.title);
  return sql(`coalesce(${title.sql}, '')`, title.bindings);
};

/** A word's pattern in the title or the body's text. */
function matches(scope: Scope, concept: KnowledgeBaseConcept, pattern: string): Sql {
  const title = titleOf(scope, concept);
  const text = searchText(scope, concept);
  return sql(`(${title.sql} ilike ? or ${text.sql} ilike ?)`, [...title.bindings, pattern, ...text.bindings, pattern]);
}

/** The articles a reader sees (one of them, with `id`), with their first category, a page at a time. */
export async function articleRows(
  db: Knex,
  concept: KnowledgeBaseConcept,
  rule: WorkspaceRule,
  reader: Reader,
  filter: ArticleFilter,
  limit: number,
): Promise<ArticleRow[]> {
  const scope = new Scope(concept.table, concept.joins ?? []);
  const key = scope.column(concept.key);
  const title = titleOf(scope, concept);
  // A link names one article in any language; lists and suggestions keep to the reader's.
  const parts = [published(scope, concept, rule, reader), filter.id === undefined ? inLanguage(scope, concept, rule, reader) : sql('true')];
  if (filter.id !== undefined) parts.push(sql(`${key.sql} = ?`, [filter.id]));
  if (filter.category !== undefined) parts.push(inCategory(scope, concept, filter.category));
  let rank: Sql | null = null;
  if (filter.words?.mode === 'all') for (const pattern of filter.words.patterns) parts.push(matches(scope, concept, pattern));
  if (filter.words?.mode === 'any') {
    const each = filter.words.patterns.map((pattern) => matches(scope, concept, pattern));
    rank = sql(
      `(${each.map((m) => `(case when ${m.sql} then 1 else 0 end)`).join(' + ')})`,
      each.flatMap((m) => m.bindings),
    );
    parts.push(sql(`${rank.sql} > 0`, rank.bindings));
  }
  if (filter.after !== undefined) {
    // The cursor's article read again (kept in the workspace) for its title.
    const other = new Scope(concept.table, concept.joins ?? []);
    const otherTitle = titleOf(other, concept);
    const otherWhere = and([kept(other, concept, rule, reader.ws), sql(`${other.column(concept.key).sql} = ?`, [filter.after])]);
    const from = other.from();
    parts.push(
      sql(`(${title.sql}, ${key.sql}) > ((select ${otherTitle.sql} from ${from.sql} where ${otherWhere.sql}), ?)`, [
        ...title.bindings,
        ...otherTitle.bindings,
        ...from.bindings,
        ...otherWhere.bindings,
        filter.after,
      ]),
    );
  }
  const language = concept.language === undefined ? sql('null::text') : scope.text(concept.language);
  const updated = concept.updatedAt === undefined ? sql('null::timestamptz') : scope.value(concept.updatedAt);
  const body = scope.text(concept.body);
  const where = and(parts);
  const category = categoryJoin(scope, concept, rule, reader.ws);
  const from = scope.from();
  const categoryColumns = concept.categories
    ? '"kcat"."id" as "category_id", "kcat"."name" as "category_name"'
    : 'null::text as "category_id", null::text as "category_name"';
  const order = rank
    ? sql(`${rank.sql} desc, ${title.sql}, ${key.sql}`, [...rank.bindings, ...title.bindings])
    : sql(`${title.sql}, ${key.sql}`, title.bindings);
  const statement = sql(
    `select ${key.sql}::text as "id", ${title.sql} as "title", ${body.sql} as "body", ${language.sql} as "language",
       (${updated.sql})::timestamptz as "updated_at", ${categoryColumns}
     from ${from.sql} ${category.sql} where ${where.sql} order by ${order.sql} limit ?`,
    [
      ...title.bindings,
      ...body.bindings,
      ...language.bindings,
      ...updated.bindings,
      ...from.bindings,
      ...category.bindings,
      ...where.bindings,
      ...order.bindings,
      limit,
    ],
  );
  const result = await db.raw(statement.sql, statement.bindings as Knex.RawBinding[]);
  return result.rows as ArticleRow[];
}

/** The categories holding an article the reader sees, in the host's order, with how many each. */
export async function categoryRows(db: Knex, concept: KnowledgeBaseConcept, rule: WorkspaceRule, reader: Reader): Promise<CategoryRow[]> {
  const categories = concept.categories;
  if (!categories) return [];
  const scope = new Scope(concept.table, concept.joins ?? []);
  const key = scope.column(concept.key);
  const articleCategory = categories.link ? sql('null::text') : scope.text(concept.category!);
  const where = and([published(scope, concept, rule, reader), inLanguage(scope, concept, rule, reader)]);
  const from = scope.from();
  const kcWhere = categoryKept(scope, concept, rule, reader.ws);
  const order = categoryOrder(scope, concept);
  const grouped = [...(categories.order ?? []), categories.name, categories.key].map((column) => col('kc', column)).join(', ');
  let joined: Sql;
  if (categories.link) {
    const link = categories.link;
    const linkWhere = scope.whereOn(link.table, 'kl', link.where);
    joined = sql(
      `join ${quoteTable(link.table)} as "kl" on ${col('kl', link.category)} = ${col('kc', categories.key)} and ${linkWhere.sql}
       join "visible" as "v" on "v"."id" = ${col('kl', link.article)}::text`,
      linkWhere.bindings,
    );
  } else joined = sql(`join "visible" as "v" on "v"."category" = ${col('kc', categories.key)}::text`);
  const statement = sql(
    `with "visible" as (select ${key.sql}::text as "id", ${articleCategory.sql} as "category" from ${from.sql} where ${where.sql})
     select ${col('kc', categories.key)}::text as "id", ${col('kc', categories.name)}::text as "name", count(distinct "v"."id")::int as "articles"
     from ${quoteTable(categories.table)} as "kc" ${joined.sql}
     where ${kcWhere.sql}
     group by ${grouped}
     order by ${order}`,
    [...articleCategory.bindings, ...from.bindings, ...where.bindings, ...joined.bindings, ...kcWhere.bindings],
  );
  const result = await db.raw(statement.sql, statement.bindings as Knex.RawBinding[]);
  return result.rows as CategoryRow[];
}

/** The titles of these articles of the workspace, whatever their state now (the agency's feedback page). */
export async function articleTitles(
  db: Knex,
  concept: KnowledgeBaseConcept,
  rule: WorkspaceRule,
  ws: string,
  ids: readonly string[],
): Promise<Array<{ id: string; title: string }>> {
  if (ids.length === 0) return [];
  const scope = new Scope(concept.table, concept.joins ?? []);
  const key = scope.column(concept.key);
  const title = titleOf(scope, concept);
  const where = and([kept(scope, concept, rule, ws), sql(`${key.sql} in (${ids.map(() => '?').join(', ')})`, [...ids])]);
  const from = scope.from();
  const result = await db.raw(`select ${key.sql}::text as "id", ${title.sql} as "title" from ${from.sql} where ${where.sql}`, [
    ...title.bindings,
    ...from.bindings,
    ...where.bindings,
  ] as Knex.RawBinding[]);
  return result.rows as Array<{ id: string; title: string }>;
}

/** How many articles a reader sees, up to `countLimit` (the check's view of one client). */
export async function articleCount(
  db: Knex,
  concept: KnowledgeBaseConcept,
  rule: WorkspaceRule,
  reader: Reader,
  countLimit: number,
): Promise<number> {
  const scope = new Scope(concept.table, concept.joins ?? []);
  const where = and([published(scope, concept, rule, reader), inLanguage(scope, concept, rule, reader)]);
  const from = scope.from();
  const result = await db.raw(`select count(*)::int as "n" from (select 1 from ${from.sql} where ${where.sql} limit ?) as "counted"`, [
    ...from.bindings,
    ...where.bindings,
    countLimit,
  ] as Knex.RawBinding[]);
  return (result.rows as Array<{ n: number }>)[0]?.n ?? 0;
}
