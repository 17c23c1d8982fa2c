// Proposals and quotations for the signed-in client: the list, one offer, its PDF, and a comment
// on it. Every record comes through the host's OffersPort, scoped by workspace and the client's
// company in the adapter's query; the section guard in routes.ts has already run.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  amountSearchOf,
  clientActor,
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
  type PdfDocumentModel,
  portalContext,
  POSTING_LIMITS,
  previewBrand,
  type RateLimiter,
  RecordIdParam,
  renderPdfFor,
  renderPortalPage,
  sendPdf,
  signedInClient,
  canSeeSection,
  listHref,
  listParams,
  presentSearch,
} from '../../core/index.ts';
import type { CommentsPort } from '../messages/index.ts';
import type { OffersPort } from './port.ts';
import type { ServiceRequestsPort } from '../requests/index.ts';
import { addComment, loadThread, type CommentSubject, type ThreadView } from '../messages/index.ts';
import { markRecordThreadRead } from '../messages/index.ts';
import { presentOfferActions } from './decisions/presenters.ts';
import { acceptedSignature, signatureBlock } from './decisions/signed-pdf.ts';
import { expiryTimeZone, type OfferDecisions } from './decisions/service.ts';
import type { OfferListInput } from './commands.ts';
import {
  OFFER_STATUS_FILTERS,
  SECTION_KIND,
  offerPdfModel,
  presentOfferDetail,
  presentOfferRow,
  type OfferDetailView,
  type OfferSection,
} from './presenters.ts';

export interface OfferHandlerDeps {
  db: Knex;
  offers: OffersPort;
  comments: CommentsPort;
  storage: FileStorage;
  now: () => Date;
  limiter: RateLimiter;
  /** Accept / decline and the decision made (src/features/offers/decisions/), shown in the page's actions block. */
  decisions?: OfferDecisions;
  /** The host's service and quote requests, where it keeps them: an offer made in answer to one names it. */
  requests?: ServiceRequestsPort | undefined;
}

/** The document as the PDF would show it, drawn as HTML (src/core/pdf/preview.ts), with the signature of an accepted offer. */
function previewOf(res: Response, view: OfferDetailView, href: string, evidence: PdfDocumentModel['evidence'] = null) {
  const { i18n, branding } = portalContext(res);
  const model = offerPdfModel(i18n, view, previewBrand(branding), signedInClient(res).contact.clientName);
  return documentPreview({ ...model, evidence }, href, branding.logoUrl);
}

export function createOfferHandlers(deps: OfferHandlerDeps) {
  const { db, offers, comments, now } = deps;

  async function load(res: Response, section: OfferSection, rawId: unknown) {
    const id = parseParam(RecordIdParam, rawId);
    const { workspace, base, i18n } = portalContext(res);
    const { user } = signedInClient(res);
    const offer = await offers.find(workspace.id, user.client_id, SECTION_KIND[section], id);
    if (!offer) throw notFound();
    const href = `${base}/${section}/${encodeURIComponent(offer.id)}`;
    return {
      offer,
      view: presentOfferDetail(i18n, offer, href, i18n.fmt.isoDay(now())),
      subject: { type: SECTION_KIND[section], id: offer.id, href, number: offer.number, title: offer.title } satisfies CommentSubject,
    };
  }

  async function showPage(
    req: Request,
    res: Response,
    section: OfferSection,
    form: { draft?: string; errors?: FieldErrors } = {},
    status = 200,
  ) {
    const { i18n } = portalContext(res);
    const { offer, view, subject } = await load(res, section, req.params.id);
    const { workspace, settings } = portalContext(res);
    const [thread, state] = await Promise.all([
      // A live refresh of the thread (a fragment) is swapped into a page that already follows the stream.
      loadThread(comments, i18n, res, subject, { ...form, live: !isFragmentRequest(req) }),
      deps.decisions ? deps.decisions.stateOf(workspace.id, signedInClient(res).user.client_id, offer, expiryTimeZone(settings)) : null,
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
        ? insertClientActivity(db, clientActor(req, res), 'offer.viewed', {
            kind: offer.kind,
            offerId: offer.id,
            number: offer.number,
            title: offer.title,
          })
        : Promise.resolve(),
      // The host records the opening as its own client portal does (Alga: once, with who opened it).
      status === 200 && !isFragmentRequest(req) && offers.viewed
        ? offers.viewed(workspace.id, signedInClient(res).user.client_id, offer.kind, offer.id, {
            contactId: signedInClient(res).contact.id,
            at: now(),
          })
        : Promise.resolve(),
    ]);
    // The request it answers, named and linked for a person who may see their requests.
    const answered =
      deps.requests?.answeredBy && canSeeSection(settings, 'requests')
        ? await deps.requests.answeredBy(workspace.id, signedInClient(res).user.client_id, { kind: offer.kind, id: offer.id })
        : null;
    const inAnswerTo = answered
      ? {
          text: i18n.t('requests:inAnswer', { ref: answered.ref, title: answered.title }),
          href: `${portalContext(res).base}/requests/mine/${encodeURIComponent(answered.id)}`,
        }
      : null;
    const actions = state ? presentOfferActions(state, i18n, subject.href, req.query.decided) : null;
    // The decision the actions block already read signs the preview: no read of its own.
    const signed = offer.status === 'accepted' && state?.decision?.outcome === 'accepted' ? state.decision : null;
    const preview = previewOf(res, view, subject.href, signed ? signatureBlock(i18n, offer, signed, null) : null);
    renderPortalPage(req, res, 'offers/show', view.heading, { section, offer: view, thread, actions, preview, inAnswerTo }, status);
  }

  const renderThread = (req: Request, res: Response) => (thread: ThreadView, status: number) =>
    renderPortalPage(req, res, 'comments/_thread', portalContext(res).i18n.t('comments:heading'), { thread }, status);

  return {
    list: (section: OfferSection) => async (req: Request, res: Response) => {
      const { workspace, base, i18n } = portalContext(res);
      const { user } = signedInClient(res);
      const query = res.locals.query as OfferListInput;
      const amount = amountSearchOf(query.q, i18n.locale);
      const page = await offers.list(
        workspace.id,
        user.client_id,
        SECTION_KIND[section],
        {
          ...(query.status === 'all' ? {} : { status: [query.status] }),
          ...(query.q ? { search: query.q } : {}),
          // The search may be an amount too, written as the reader writes numbers.
          ...(amount ? { amount } : {}),
        },
        { limit: LIST_PAGE_SIZE, after: query.after ?? null },
      );
      const today = i18n.fmt.isoDay(now());
      // What every link of the list keeps: the status chosen and the search.
      const filter = listParams({ status: query.status === 'all' ? undefined : query.status, q: query.q });
      const path = `${base}/${section}`;
      renderPortalPage(req, res, 'offers/index', i18n.t(`offers:${section}.title`), {
        section,
        rows: page.items.map((offer) => presentOfferRow(i18n, offer, `${base}/${section}/${encodeURIComponent(offer.id)}`, today)),
        status: query.status,
        statuses: ['all', ...OFFER_STATUS_FILTERS].map((value) => ({
          value,
          label: i18n.t(`offers:filter.${value}`),
          selected: value === query.status,
        })),
        search: presentSearch(query.q, page, listHref(path, { ...filter, q: undefined })),
        nextHref: page.next ? listHref(path, { ...filter, after: page.next }) : null,
        firstHref: query.after ? listHref(path, filter) : null,
      });
    },

    show: (section: OfferSection) => (req: Request, res: Response) => showPage(req, res, section),

    pdf: (section: OfferSection) => async (req: Request, res: Response) => {
      const { i18n, workspace } = portalContext(res);
      const { user, contact } = signedInClient(res);
      const { offer, view } = await load(res, section, req.params.id);
      const [brand, evidence] = await Promise.all([
        pdfBrand(deps.storage, res),
        deps.decisions ? acceptedSignature(deps.decisions, i18n, { workspaceId: workspace.id, clientId: user.client_id }, offer) : null,
      ]);
      const pdf = await renderPdfFor(
        { workspaceId: workspace.id, clientId: user.client_id },
        { ...offerPdfModel(i18n, view, brand, contact.clientName), evidence },
      );
      await insertClientActivity(db, clientActor(req, res), 'offer.pdf_downloaded', {
        kind: offer.kind,
        offerId: offer.id,
        number: offer.number,
        title: offer.title,
      });
      sendPdf(res, pdf, pdfFilename(view.kindLabel, offer.number));
    },

    /** The document as HTML, on a page of its own: same record, same checks as the PDF. */
    preview: (section: OfferSection) => async (req: Request, res: Response) => {
      const { i18n, workspace } = portalContext(res);
      const { offer, view, subject } = await load(res, section, req.params.id);
      const evidence = deps.decisions
        ? await acceptedSignature(deps.decisions, i18n, { workspaceId: workspace.id, clientId: signedInClient(res).user.client_id }, offer)
        : null;
      const preview = previewOf(res, view, subject.href, evidence);
      renderPortalPage(req, res, 'commercial/preview', i18n.t('pdf:preview.pageTitle', { document: view.heading }), {
        preview,
        recordHref: subject.href,
        heading: view.heading,
      });
    },

    /** Before the comment is read: the person's comments in a while (POSTING_LIMITS). */
    limitComments: limitPerPerson(deps.limiter, POSTING_LIMITS.commentsPerPerson),

    addComment: (section: OfferSection) => async (req: Request, res: Response) => {
      const { subject } = await load(res, section, req.params.id);
      await addComment({ db, comments }, req, res, subject, renderThread(req, res));
    },

    invalidComment: (section: OfferSection) => async (req: Request, res: Response, errors: FieldErrors) => {
      const draft = typeof req.body?.body === 'string' ? String(req.body.body).slice(0, 20_000) : '';
      if (!isFragmentRequest(req)) return showPage(req, res, section, { draft, errors }, 400);
      const { subject } = await load(res, section, req.params.id);
      const thread = await loadThread(comments, portalContext(res).i18n, res, subject, { draft, errors });
      if (!thread) throw notFound();
      renderThread(req, res)(thread, 400);
    },
  };
}

export type OfferHandlers = ReturnType<typeof createOfferHandlers>;
