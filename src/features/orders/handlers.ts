// The orders pages: the list by status with a search (number, the client's reference, or the total
// as an amount), an order's page (lines, totals, its history, the linked proposal and invoices,
// its deliveries with tracking, the drafts asked for again), its PDF, and "order again". Orders
// are the host's, read and written through the OrdersPort, scoped by workspace and the client's
// company; an order of another company, or a draft, is a 404.
//
// "Order again" asks the host for a new draft with the same lines and logs the act (the agency's
// notification is built from the log) in one transaction: both or neither. A second click within
// a few seconds is the first's answer (RepeatGuard), never a second draft.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  clientActor,
  type FileStorage,
  insertClientActivity,
  LIST_PAGE_SIZE,
  listHref,
  listParams,
  notFound,
  parseParam,
  pdfBrand,
  pdfFilename,
  portalContext,
  presentSearch,
  RecordIdParam,
  type RepeatGuard,
  renderPdfFor,
  renderPortalPage,
  requestMeta,
  sendDownload,
  sendPdf,
  signedInClient,
} from '../../core/index.ts';
import type { OrderDetail, OrdersPort } from './port.ts';
import { ORDER_STATUS_FILTERS, type OrderListInput, orderListFilter, type OrderShowInput } from './commands.ts';
import { orderPdfModel, orderUrl, presentOrder, presentOrderRow } from './presenters.ts';

export interface OrdersDeps {
  db: Knex;
  orders: OrdersPort;
  storage: FileStorage;
  guard: RepeatGuard;
  now: () => Date;
}

export function createOrdersHandlers(deps: OrdersDeps) {
  const { db, orders, now } = deps;

  async function load(res: Response): Promise<OrderDetail> {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    const id = parseParam(RecordIdParam, res.req.params.orderId);
    const order = await orders.find(workspace.id, user.client_id, id);
    if (!order) throw notFound('orders:errors.notFound');
    return order;
  }

  return {
    list: async (req: Request, res: Response) => {
      const { workspace, base, i18n } = portalContext(res);
      const { user } = signedInClient(res);
      const query = res.locals.query as OrderListInput;
      const page = await orders.list(workspace.id, user.client_id, orderListFilter(query, i18n.locale), {
        limit: LIST_PAGE_SIZE,
        after: query.after ?? null,
      });
      // Every link of the list keeps the status chosen and the search.
      const filter = listParams({ status: query.status === 'all' ? undefined : query.status, q: query.q });
      renderPortalPage(req, res, 'orders/index', i18n.t('orders:title'), {
        rows: page.items.map((order) => presentOrderRow(i18n, base, order, i18n.fmt.isoDay(now()))),
        status: query.status,
        statuses: ['all', ...ORDER_STATUS_FILTERS].map((value) => ({
          value,
          label: i18n.t(`orders:filter.${value}`),
          selected: value === query.status,
        })),
        search: presentSearch(query.q, page, listHref(`${base}/orders`, { ...filter, q: undefined })),
        nextHref: page.next ? listHref(`${base}/orders`, { ...filter, after: page.next }) : null,
        firstHref: query.after ? listHref(`${base}/orders`, filter) : null,
      });
    },

    show: async (req: Request, res: Response) => {
      const { base, i18n, settings } = portalContext(res);
      const query = res.locals.query as OrderShowInput;
      const order = await load(res);
      const view = presentOrder(i18n, base, settings, order, i18n.fmt.isoDay(now()));
      renderPortalPage(req, res, 'orders/show', view.heading, { order: view, asked: query.asked === '1' });
    },

    pdf: async (_req: Request, res: Response) => {
      const { i18n, workspace, base, settings } = portalContext(res);
      const { user, contact } = signedInClient(res);
      const order = await load(res);
      // The host's own document where it made one (Dolibarr's); else the portal's, as for invoices.
      const hostDocument = orders.document ? await orders.document(workspace.id, user.client_id, order.id) : null;
      if (hostDocument) {
        await sendDownload(res, hostDocument);
        return;
      }
      const view = presentOrder(i18n, base, settings, order, i18n.fmt.isoDay(now()));
      const brand = await pdfBrand(deps.storage, res);
      const pdf = await renderPdfFor(
        { workspaceId: workspace.id, clientId: user.client_id },
        orderPdfModel(i18n, view, brand, contact.clientName),
      );
      sendPdf(res, pdf, pdfFilename(i18n.t('orders:kind'), order.number));
    },

    orderAgain: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const order = await load(res);
      const subject = `${workspace.id}:${user.client_id}:${order.id}`;
      const back = `${orderUrl(base, order.id)}?asked=1#reorders`;
      const seen = await deps.guard.claim('order-again', subject);
      // A second click: the first one's draft stands, and the page shows it.
      if (!seen.first) {
        res.redirect(303, back);
        return;
      }
      try {
        const draft = await db.transaction(async (trx) => {
          const made = await orders.orderAgain(workspace.id, user.client_id, user.contact_id, order.id, { trx, ip: requestMeta(req).ip });
          if (!made) return null;
          await insertClientActivity(trx, clientActor(req, res), 'order.reordered', {
            orderId: order.id,
            number: order.number,
            draftId: made.id,
            draftNumber: made.number,
          });
          return made;
        });
        if (!draft) throw notFound('orders:errors.notFound');
        await deps.guard.remember('order-again', subject, draft.number);
      } catch (err) {
        await deps.guard.release('order-again', subject);
        throw err;
      }
      res.redirect(303, back);
    },
  };
}

export type OrdersHandlers = ReturnType<typeof createOrdersHandlers>;
