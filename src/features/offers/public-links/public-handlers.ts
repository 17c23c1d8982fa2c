// The page behind a public link, /portal/:slug/p/:token: the record read-only in the workspace's
// branding, its PDF, and — for an open proposal or quotation, when the workspace allows decisions
// by link and the link allows it — accept or decline with a typed name and an email as the evidence of who. Lookups are rate-limited per IP;
// an unknown, expired or revoked token, or a section the workspace switched off, is one same 404.
import type { Request, Response } from 'express';
import { offerPdfModel, presentOfferDetail } from '../presenters.ts';
import { acceptedSignature } from '../decisions/signed-pdf.ts';
import { invoicePdfModel, presentInvoiceDetail } from '../../invoices/index.ts';
import {
  type FieldErrors,
  type FileStorage,
  forbidden,
  type HostAdapter,
  notFound,
  pdfBrand,
  pdfFilename,
  type PdfResult,
  portalContext,
  type PortalSettings,
  type RateLimiter,
  renderPdfFor,
  renderPortalPage,
  requestMeta,
  sendPdf,
  tooManyRequests,
} from '../../../core/index.ts';
import { keptInput, type DecisionInput } from '../decisions/commands.ts';
import { signatureEvidence } from '../decisions/signature-strokes.ts';
import { presentOfferActions, presentOfferDecision } from '../decisions/presenters.ts';
import { expiryTimeZone, type OfferDecisions } from '../decisions/service.ts';
import type { PublicLinkRow } from './queries.ts';
import type { PublicLinks } from './service.ts';

const MINUTE = 60;
/** Generous for a person opening a shared link, tight for someone guessing tokens. */
const PUBLIC_LINK_LIMIT = { name: 'public-link:ip', points: 60, windowSeconds: 15 * MINUTE, blockSeconds: 15 * MINUTE };

type Outcome = 'accept' | 'decline';

/** A link carries a decision only when the workspace allows decisions by link and the link itself does. */
const decidesByLink = (settings: PortalSettings, link: PublicLinkRow) => settings.allowPublicLinkDecisions && link.allow_decision;

export function createPublicLinkHandlers(deps: {
  adapter: HostAdapter;
  links: PublicLinks;
  decisions: OfferDecisions;
  limiter: RateLimiter;
  storage: FileStorage;
  now: () => Date;
}) {
  const { links, decisions } = deps;

  async function open(req: Request, res: Response) {
    const { workspace, settings, i18n } = portalContext(res);
    const limit = await deps.limiter.consume(PUBLIC_LINK_LIMIT, `${workspace.id}:${req.ip ?? 'unknown'}`);
    if (!limit.allowed) throw tooManyRequests(limit.retryAfterSeconds, i18n.t);
    const found = await links.open(workspace.id, settings, String(req.params.token ?? ''));
    // One answer for unknown, expired, revoked and switched-off: nothing tells them apart.
    if (!found) throw notFound(i18n.t('public:gone'));
    return found;
  }

  async function page(
    req: Request,
    res: Response,
    form: { outcome?: Outcome; errors?: FieldErrors; input?: Record<string, string>; refusal?: string } = {},
    status = 200,
  ) {
    const { link, record } = await open(req, res);
    const { base, i18n, workspace, settings } = portalContext(res);
    // A decision POST (shown again with its errors) on a link that may not decide: refused before
    // any input is judged, the same answer whatever was sent.
    if (req.method === 'POST' && (record.type === 'invoice' || !decidesByLink(settings, link))) {
      if (record.type === 'invoice') throw notFound();
      throw forbidden(i18n.t('public:decideElsewhere'));
    }
    const href = `${base}/p/${encodeURIComponent(String(req.params.token))}`;
    const today = i18n.fmt.isoDay(deps.now());
    if (status === 200 && req.method === 'GET') await links.logAccess(link, 'opened', requestMeta(req));
    if (record.type === 'invoice') {
      const invoice = presentInvoiceDetail(i18n, record.invoice, href, today);
      return renderPortalPage(
        req,
        res,
        'public-links/show',
        invoice.heading,
        { kind: 'invoice', record: { ...invoice, pdfHref: `${href}/document.pdf` }, decision: null },
        status,
      );
    }
    const offer = presentOfferDetail(i18n, record.offer, href, today);
    const state = await decisions.stateOf(workspace.id, link.client_id, record.offer, expiryTimeZone(settings));
    const actions = presentOfferActions(state, i18n, href, req.query.decided);
    const mayDecide = decidesByLink(settings, link) && state.canDecide;
    const errors = Object.fromEntries(Object.entries(form.errors ?? {}).map(([field, key]) => [field, i18n.t(key)]));
    renderPortalPage(
      req,
      res,
      'public-links/show',
      offer.heading,
      {
        kind: record.type,
        record: { ...offer, pdfHref: `${href}/document.pdf` },
        decision: {
          offer: presentOfferDecision(state, i18n),
          actions: { ...actions, acceptHref: null, declineHref: null, signedPdfHref: null },
          mayAccept: mayDecide && state.canAccept,
          mayDecline: mayDecide,
          acceptAction: `${href}/accept`,
          declineAction: `${href}/decline`,
          errors: form.outcome === 'accept' ? errors : {},
          declineErrors: form.outcome === 'decline' ? errors : {},
          input: form.outcome === 'accept' ? (form.input ?? {}) : {},
          declineInput: form.outcome === 'decline' ? (form.input ?? {}) : {},
          refusal: form.refusal ?? null,
          // Open, but not to be decided here: say where it can be.
          elsewhere: state.canDecide && !mayDecide,
        },
        assets: portalContext(res).assets,
      },
      status,
    );
  }

  function decide(outcome: Outcome) {
    return async (req: Request, res: Response) => {
      const { link, record } = await open(req, res);
      if (record.type === 'invoice') throw notFound();
      const { workspace, i18n, base, settings } = portalContext(res);
      if (!decidesByLink(settings, link)) throw forbidden(i18n.t('public:decideElsewhere'));
      const input = req.body as DecisionInput;
      const meta = requestMeta(req);
      const result = await decisions.decide({
        workspaceId: workspace.id,
        clientId: link.client_id,
        kind: record.type,
        offerId: record.offer.id,
        outcome: outcome === 'accept' ? 'accepted' : 'declined',
        seenSha256: input.fingerprint,
        typedName: input.typedName ?? '',
        email: input.email ?? null,
        note: input.note,
        poNumber: input.poNumber,
        selectedOptionalLineIds: input.optionalItems ?? null,
        ...signatureEvidence(input),
        method: 'public_link',
        clientUserId: null,
        contactId: null,
        publicLinkId: link.id,
        ...meta,
        timeZone: expiryTimeZone(settings),
      });
      const href = `${base}/p/${encodeURIComponent(String(req.params.token))}`;
      if (result.ok) return res.redirect(303, `${href}?decided=${outcome === 'accept' ? 'accepted' : 'declined'}`);
      if (result.reason === 'not_found') throw notFound(i18n.t('public:gone'));
      return page(req, res, { outcome, input: keptInput(req.body), refusal: i18n.t(`decisions:refusals.${result.reason}`) }, 409);
    };
  }

  return {
    show: (req: Request, res: Response) =>
      page(
        req,
        res,
        req.query.refused === 'too_large' ? { outcome: 'accept', refusal: portalContext(res).i18n.t('decisions:refusals.too_large') } : {},
      ),
    invalid: (outcome: Outcome) => (req: Request, res: Response, errors: FieldErrors) =>
      page(req, res, { outcome, errors, input: keptInput(req.body) }, 400),
    decide,
    pdf: async (req: Request, res: Response) => {
      const { link, record } = await open(req, res);
      const { i18n, base } = portalContext(res);
      const href = `${base}/p/${encodeURIComponent(String(req.params.token))}`;
      const today = i18n.fmt.isoDay(deps.now());
      const brand = await pdfBrand(deps.storage, res);
      const client = (await deps.adapter.clients.findById(link.workspace_id, link.client_id))?.name ?? '';
      const scope = { workspaceId: link.workspace_id, clientId: link.client_id };
      let pdf: PdfResult;
      let filename: string;
      if (record.type === 'invoice') {
        const view = presentInvoiceDetail(i18n, record.invoice, href, today);
        pdf = await renderPdfFor(scope, invoicePdfModel(i18n, view, brand, client));
        filename = pdfFilename(i18n.t('invoices:kind'), record.invoice.number);
      } else {
        const view = presentOfferDetail(i18n, record.offer, href, today);
        const evidence = await acceptedSignature(decisions, i18n, scope, record.offer);
        pdf = await renderPdfFor(scope, { ...offerPdfModel(i18n, view, brand, client), evidence });
        filename = pdfFilename(view.kindLabel, record.offer.number);
      }
      await links.logAccess(link, 'pdf', requestMeta(req));
      sendPdf(res, pdf, filename);
    },
  };
}

export type PublicLinkHandlers = ReturnType<typeof createPublicLinkHandlers>;
