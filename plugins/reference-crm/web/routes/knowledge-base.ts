// Help articles: staff write the workspace's knowledge base (markdown), tie translations together,
// choose who reads an article (clients, or staff only) and publish it. Clients read the published
// client articles in the portal's Help section.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { isUniqueViolation } from '../../queries/db.ts';
import { KB_AUDIENCES, KB_STATUSES } from '../../migrations/20270401000001_knowledge_base.ts';
import {
  findKbArticleForStaff,
  insertKbArticle,
  type KbStaffArticleRow,
  listKbArticlesForStaff,
  listKbCategoriesForStaff,
  updateKbArticle,
} from '../../queries/knowledge-base.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { choiceField, freeText, optionalIdField, parseForm, requiredText, type FieldError } from '../forms.ts';
import { formView, render } from '../render.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';

/** The languages an article may be written in: the portal's. */
const LANGUAGES = ['en', 'de', 'fr'] as const;
const LANGUAGE_NAMES: Record<(typeof LANGUAGES)[number], string> = { en: 'English', de: 'German', fr: 'French' };

const articleSchema = z.object({
  title: requiredText('Title', 300, 'Enter a title for the article.'),
  body: freeText('Text', 50_000),
  language: choiceField(LANGUAGES, 'Choose the language the article is written in: English, German or French.'),
  categoryId: optionalIdField('Choose a category from the list, or none.'),
  audience: choiceField(KB_AUDIENCES, 'Choose who reads the article: clients, or your staff only.'),
  status: choiceField(KB_STATUSES, 'Choose draft or published.'),
});
const newArticleSchema = articleSchema.extend({
  translationOf: optionalIdField('Choose an article from the list, or none.'),
});

const audienceOptions = [
  { value: 'client', label: 'Clients (in the portal’s Help)' },
  { value: 'internal', label: 'Staff only' },
];
const statusOptions = [
  { value: 'draft', label: 'Draft' },
  { value: 'published', label: 'Published' },
];
const languageOptions = LANGUAGES.map((value) => ({ value, label: LANGUAGE_NAMES[value] }));
const nameOf = (names: Record<string, string> | null) => (names ? (names.en ?? Object.values(names)[0] ?? '') : '');

function presentRow(row: KbStaffArticleRow) {
  return {
    href: `/knowledge-base/${row.id}`,
    title: row.title,
    language: LANGUAGE_NAMES[row.language as (typeof LANGUAGES)[number]] ?? row.language,
    category: nameOf(row.category_names) || '—',
    audience: row.audience === 'client' ? 'Clients' : 'Staff only',
    status: row.status === 'published' ? 'Published' : 'Draft',
  };
}

export function knowledgeBaseRoutes({ db }: RouteDeps): Router {
  const router = Router();

  async function showForm(res: Response, page: { article: KbStaffArticleRow | null; values: unknown; errors: FieldError[] }, status = 200) {
    const { workspaceId } = staffOf(res);
    const [categories, articles] = await Promise.all([
      listKbCategoriesForStaff(db, { workspaceId }),
      page.article ? Promise.resolve([]) : listKbArticlesForStaff(db, { workspaceId }),
    ]);
    await render(
      res,
      'knowledge-base/form',
      {
        title: page.article ? page.article.title : 'New help article',
        section: 'knowledge',
        action: page.article ? `/knowledge-base/${page.article.id}` : '/knowledge-base',
        editing: page.article !== null,
        form: formView(page.values, page.errors),
        languageOptions,
        audienceOptions,
        statusOptions,
        categoryOptions: categories.map((c) => ({ value: String(c.id), label: nameOf(c.names) })),
        // A new article may translate one already written (it joins that article's translations).
        translationOptions: articles.map((a) => ({
          value: String(a.id),
          label: `${a.title} (${LANGUAGE_NAMES[a.language as 'en'] ?? a.language})`,
        })),
      },
      status,
    );
  }

  /** The category id, checked to be one of the workspace's; undefined when it is not. */
  async function categoryOf(workspaceId: number, id: number | null): Promise<number | null | undefined> {
    if (id === null) return null;
    const categories = await listKbCategoriesForStaff(db, { workspaceId });
    return categories.some((c) => c.id === id) ? id : undefined;
  }

  router.get('/knowledge-base', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const articles = await listKbArticlesForStaff(db, { workspaceId });
    await render(res, 'knowledge-base/index', { title: 'Help articles', section: 'knowledge', articles: articles.map(presentRow) });
  });

  router.get('/knowledge-base/new', requireStaff, async (_req, res) => {
    await showForm(res, { article: null, values: { language: 'en', audience: 'client', status: 'draft' }, errors: [] });
  });

  router.post('/knowledge-base', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const parsed = parseForm(newArticleSchema, req.body);
    if (!parsed.ok) return showForm(res, { article: null, values: req.body, errors: parsed.errors }, 400);
    const { translationOf, categoryId, ...article } = parsed.data;
    const category = await categoryOf(workspaceId, categoryId);
    if (category === undefined)
      return showForm(
        res,
        { article: null, values: req.body, errors: [{ field: 'categoryId', message: 'Choose a category from the list, or none.' }] },
        400,
      );
    const original = translationOf === null ? null : await findKbArticleForStaff(db, { workspaceId, id: translationOf });
    if (translationOf !== null && !original)
      return showForm(
        res,
        { article: null, values: req.body, errors: [{ field: 'translationOf', message: 'Choose an article from the list, or none.' }] },
        400,
      );
    try {
      const { id } = await insertKbArticle(db, {
        workspaceId,
        ...article,
        categoryId: category,
        ...(original ? { translationGroup: original.translation_group } : {}),
      });
      res.redirect(303, `/knowledge-base/${id}`);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const message = `“${original?.title}” already has a translation in ${LANGUAGE_NAMES[article.language]}: edit that one instead.`;
      return showForm(res, { article: null, values: req.body, errors: [{ field: 'language', message }] }, 409);
    }
  });

  router.get('/knowledge-base/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const article = found(await findKbArticleForStaff(db, { workspaceId, id: routeId(req.params.id) }));
    const values = {
      title: article.title,
      body: article.body,
      language: article.language,
      categoryId: article.category_id === null ? '' : String(article.category_id),
      audience: article.audience,
      status: article.status,
    };
    await showForm(res, { article, values, errors: [] });
  });

  router.post('/knowledge-base/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const article = found(await findKbArticleForStaff(db, { workspaceId, id: routeId(req.params.id) }));
    const parsed = parseForm(articleSchema, req.body);
    if (!parsed.ok) return showForm(res, { article, values: req.body, errors: parsed.errors }, 400);
    const category = await categoryOf(workspaceId, parsed.data.categoryId);
    if (category === undefined)
      return showForm(
        res,
        { article, values: req.body, errors: [{ field: 'categoryId', message: 'Choose a category from the list, or none.' }] },
        400,
      );
    try {
      await updateKbArticle(db, { workspaceId, id: article.id, ...parsed.data, categoryId: category });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const message = `This article already has a translation in ${LANGUAGE_NAMES[parsed.data.language]}.`;
      return showForm(res, { article, values: req.body, errors: [{ field: 'language', message }] }, 409);
    }
    res.redirect(303, `/knowledge-base/${article.id}`);
  });

  return router;
}
