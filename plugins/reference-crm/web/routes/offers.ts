// Proposals and quotations: the same pages for two kinds of offer. offerRoutes('proposal') serves
// /proposals, offerRoutes('quotation') serves /quotations. A quotation may answer a client's
// request (web/routes/requests.ts): its new form then opens prefilled from the request
// (`?request=`), and the quotation is linked to the request as it is created, in one transaction;
// the quotation's page names the request back.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { findClient, listClients } from '../../queries/clients.ts';
import { createOffer, findOffer, listOfferItems, listOffers } from '../../queries/offers.ts';
import { inTransaction } from '../../queries/db.ts';
import {
  answerServiceRequest,
  findRequestOfQuotationForStaff,
  findServiceRequest,
  linkRequestQuotation,
  type ServiceRequestRow,
} from '../../queries/service-requests.ts';
import { requestAnswers } from './requests.ts';
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
  /** With a quotation made from a client's request: the request it answers. */
  requestId: z.preprocess((v) => (v === '' ? undefined : v), idField('That request does not exist.').optional()),
});

/** A quotation's form prefilled from the request it answers: the client, a title, what was asked, and one line to price. */
function prefillFrom(request: ServiceRequestRow) {
  const answers = requestAnswers(request);
  const payload = (request.payload && typeof request.payload === 'object' ? request.payload : {}) as Record<string, unknown>;
  const quantity = typeof payload.quantity === 'number' && payload.quantity > 0 ? String(payload.quantity) : '1';
  return {
    requestId: String(request.id),
    clientId: String(request.client_id),
    title: `${request.title} (${request.ref})`,
    body: answers.map((a) => `${a.label}: ${a.text}`).join('\n'),
    items: [{ description: request.title, quantity, unitPrice: '' }],
  };
}

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

  /** The client's request a new quotation answers, found in the staff member's workspace; null for none. */
  async function answeredRequest(res: Response, id: unknown): Promise<ServiceRequestRow | null> {
    if (kind !== 'quotation' || typeof id !== 'string' || id === '') return null;
    return found(await findServiceRequest(db, { workspaceId: staffOf(res).workspaceId, requestId: routeId(id) }));
  }

  router.get(`${labels.path}/new`, requireStaff, async (req, res) => {
    const client = typeof req.query.client === 'string' ? req.query.client : '';
    const request = await answeredRequest(res, req.query.request);
    await showNewOfferForm(res, request ? prefillFrom(request) : { clientId: client }, []);
  });

  router.post(labels.path, requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const parsed = parseForm(createOfferSchema, req.body);
    if (!parsed.ok) return showNewOfferForm(res, req.body, parsed.errors, 400);
    const client = await findClient(db, { workspaceId, clientId: parsed.data.clientId });
    if (!client) return showNewOfferForm(res, req.body, [{ field: 'clientId', message: 'Choose the client this is for.' }], 400);
    const { requestId, ...offer } = parsed.data;
    const request = await answeredRequest(res, requestId !== undefined ? String(requestId) : undefined);
    if (request && request.client_id !== client.id)
      return showNewOfferForm(
        res,
        req.body,
        [{ field: 'clientId', message: 'A quotation answering a request is for the client who sent it.' }],
        400,
      );
    // The quotation, its link to the request and, once sent, the request answered: all or none.
    const { id, number } = await inTransaction(db, async (trx) => {
      const created = await createOffer(trx, table, { workspaceId, ...offer, clientId: client.id });
      if (request) {
        await linkRequestQuotation(trx, { workspaceId, requestId: request.id, quotationId: created.id });
        await answerServiceRequest(trx, {
          workspaceId,
          requestId: request.id,
          staffId: staffOf(res).id,
          status: offer.status === 'sent' ? 'answered' : 'in_review',
        });
      }
      return created;
    });
    if (offer.status === 'sent')
      await tellPlugins(plugins, { workspaceId, clientId: client.id, kind, id, happened: 'sent', title: offer.title, number });
    if (request)
      await tellPlugins(plugins, {
        workspaceId,
        clientId: client.id,
        kind: 'request',
        id: request.id,
        happened: 'answered',
        title: request.title,
        number: request.ref,
        occurrence: `quotation:${id}:${offer.status}`,
      });
    res.redirect(303, `${labels.path}/${id}`);
  });

  router.get(`${labels.path}/:id`, requireStaff, async (req, res) => {
    const { workspaceId } = staffOf(res);
    const offer = found(await findOffer(db, table, { workspaceId, offerId: routeId(req.params.id) }));
    const items = await listOfferItems(db, table, { workspaceId, offerId: offer.id });
    const view = presentOffer(kind, offer);
    const answers = kind === 'quotation' ? await findRequestOfQuotationForStaff(db, { workspaceId, quotationId: offer.id }) : null;
    await render(res, 'offers/show', {
      title: `${labels.singular} ${view.number}`,
      section,
      labels,
      offer: view,
      items: presentLineItems(items, offer.currency),
      sums: presentLineSums(items, offer.currency),
      pluginLinks: await recordLinksFor(plugins, res, { kind, id: offer.id, clientId: offer.client_id }),
      answersRequest: answers ? { href: `/requests/${answers.id}`, label: `${answers.ref} ${answers.title}` } : null,
    });
  });

  return router;
}
