// The client's accept and decline pages and their POSTs (post/redirect/get), for proposals and
// quotations. The rules live in the service and the policies; these only translate between HTTP
// and them.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  clientActor,
  type FieldErrors,
  type FileStorage,
  insertClientActivity,
  notFound,
  parseParam,
  pdfBrand,
  pdfFilename,
  portalContext,
  portalI18n,
  renderPdfFor,
  renderPortalPage,
  requestMeta,
  sendPdf,
  signedInClient,
} from '../../../core/index.ts';
import type { OfferKind } from '../port.ts';
import { signedPdfModel } from './signed-pdf.ts';
import { keptInput, OfferIdParam, type DecisionInput } from './commands.ts';
import { signatureEvidence } from './signature-strokes.ts';
import { presentOfferDecision, SECTION_OF } from './presenters.ts';
import { expiryTimeZone, type DecideRefusal, type OfferDecisions } from './service.ts';

type Outcome = 'accept' | 'decline';

export interface DecisionPageState {
  errors?: FieldErrors;
  input?: Record<string, string>;
  /** A refusal from the service, shown above the form; too_large: a form past the accept routes' body cap. */
  refusal?: DecideRefusal | 'too_large';
}

export function createDecisionHandlers(deps: { db: Knex; decisions: OfferDecisions; storage: FileStorage }) {
  const { decisions } = deps;

  async function load(req: Request, res: Response, kind: OfferKind) {
    const { workspace, settings } = portalContext(res);
    const { user } = signedInClient(res);
    const id = parseParam(OfferIdParam, req.params.id);
    const state = await decisions.state(workspace.id, user.client_id, kind, id, expiryTimeZone(settings));
    if (!state) throw notFound();
    return state;
  }

  const detailUrl = (res: Response, kind: OfferKind, id: string) =>
    `${portalContext(res).base}/${SECTION_OF[kind]}/${encodeURIComponent(id)}`;

  async function page(req: Request, res: Response, kind: OfferKind, outcome: Outcome, form: DecisionPageState = {}, status = 200) {
    const state = await load(req, res, kind);
    if (!state.canDecide && !form.refusal) return res.redirect(303, detailUrl(res, state.offer.kind, state.offer.id));
    const i18n = portalI18n(res);
    const offer = presentOfferDecision(state, i18n);
    const errors = Object.fromEntries(Object.entries(form.errors ?? {}).map(([field, key]) => [field, i18n.t(key)]));
    renderPortalPage(
      req,
      res,
      `decisions/${outcome}`,
      i18n.t(`decisions:${outcome}.title.${kind}`, { number: offer.number }),
      {
        offer,
        assets: portalContext(res).assets,
        detailUrl: detailUrl(res, kind, state.offer.id),
        action: `${detailUrl(res, kind, state.offer.id)}/${outcome}`,
        errors,
        // The typed name starts empty: the form says typing it signs, so it is never typed for them.
        input: form.input ?? {},
        refusal: form.refusal ? i18n.t(`decisions:refusals.${form.refusal}`) : null,
      },
      status,
      { withoutHtmx: outcome === 'accept' },
    );
  }

  function decide(kind: OfferKind, outcome: Outcome) {
    return async (req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      const offerId = parseParam(OfferIdParam, req.params.id);
      const { user, contact } = signedInClient(res);
      const input = req.body as DecisionInput;
      const result = await decisions.decide({
        workspaceId: workspace.id,
        clientId: user.client_id,
        kind,
        offerId,
        outcome: outcome === 'accept' ? 'accepted' : 'declined',
        seenSha256: input.fingerprint,
        typedName: input.typedName ?? contact.name,
        email: contact.email,
        note: input.note ?? null,
        poNumber: input.poNumber ?? null,
        selectedOptionalLineIds: input.optionalItems ?? null,
        ...signatureEvidence(input),
        method: 'portal',
        clientUserId: user.id,
        contactId: contact.id,
        publicLinkId: null,
        ...requestMeta(req),
        timeZone: expiryTimeZone(portalContext(res).settings),
      });
      if (result.ok) return res.redirect(303, `${detailUrl(res, kind, offerId)}?decided=${outcome === 'accept' ? 'accepted' : 'declined'}`);
      if (result.reason === 'not_found') throw notFound();
      // A refusal keeps what was typed and says why; an offer that changed is shown anew to review.
      return page(req, res, kind, outcome, { input: keptInput(req.body), refusal: result.reason }, 409);
    };
  }

  /** The accepted version with its evidence, even when the host record changed since. */
  function signedPdf(kind: OfferKind) {
    return async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const id = parseParam(OfferIdParam, req.params.id);
      const { user, contact } = signedInClient(res);
      const [decision, signaturePng, brand, parties] = await Promise.all([
        decisions.decisionOf(workspace.id, user.client_id, kind, id),
        decisions.signatureOf(workspace.id, user.client_id, kind, id),
        pdfBrand(deps.storage, res),
        decisions.letterheadOf(workspace.id, user.client_id),
      ]);
      if (decision?.outcome !== 'accepted') throw notFound();
      const i18n = portalI18n(res);
      const href = `${base}/${SECTION_OF[kind]}/${encodeURIComponent(id)}`;
      const model = signedPdfModel(i18n, {
        decision,
        clientId: user.client_id,
        href,
        brand,
        clientName: contact.clientName,
        signaturePng,
        parties,
      });
      const pdf = await renderPdfFor({ workspaceId: workspace.id, clientId: user.client_id }, model);
      // Named by the version signed, as the log names every other record.
      const signed = JSON.parse(decision.snapshot) as { number: string; title?: string };
      await insertClientActivity(deps.db, clientActor(req, res), 'offer.signed_pdf_downloaded', {
        kind,
        offerId: id,
        number: signed.number,
        ...(signed.title ? { title: signed.title } : {}),
        fingerprint: decision.snapshot_sha256,
      });
      const number = signed.number;
      sendPdf(res, pdf, pdfFilename(i18n.t(`offers:kind.${kind}`), number, 'signed'));
    };
  }

  const show = (kind: OfferKind, outcome: Outcome) => (req: Request, res: Response) =>
    page(req, res, kind, outcome, req.query.refused === 'too_large' ? { refusal: 'too_large' } : {});
  const invalid = (kind: OfferKind, outcome: Outcome) => (req: Request, res: Response, errors: FieldErrors) =>
    page(req, res, kind, outcome, { errors, input: keptInput(req.body) }, 400);

  return { show, invalid, decide, signedPdf };
}

export type DecisionHandlers = ReturnType<typeof createDecisionHandlers>;
