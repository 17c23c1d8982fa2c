// The request catalogue, the agency's side: what clients may ask for in the portal, each with its
// name and description (in German and French too), its kind (a quote is answered with a quotation,
// a request with the agency's words), its group, the fields of its form, and whether clients are
// offered it. Requests name their definition, so one is withdrawn (no longer offered), never
// deleted; each request keeps a copy of the form it answered, so a change is for the next ones.
// Each form is a POST with the CSRF token that redirects back to the catalogue (PRG); a refused one
// is shown again with its values and what to change (400).
import { Router, type Response } from 'express';
import { z } from 'zod';
import { REQUEST_KINDS } from '../../migrations/20270403000001_service_requests.ts';
import { storedFields } from '../../request-fields.ts';
import {
  findRequestDefinition,
  insertRequestDefinition,
  listRequestDefinitions,
  type RequestDefinitionRow,
  updateRequestDefinition,
} from '../../queries/service-requests.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { checkboxField, choiceField, type FieldError, freeText, nameText, optionalText, parseForm } from '../forms.ts';
import { formView, render } from '../render.ts';
import { FIELD_TYPES, parseFieldRows, rawRows, type RawField, rowsOfFields } from '../request-form-fields.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';
import { OTHER_LANGUAGES, translationFields, translationsOf, translationValues } from '../translated-names.ts';

const definitionSchema = z.object({
  name: nameText('Name', 120, 'Enter the name clients choose it by.'),
  ...translationFields('name', 'Name', 120),
  description: freeText('Description', 2000),
  ...translationFields('description', 'Description', 2000),
  category: optionalText('Group', 80),
  kind: choiceField(REQUEST_KINDS, 'Choose how it is answered: with your answer, or with a quotation.'),
  published: checkboxField(),
});

const kindOptions = [
  { value: 'general', label: 'A request: you answer it in words' },
  { value: 'quote', label: 'A quote request: you answer it with a quotation' },
];

function presentDefinition(row: RequestDefinitionRow) {
  const translated = OTHER_LANGUAGES.map((language) => row.names[language.code]).filter(Boolean);
  return {
    href: `/settings/request-catalogue/${row.id}`,
    name: row.name,
    otherNames: translated.length > 0 ? translated.join(' · ') : '—',
    kind: row.kind === 'quote' ? 'Quote request' : 'Request',
    group: row.category ?? '—',
    fieldCount: storedFields(row.fields).length,
    offered: row.published ? 'Offered' : 'Withdrawn',
    badge: row.published ? 'accepted' : 'void',
  };
}

export function requestCatalogueRoutes({ db }: RouteDeps): Router {
  const router = Router();

  async function showForm(
    res: Response,
    page: { definition: RequestDefinitionRow | null; values: unknown; rows: RawField[]; errors: FieldError[] },
    status = 200,
  ) {
    await render(
      res,
      'setup/request-form',
      {
        title: page.definition ? page.definition.name : 'New catalogue entry',
        section: 'settings',
        action: page.definition ? `/settings/request-catalogue/${page.definition.id}` : '/settings/request-catalogue',
        editing: page.definition !== null,
        form: formView(page.values, page.errors),
        // Each group's inputs: ids fields-0-label (what an error links to), names fields[0][label].
        rows: page.rows.map((row, index) => ({
          number: index + 1,
          key: row.key,
          id: (name: string) => `fields-${index}-${name}`,
          inputName: (name: string) => `fields[${index}][${name}]`,
          form: formView(Object.fromEntries(Object.entries(row).map(([name, value]) => [`fields-${index}-${name}`, value])), page.errors),
        })),
        otherLanguages: OTHER_LANGUAGES,
        kindOptions,
        typeOptions: FIELD_TYPES,
      },
      status,
    );
  }

  /** The definition's columns from the form, or the refusals of both the definition's inputs and its fields'. */
  function readForm(body: Record<string, unknown>, before: RequestDefinitionRow | null) {
    const parsed = parseForm(definitionSchema, body);
    const fields = parseFieldRows(body.fields, before ? storedFields(before.fields) : []);
    if (!parsed.ok || !fields.ok)
      return { ok: false as const, errors: [...(parsed.ok ? [] : parsed.errors), ...(fields.ok ? [] : fields.errors)] };
    const { name, description, category, kind, published } = parsed.data;
    return {
      ok: true as const,
      definition: {
        name,
        names: translationsOf('name', parsed.data),
        description,
        descriptions: translationsOf('description', parsed.data),
        category,
        kind,
        fields: fields.fields,
        published,
      },
    };
  }

  router.get('/settings/request-catalogue', requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const definitions = await listRequestDefinitions(db, { workspaceId, publishedOnly: false });
    await render(res, 'setup/request-catalogue', {
      title: 'Request catalogue',
      section: 'settings',
      definitions: definitions.map(presentDefinition),
    });
  });

  router.get('/settings/request-catalogue/new', requireStaff, async (_req, res) => {
    await showForm(res, { definition: null, values: { kind: 'general', published: '' }, rows: rowsOfFields([]), errors: [] });
  });

  router.post('/settings/request-catalogue', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const read = readForm(req.body ?? {}, null);
    if (!read.ok) return showForm(res, { definition: null, values: req.body, rows: rawRows(req.body?.fields), errors: read.errors }, 400);
    await insertRequestDefinition(db, { workspaceId, ...read.definition });
    res.redirect(303, '/settings/request-catalogue');
  });

  router.get('/settings/request-catalogue/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const definition = found(await findRequestDefinition(db, { workspaceId, definitionId: routeId(req.params.id), publishedOnly: false }));
    const values = {
      name: definition.name,
      ...translationValues('name', definition.names),
      description: definition.description,
      ...translationValues('description', definition.descriptions),
      category: definition.category ?? '',
      kind: definition.kind,
      published: definition.published ? 'on' : '',
    };
    await showForm(res, { definition, values, rows: rowsOfFields(storedFields(definition.fields)), errors: [] });
  });

  router.post('/settings/request-catalogue/:id', requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const definition = found(await findRequestDefinition(db, { workspaceId, definitionId: routeId(req.params.id), publishedOnly: false }));
    const read = readForm(req.body ?? {}, definition);
    if (!read.ok) return showForm(res, { definition, values: req.body, rows: rawRows(req.body?.fields), errors: read.errors }, 400);
    await updateRequestDefinition(db, { workspaceId, definitionId: definition.id, ...read.definition });
    res.redirect(303, '/settings/request-catalogue');
  });

  return router;
}
