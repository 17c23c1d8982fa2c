// Proposals and quotations: the same pages for two kinds of offer. offerRoutes('proposal') serves
// /proposals, offerRoutes('quotation') serves /quotations.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { findClient, listClients } from '../../queries/clients.ts';
import { createOffer, findOffer, listOfferItems, listOffers } from '../../queries/offers.ts';
import { PROPOSALS } from '../../queries/proposals.ts';
import { QUOTATIONS } from '../../queries/quotations.ts';
import { requireStaff, staffOf } from '../auth.ts';
import {
  CURRENCIES,
  choiceField,
  currencyField,
  freeText,
  idField,
  lineItemsField,
  optionalDateField,
  parseForm,
  rawLineItems,
  requiredText,
  type FieldError,
} from '../forms.ts';
import { OFFER_LABELS, clientOptions, presentLineItems, presentLineSums, presentOffer, type OfferKind } from '../presenters.ts';
import { formView, render } from '../render.ts';
import type { CrmPlugin } from '../../crm-plugin.ts';
import { recordLinksFor } from '../plugin-links.ts';
import { tellPlugins } from '../record-changes.ts';
import { found, routeId, type RouteDeps } from '../routing.ts';

const TABLES = { proposal: PROPOSALS, quotation: QUOTATIONS } as const;

const createOfferSchema = z.object({
  clientId: idField('Choose the client this is for.'),
  title: requiredText('Title', 300, 'Enter a title.'),
  body: freeText('Details', 20_000),
  currency: currencyField(),
  validUntil: optionalDateField('Valid until date'),
  status: choiceField(['draft', 'sent'], 'Choose whether to save it as a draft or mark it as sent.'),
  items: lineItemsField,
});

export function offerRoutes(kind: OfferKind, { db, plugins }: RouteDeps & { plugins?: readonly CrmPlugin[] }): Router {
  const router = Router();
  const table = TABLES[kind];
  const labels = OFFER_LABELS[kind];
  const section = kind === 'proposal' ? 'proposals' : 'quotations';

  async function showNewOfferForm(res: Response, values: unknown, errors: FieldError[], status = 200) {
    const { workspaceId } = staffOf(res);
    const clients = await listClients(db, { workspaceId });
    const raw = values && typeof values === 'object' ? (values as Record<string, unknown>) : {};
    await render(
      res,
      'offers/new',
      {
        title: `New ${labels.singular.toLowerCase()}`,
        section,
        labels,
        form: formView({ currency: 'USD', status: 'draft', ...raw }, errors),
        clients: clientOptions(clients),
        currencies: CURRENCIES.map((c) => ({ value: c, label: c })),
        itemRows: rawLineItems(raw.items),
      },
      status,
    );
  }

  router.get(labels.path, requireStaff, async (_req, res) => {
    const { workspaceId } = staffOf(res);
    const offers = await listOffers(db, table, { workspaceId });
    await render(res, 'offers/index', {
      title: labels.plural,
      section,
      labels,
      offers: offers.map((row) => presentOffer(kind, row)),
    });
  });

  router.get(`${labels.path}/new`, requireStaff, async (req, res) => {
    const client = typeof req.query.client === 'string' ? req.query.client : '';
    await showNewOfferForm(res, { clientId: client }, []);
  });

  router.post(labels.path, requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const parsed = parseForm(createOfferSchema, req.body);
    if (!parsed.ok) return showNewOfferForm(res, req.body, parsed.errors, 400);
    const client = await findClient(db, { workspaceId, clientId: parsed.data.clientId });
    if (!client) return showNewOfferForm(res, req.body, [{ field: 'clientId', message: 'Choose the client this is for.' }], 400);
    const { id, number } = await createOffer(db, table, { workspaceId, ...parsed.data, clientId: client.id });
    if (parsed.data.status === 'sent')
      await tellPlugins(plugins, { workspaceId, clientId: client.id, kind, id, happened: 'sent', title: parsed.data.title, number });
    res.redirect(303, `${labels.path}/${id}`);
  });

  router.get(`${labels.path}/:id`, requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const offer = found(await findOffer(db, table, { workspaceId, offerId: routeId(req.params.id) }));
    const items = await listOfferItems(db, table, { workspaceId, offerId: offer.id });
    const view = presentOffer(kind, offer);
    await render(res, 'offers/show', {
      title: `${labels.singular} ${view.number}`,
      section,
      labels,
      offer: view,
      items: presentLineItems(items, offer.currency),
      sums: presentLineSums(items, offer.currency),
      pluginLinks: await recordLinksFor(plugins, res, { kind, id: offer.id, clientId: offer.client_id }),
    });
  });

  return router;
}
