// Invoices for the signed-in client: the list, one invoice with its payments, its PDF, and a
// comment on it. Every record comes through the host's InvoicesPort, scoped by workspace and the
// client's company in the adapter's query; the section guard in routes.ts has already run.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  canClient,
  clientActor,
  type ClientsPort,
  type CommentsPort,
  documentPreview,
  type FieldErrors,
  type FileStorage,
  insertClientActivity,
  isFragmentRequest,
  limitPerPerson,
  LIST_PAGE_SIZE,
  notFound,
  parseParam,
  pdfBrand,
  pdfFilename,
  portalContext,
  POSTING_LIMITS,
  previewBrand,
  type RateLimiter,
  RecordIdParam,
  renderPdfFor,
  renderPortalPage,
  sendPdf,
  signedInClient,
  listHref,
  listParams,
  presentSearch,
} from '../../core/index.ts';
import type { InvoicesPort } from './port.ts';
import { addComment, loadThread, type CommentSubject, type ThreadView } from '../messages/index.ts';
import { markRecordThreadRead } from '../messages/index.ts';
import { bankTransferDetails } from './bank-transfer.ts';
import { INVOICE_STATUS_FILTERS, invoiceListFilter, type InvoiceListInput } from './commands.ts';
import { invoicePdfModel, presentInvoiceDetail, presentInvoiceRow, type InvoiceDetailView } from './presenters.ts';
import { findReceiptPayment, receiptNumber, receiptPdfModel } from './receipts.ts';
import { loadStatement, statementPdfModel } from './statement.ts';

export interface InvoiceHandlerDeps {
  db: Knex;
  invoices: InvoicesPort;
  /** The letterhead of the statement of account, which belongs to no one invoice. */
  clients: ClientsPort;
  comments: CommentsPort;
  storage: FileStorage;
  now: () => Date;
  limiter: RateLimiter;
}

/** The document as the PDF would show it, drawn as HTML (src/core/pdf/preview.ts). */
function previewOf(res: Response, view: InvoiceDetailView, href: string) {
  const { i18n, branding } = portalContext(res);
  return documentPreview(
    invoicePdfModel(i18n, view, previewBrand(branding), signedInClient(res).contact.clientName),
    href,
    branding.logoUrl,
  );
}

export function createInvoiceHandlers(deps: InvoiceHandlerDeps) {
  const { db, invoices, comments, now } = deps;

  async function load(res: Response, rawId: unknown) {
    const id = parseParam(RecordIdParam, rawId);
    const { workspace, base, i18n } = portalContext(res);
    const { user } = signedInClient(res);
    const invoice = await invoices.find(workspace.id, user.client_id, id);
    if (!invoice) throw notFound();
    const href = `${base}/invoices/${encodeURIComponent(invoice.id)}`;
    return {
      invoice,
      view: presentInvoiceDetail(i18n, invoice, href, i18n.fmt.isoDay(now())),
      subject: { type: 'invoice', id: invoice.id, href, number: invoice.number } satisfies CommentSubject,
    };
  }

  async function showPage(req: Request, res: Response, form: { draft?: string; errors?: FieldErrors } = {}, status = 200) {
    const { i18n } = portalContext(res);
    const { invoice, view, subject } = await load(res, req.params.id);
    const [thread] = await Promise.all([
      // A live refresh of the thread (a fragment) is swapped into a page that already follows the stream.
      loadThread(comments, i18n, res, subject, { ...form, live: !isFragmentRequest(req) }),
      // Seeing the record's comments reads its thread (its unread count beside the messages drops).
      markRecordThreadRead(
        db,
        portalContext(res).workspace.id,
        signedInClient(res).user.client_id,
        signedInClient(res).user.id,
        subject.type,
        subject.id,
        now(),
      ),
      // A live refresh is not another view of the record.
      status === 200 && !isFragmentRequest(req)
        ? insertClientActivity(db, clientActor(req, res), 'invoice.viewed', { invoiceId: invoice.id, number: invoice.number })
        : Promise.resolve(),
    ]);
    // The pay button (views/invoices/_actions.ejs): something left to pay, and online payments on
    // or the host's bank details to pay by transfer (the pay page shows either; authorizePayPage).
    const { settings, base } = portalContext(res);
    const payUrl =
      invoice.status === 'open' && invoice.balanceCents > 0 && (canClient(settings, 'pay_online') || bankTransferDetails(invoice) !== null)
        ? `${base}/invoices/${encodeURIComponent(invoice.id)}/pay`
        : null;
    const preview = previewOf(res, view, subject.href);
    renderPortalPage(req, res, 'invoices/show', view.heading, { invoice: view, thread, payUrl, preview }, status);
  }

  const renderThread = (req: Request, res: Response) => (thread: ThreadView, status: number) =>
    renderPortalPage(req, res, 'comments/_thread', portalContext(res).i18n.t('comments:heading'), { thread }, status);

  return {
    list: async (req: Request, res: Response) => {
      const { workspace, base, i18n } = portalContext(res);
      const { user } = signedInClient(res);
      const query = res.locals.query as InvoiceListInput;
      const page = await invoices.list(workspace.id, user.client_id, invoiceListFilter(query, i18n.locale), {
        limit: LIST_PAGE_SIZE,
        after: query.after ?? null,
      });
      const today = i18n.fmt.isoDay(now());
      // What every link of the list keeps: the status chosen and the search.
      const filter = listParams({ status: query.status === 'all' ? undefined : query.status, q: query.q });
      renderPortalPage(req, res, 'invoices/index', i18n.t('invoices:title'), {
        rows: page.items.map((invoice) => presentInvoiceRow(i18n, invoice, `${base}/invoices/${encodeURIComponent(invoice.id)}`, today)),
        status: query.status,
        statuses: ['all', ...INVOICE_STATUS_FILTERS].map((value) => ({
          value,
          label: i18n.t(`invoices:filter.${value}`),
          selected: value === query.status,
        })),
        search: presentSearch(query.q, page, listHref(`${base}/invoices`, { ...filter, q: undefined })),
        nextHref: page.next ? listHref(`${base}/invoices`, { ...filter, after: page.next }) : null,
        statementHref: `${base}/invoices/statement.pdf`,
        firstHref: query.after ? listHref(`${base}/invoices`, filter) : null,
      });
    },

    show: (req: Request, res: Response) => showPage(req, res),

    pdf: async (req: Request, res: Response) => {
      const { i18n, workspace } = portalContext(res);
      const { user, contact } = signedInClient(res);
      const { invoice, view } = await load(res, req.params.id);
      const brand = await pdfBrand(deps.storage, res);
      const pdf = await renderPdfFor(
        { workspaceId: workspace.id, clientId: user.client_id },
        invoicePdfModel(i18n, view, brand, contact.clientName),
      );
      await insertClientActivity(db, clientActor(req, res), 'invoice.pdf_downloaded', { invoiceId: invoice.id, number: invoice.number });
      sendPdf(res, pdf, pdfFilename(i18n.t('invoices:kind'), invoice.number));
    },

    /** The document as HTML, on a page of its own: same record, same checks as the PDF. */
    preview: async (req: Request, res: Response) => {
      const { i18n } = portalContext(res);
      const { view, subject } = await load(res, req.params.id);
      const preview = previewOf(res, view, subject.href);
      renderPortalPage(req, res, 'commercial/preview', i18n.t('pdf:preview.pageTitle', { document: view.heading }), {
        preview,
        recordHref: subject.href,
        heading: view.heading,
      });
    },

    /** The receipt of one payment of the invoice; another invoice's payment (or none) is not found. */
    receipt: async (req: Request, res: Response) => {
      const { i18n, workspace } = portalContext(res);
      const { user, contact } = signedInClient(res);
      const paymentId = parseParam(RecordIdParam, req.params.paymentId);
      const { invoice } = await load(res, req.params.id);
      const found = findReceiptPayment(invoice, paymentId);
      const brand = found ? await pdfBrand(deps.storage, res) : null;
      const model = found && brand ? receiptPdfModel(i18n, invoice, paymentId, brand, contact.clientName) : null;
      if (!found || !model) throw notFound();
      const number = receiptNumber(invoice.number, found.position);
      const pdf = await renderPdfFor({ workspaceId: workspace.id, clientId: user.client_id }, model);
      await insertClientActivity(db, clientActor(req, res), 'invoice.receipt_downloaded', {
        invoiceId: invoice.id,
        number: invoice.number,
        paymentId,
        receipt: number,
      });
      sendPdf(res, pdf, pdfFilename(i18n.t('receipts:filename'), number));
    },

    /** The statement of account: the client's invoices and payments, and the balance due. */
    statement: async (req: Request, res: Response) => {
      const { i18n, workspace } = portalContext(res);
      const { user, contact } = signedInClient(res);
      const [data, brand, parties] = await Promise.all([
        loadStatement(invoices, workspace.id, user.client_id),
        pdfBrand(deps.storage, res),
        deps.clients.letterhead ? deps.clients.letterhead(workspace.id, user.client_id) : null,
      ]);
      const today = i18n.fmt.isoDay(now());
      const pdf = await renderPdfFor(
        { workspaceId: workspace.id, clientId: user.client_id },
        statementPdfModel(i18n, data, brand, contact.clientName, today, parties),
      );
      await insertClientActivity(db, clientActor(req, res), 'invoice.statement_downloaded', {
        invoices: data.invoices.length,
        payments: data.payments.length,
      });
      sendPdf(res, pdf, pdfFilename(i18n.t('statement:filename'), contact.clientName, today));
    },

    /** Before the comment is read: the person's comments in a while (POSTING_LIMITS). */
    limitComments: limitPerPerson(deps.limiter, POSTING_LIMITS.commentsPerPerson),

    addComment: async (req: Request, res: Response) => {
      const { subject } = await load(res, req.params.id);
      await addComment({ db, comments }, req, res, subject, renderThread(req, res));
    },

    invalidComment: async (req: Request, res: Response, errors: FieldErrors) => {
      const draft = typeof req.body?.body === 'string' ? String(req.body.body).slice(0, 20_000) : '';
      if (!isFragmentRequest(req)) return showPage(req, res, { draft, errors }, 400);
      const { subject } = await load(res, req.params.id);
      const thread = await loadThread(comments, portalContext(res).i18n, res, subject, { draft, errors });
      if (!thread) throw notFound();
      renderThread(req, res)(thread, 400);
    },
  };
}

export type InvoiceHandlers = ReturnType<typeof createInvoiceHandlers>;
