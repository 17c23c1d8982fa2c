// Invoices for the signed-in client: the list, one invoice with its payments, its PDF, and a
// comment on it. Every record comes through the host's InvoicesPort, scoped by workspace and the
// client's company in the adapter's query; the section guard in routes.ts has already run.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  canClient,
  clientActor,
  customOriginOf,
  dayInZone,
  type ClientsPort,
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
  requestMeta,
  sendPdf,
  signedInClient,
  listHref,
  listParams,
  presentSearch,
} from '../../core/index.ts';
import type { CommentsPort } from '../messages/index.ts';
import type { InvoicesPort } from './port.ts';
import { addComment, loadThread, type CommentSubject, type ThreadView } from '../messages/index.ts';
import { markRecordThreadRead } from '../messages/index.ts';
import { bankTransferDetails } from './bank-transfer.ts';
import { INVOICE_STATUS_FILTERS, invoiceListFilter, type InvoiceListInput, InvoiceListQuery, type PaySeveralInput } from './commands.ts';
import { severalTransferRefusal } from './payments/bank-transfer-view.ts';
import { presentPayOutcome, presentSeveralOutcome } from './payments/presenters.ts';
import { severalTransferHref } from './payments/several-transfer-handlers.ts';
import type { PaymentMethodsService } from './payment-methods/service.ts';
import { payingClientOf, type PaymentService } from './payments/service.ts';
import { invoicePdfModel, presentInvoiceDetail, presentInvoiceRow, presentNextInvoice, type InvoiceDetailView } from './presenters.ts';
import { findReceiptPayment, receiptNumber, receiptPdfModel } from './receipts.ts';
import { loadStatement, statementPdfModel } from './statement.ts';
import { type StatementInput, statementChoices, statementPeriodOf } from './statement-period.ts';

export interface InvoiceHandlerDeps {
  db: Knex;
  invoices: InvoicesPort;
  /** Paying several invoices at once from the list; null where the portal takes no payments. */
  payments: PaymentService | null;
  /** Saved payment methods and autopay: the list links to them where the workspace offers them. */
  methods: Pick<PaymentMethodsService, 'savingProvider' | 'settings'> | null;
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

const SEVERAL_ERRORS = {
  mixed_currencies: 'payments:several.errors.mixedCurrencies',
  no_provider: 'payments:errors.noProvider',
  provider_unavailable: 'payments:errors.providerUnavailable',
  payment_in_progress: 'payments:several.errors.paymentInProgress',
} as const;

/** The list's filters where a form posted from it carries them (its action keeps the query); else the whole list. */
function listQueryOf(req: Request): InvoiceListInput {
  const parsed = InvoiceListQuery.safeParse(req.query);
  return parsed.success ? parsed.data : InvoiceListQuery.parse({});
}

/** The invoice ids a refused form had chosen, to show them chosen again (only ids the list shows are ticked). */
function chosenIn(body: unknown): string[] {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>).invoice : undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is string => typeof item === 'string' && item.length <= 64).slice(0, 100);
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

  /**
   * The list, with the form to pay several invoices at once, online where the person may pay
   * online and the host records payments, by one bank transfer where the host names its account
   * on invoices; `form` is a refused pay-several form's choice and message.
   */
  async function showList(
    req: Request,
    res: Response,
    query: InvoiceListInput,
    form: { chosen?: string[]; error?: string } = {},
    status = 200,
  ) {
    const { workspace, base, i18n, settings } = portalContext(res);
    const { user } = signedInClient(res);
    const paySeveral = deps.payments && invoices.recordPayment && canClient(settings, 'pay_online');
    // One bank transfer for several: where the host names its account on invoices (one read
    // per chosen invoice on the next page tells whether they share it), as the pay button of
    // one invoice stands on its bank details.
    const transferSeveral = deps.payments !== null && invoices.bankAccounts === true;
    // The next invoice of the company's recurring ones, under the heading of the list's first,
    // unfiltered page only: one read of the host, none on a filtered list or a later page.
    const firstPage = query.status === 'all' && !query.q && !query.after;
    const [page, autopayOffered, upcoming] = await Promise.all([
      invoices.list(workspace.id, user.client_id, invoiceListFilter(query, i18n.locale), {
        limit: LIST_PAGE_SIZE,
        after: query.after ?? null,
      }),
      // One read of the payment settings, only where the person may pay online.
      paySeveral && deps.methods
        ? deps.methods.settings(workspace.id).then((saved) => deps.methods!.savingProvider(saved) !== null)
        : false,
      firstPage && invoices.upcoming ? invoices.upcoming(workspace.id, user.client_id) : [],
    ]);
    // Back from a provider's checkout of several invoices: how that payment went.
    const returned = query.payment && deps.payments ? await deps.payments.checkout(payingClientOf(res), query.payment) : null;
    const today = i18n.fmt.isoDay(now());
    // What every link of the list keeps: the status chosen and the search.
    const filter = listParams({ status: query.status === 'all' ? undefined : query.status, q: query.q });
    const chosen = new Set(form.chosen ?? []);
    renderPortalPage(
      req,
      res,
      'invoices/index',
      i18n.t('invoices:title'),
      {
        rows: page.items.map((invoice) => ({
          ...presentInvoiceRow(i18n, invoice, `${base}/invoices/${encodeURIComponent(invoice.id)}`, today),
          // Only an open invoice with something left to pay may be chosen.
          choice:
            (paySeveral || transferSeveral) && invoice.status === 'open' && invoice.balanceCents > 0
              ? { checked: chosen.has(invoice.id) }
              : null,
        })),
        status: query.status,
        statuses: ['all', ...INVOICE_STATUS_FILTERS].map((value) => ({
          value,
          label: i18n.t(`invoices:filter.${value}`),
          selected: value === query.status,
        })),
        search: presentSearch(query.q, page, listHref(`${base}/invoices`, { ...filter, q: undefined })),
        nextHref: page.next ? listHref(`${base}/invoices`, { ...filter, after: page.next }) : null,
        statement: {
          action: `${base}/invoices/statement.pdf`,
          choices: statementChoices(dayInZone(now(), settings.defaultTimeZone ?? 'UTC')).map((choice) => ({
            value: choice.value,
            label: choice.kind === 'year' ? i18n.t('statement:choice.year', { year: choice.year }) : i18n.t('statement:choice.sinceZero'),
          })),
        },
        nextInvoice: presentNextInvoice(i18n, upcoming[0]),
        methodsHref: autopayOffered ? `${base}/payment-methods` : null,
        firstHref: query.after ? listHref(`${base}/invoices`, filter) : null,
        paySeveral:
          paySeveral || transferSeveral
            ? {
                action: listHref(`${base}/invoices/pay`, { ...filter, after: query.after }),
                online: Boolean(paySeveral),
                transferAction: transferSeveral ? listHref(`${base}/invoices/pay/transfer`, { ...filter, after: query.after }) : null,
                error: form.error ?? null,
              }
            : null,
        // One invoice chosen on the list pays alone, and comes back here too: told as its pay page tells it.
        outcome: returned
          ? returned.shares.length > 1
            ? presentSeveralOutcome(i18n, returned, query.cancelled)
            : presentPayOutcome(i18n, returned, query.cancelled)
          : null,
      },
      status,
    );
  }

  const renderThread = (req: Request, res: Response) => (thread: ThreadView, status: number) =>
    renderPortalPage(req, res, 'comments/_thread', portalContext(res).i18n.t('comments:heading'), { thread }, status);

  return {
    list: (req: Request, res: Response) => showList(req, res, res.locals.query as InvoiceListInput),

    /**
     * Pays the invoices chosen on the list in one checkout (their whole balances): off to the
     * provider, or the list again with what was chosen and why it cannot be paid.
     */
    paySeveral: async (req: Request, res: Response) => {
      const payments = deps.payments;
      if (!payments || !invoices.recordPayment) throw notFound();
      const { base, i18n } = portalContext(res);
      const query = listQueryOf(req);
      const { invoice: chosen } = req.body as PaySeveralInput;
      const result = await payments.startSeveral(
        payingClientOf(res),
        chosen,
        {
          portalBase: base,
          returnUrl: `${base}/invoices`,
          origin: customOriginOf(req),
          locale: i18n.locale,
          description: i18n.t('payments:several.lineItem', { count: chosen.length }),
        },
        requestMeta(req),
      );
      if ('redirectUrl' in result) return res.redirect(303, result.redirectUrl);
      const message =
        result.error === 'not_payable'
          ? result.number
            ? i18n.t('payments:several.errors.notPayable', { number: result.number })
            : i18n.t('payments:several.errors.notFound')
          : i18n.t(SEVERAL_ERRORS[result.error]);
      const status = result.error === 'provider_unavailable' ? 503 : result.error === 'payment_in_progress' ? 409 : 400;
      return showList(req, res, query, { chosen, error: message }, status);
    },

    /**
     * The invoices chosen on the list, to pay by one bank transfer: on to the page that shows it
     * (post/redirect/get, so the form's token stays out of the address), or the list again with
     * why they cannot be paid so.
     */
    chooseTransfer: async (req: Request, res: Response) => {
      const payments = deps.payments;
      if (!payments) throw notFound();
      const { base, i18n } = portalContext(res);
      const { invoice: chosen } = req.body as PaySeveralInput;
      const transfer = await payments.severalTransfer(payingClientOf(res), chosen);
      if (!('error' in transfer)) return res.redirect(303, severalTransferHref(base, chosen));
      return showList(req, res, listQueryOf(req), { chosen, error: severalTransferRefusal(i18n, transfer) }, 400);
    },

    invalidPaySeveral: (req: Request, res: Response, errors: FieldErrors) => {
      const { i18n } = portalContext(res);
      const message = Object.values(errors)[0] ?? 'payments:several.errors.noneChosen';
      return showList(req, res, listQueryOf(req), { chosen: chosenIn(req.body), error: i18n.t(message) }, 400);
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
      const { i18n, workspace, settings } = portalContext(res);
      const { user, contact } = signedInClient(res);
      const { period: choice } = res.locals.query as StatementInput;
      // Calendar years in the workspace's time zone: the agency's books, whoever reads them.
      const period = statementPeriodOf(choice, settings.defaultTimeZone ?? 'UTC');
      const [data, brand, parties] = await Promise.all([
        loadStatement(invoices, workspace.id, user.client_id, period),
        pdfBrand(deps.storage, res),
        deps.clients.letterhead ? deps.clients.letterhead(workspace.id, user.client_id) : null,
      ]);
      const today = i18n.fmt.isoDay(now());
      const pdf = await renderPdfFor(
        { workspaceId: workspace.id, clientId: user.client_id },
        statementPdfModel(i18n, data, brand, contact.clientName, today, parties),
      );
      await insertClientActivity(db, clientActor(req, res), 'invoice.statement_downloaded', {
        period: choice,
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
