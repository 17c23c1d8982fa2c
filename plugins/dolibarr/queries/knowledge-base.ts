// Dolibarr's knowledge base (KnowledgeManagement module): llx_knowledgemanagement_knowledgerecord
// of the entity with status 1, KnowledgeRecord::STATUS_VALIDATED (0 is a draft, 9 obsolete:
// htdocs/knowledgemanagement/class/knowledgerecord.class.php); the question is the title, the
// answer the body (HTML from Dolibarr's editor, read into text by plugins/shared/knowledge-html.ts), `lang` its
// language (e.g. fr_FR; empty: any). Categories are llx_categorie of type 13, knowledgemanagement
// in Categorie::$MAP_ID (htdocs/categories/class/categorie.class.php), linked through
// llx_categorie_knowledgemanagement; a record in several is shown under the first by position.
// Dolibarr keeps no per-company access to its knowledge base, and no link between translations:
// of the entity's records, those in the reader's first language that has any (their own, then the
// workspace's; language-less records always), else every one.
//
// Search: each word a bound ILIKE pattern on the question and on the answer with its tags taken
// out; no index is added to Dolibarr's table (a host table), and an entity's records are few.
import { containsPattern } from '../../../src/index.ts';
import type { Db } from './db.ts';

export interface KnowledgeRecordRow {
  rowid: number;
  question: string;
  answer: string | null;
  lang: string | null;
  category_id: number | null;
  category_label: string | null;
  tms: Date | null;
}

export interface KnowledgeCategoryRow {
  rowid: number;
  label: string;
  articles: number;
}

/** KnowledgeRecord::STATUS_VALIDATED. */
const VALIDATED = 1;
/** Categorie::$MAP_ID['knowledgemanagement']. */
const KNOWLEDGE_CATEGORY_TYPE = 13;
/** A record's language as the portal's codes ("fr_FR" → "fr"), '' for none. */
const LANGUAGE = "lower(split_part(coalesce(k.lang, ''), '_', 1))";
const ANSWER_TEXT = "regexp_replace(coalesce(k.answer, ''), '<[^>]*>', ' ', 'g')";

function languageList(languages: readonly string[]): string {
  return languages.filter((language) => /^[a-z]{2,3}$/.test(language)).join(',');
}

/**
 * The records a reader of these languages sees: the first of their languages the entity has a
 * validated record in, with the language-less ones; every record when it has none of them.
 */
function readable(db: Db, args: { entity: number; languages: readonly string[] }) {
  const language = inReaderLanguage(args);
  return db('llx_knowledgemanagement_knowledgerecord as k')
    .where('k.entity', args.entity)
    .andWhere('k.status', VALIDATED)
    .andWhereRaw(language.sql, language.bindings);
}

/** The language rule of `readable` on a record aliased `k`, as SQL and its bindings. */
function inReaderLanguage(args: { entity: number; languages: readonly string[] }) {
  return {
    sql: `(${LANGUAGE} = '' or ${LANGUAGE} = coalesce((
         select x.code from unnest(string_to_array(?, ',')) with ordinality as x(code, n)
         where exists (select 1 from llx_knowledgemanagement_knowledgerecord r
           where r.entity = ? and r.status = ${VALIDATED} and lower(split_part(coalesce(r.lang, ''), '_', 1)) = x.code)
         order by x.n limit 1), ${LANGUAGE}))`,
    bindings: [languageList(args.languages), args.entity],
  };
}

const columns = (db: Db, entity: number) => [
  'k.rowid',
  'k.question',
  'k.answer',
  'k.lang',
  'k.tms',
  db.raw(
    `(select c.rowid from llx_categorie_knowledgemanagement ck join llx_categorie c on c.rowid = ck.fk_categorie
       where ck.fk_knowledgemanagement = k.rowid and c.entity = ? and c.type = ${KNOWLEDGE_CATEGORY_TYPE}
       order by c.position, c.rowid limit 1) as category_id`,
    [entity],
  ),
  db.raw(
    `(select c.label from llx_categorie_knowledgemanagement ck join llx_categorie c on c.rowid = ck.fk_categorie
       where ck.fk_knowledgemanagement = k.rowid and c.entity = ? and c.type = ${KNOWLEDGE_CATEGORY_TYPE}
       order by c.position, c.rowid limit 1) as category_label`,
    [entity],
  ),
];

const matchSql = `(k.question ilike ? or ${ANSWER_TEXT} ilike ?)`;
const matchBindings = (word: string) => [containsPattern(word), containsPattern(word)];

export async function listKnowledgeRecords(
  db: Db,
  args: { entity: number; languages: readonly string[]; categoryId?: number; words?: readonly string[]; afterId?: number; limit: number },
): Promise<KnowledgeRecordRow[]> {
  const query = readable(db, args).select(columns(db, args.entity));
  if (args.categoryId !== undefined)
    query.whereExists(function () {
      this.select(db.raw('1'))
        .from('llx_categorie_knowledgemanagement as ck')
        .whereRaw('ck.fk_knowledgemanagement = k.rowid')
        .andWhere('ck.fk_categorie', args.categoryId as number);
    });
  for (const word of args.words ?? []) query.andWhereRaw(matchSql, matchBindings(word));
  if (args.afterId !== undefined)
    query.andWhereRaw(
      '(k.question, k.rowid) > ((select p.question from llx_knowledgemanagement_knowledgerecord p where p.entity = ? and p.rowid = ?), ?)',
      [args.entity, args.afterId, args.afterId],
    );
  return query.orderBy([{ column: 'k.question' }, { column: 'k.rowid' }]).limit(args.limit);
}

export async function suggestKnowledgeRecords(
  db: Db,
  args: { entity: number; languages: readonly string[]; words: readonly string[]; limit: number },
): Promise<KnowledgeRecordRow[]> {
  if (args.words.length === 0) return [];
  const matched = args.words.map(() => `(case when ${matchSql} then 1 else 0 end)`).join(' + ');
  const bindings = args.words.flatMap(matchBindings);
  return readable(db, args)
    .select(columns(db, args.entity))
    .andWhereRaw(`(${matched}) > 0`, bindings)
    .orderByRaw(`(${matched}) desc, k.question, k.rowid`, bindings)
    .limit(args.limit);
}

/** One validated record of the entity; any language (a link names it). */
export async function findKnowledgeRecord(db: Db, args: { entity: number; id: number }): Promise<KnowledgeRecordRow | null> {
  const row = await db('llx_knowledgemanagement_knowledgerecord as k')
    .select(columns(db, args.entity))
    .where({ 'k.entity': args.entity, 'k.rowid': args.id, 'k.status': VALIDATED })
    .first();
  return (row as KnowledgeRecordRow | undefined) ?? null;
}

/** The questions (titles) of these records of the entity, whatever their status now (the agency reads them). */
export async function knowledgeRecordTitles(
  db: Db,
  args: { entity: number; ids: readonly number[] },
): Promise<Array<{ rowid: number; question: string }>> {
  if (args.ids.length === 0) return [];
  return db('llx_knowledgemanagement_knowledgerecord')
    .where('entity', args.entity)
    .whereIn('rowid', [...args.ids])
    .select('rowid', 'question');
}

/** The entity's knowledge categories holding a record the reader sees, in Dolibarr's order, with how many. */
export async function listKnowledgeCategories(
  db: Db,
  args: { entity: number; languages: readonly string[] },
): Promise<KnowledgeCategoryRow[]> {
  const language = inReaderLanguage(args);
  return db
    .from(
      db('llx_categorie as c')
        .select(
          'c.rowid',
          'c.label',
          'c.position',
          db.raw(
            `(select count(*)::int from llx_categorie_knowledgemanagement ck
               join llx_knowledgemanagement_knowledgerecord k on k.rowid = ck.fk_knowledgemanagement
               where ck.fk_categorie = c.rowid and k.entity = ? and k.status = ${VALIDATED} and ${language.sql}) as articles`,
            [args.entity, ...language.bindings],
          ),
        )
        .where({ 'c.entity': args.entity, 'c.type': KNOWLEDGE_CATEGORY_TYPE, 'c.visible': 1 })
        .as('x'),
    )
    .select('x.rowid', 'x.label', 'x.articles')
    .where('x.articles', '>', 0)
    .orderBy([{ column: 'x.position' }, { column: 'x.label' }, { column: 'x.rowid' }]);
}

/** Whether the KnowledgeManagement module's record table is there (its activation creates it). */
export async function knowledgeTablesExist(db: Db): Promise<boolean> {
  const result = await db.raw(
    `select count(*)::int as n from unnest(array['llx_knowledgemanagement_knowledgerecord', 'llx_categorie_knowledgemanagement']) as name
      where to_regclass(name) is not null`,
  );
  return Number((result.rows as Array<{ n: number }>)[0]?.n ?? 0) === 2;
}
