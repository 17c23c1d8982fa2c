// The agency's erasure requests: the list (open ones first) and one request, which is its own
// review: who asks, why, and what an approval removes, anonymises and keeps, with this person's
// counts. Approving needs a ticked confirmation; declining needs a reason the person reads.
import type { Request, Response } from 'express';
import { type FieldErrors, notFound, parseParam, renderAdminPage, staffActor, staffContext } from '../../core/index.ts';
import type { ApproveErasureInput, DeclineErasureInput, ErasureRequestsQueryInput } from './commands.ts';
import { ErasureRequestIdParam, REASON_MAX_LENGTH } from './commands.ts';
import type { Erasure } from './erasure.ts';
import { personLabel, presentErasureEffects, presentPerson, presentRequestRow } from './presenters.ts';

const REQUEST_NOT_FOUND = 'We could not find that erasure request.';
/** The notices a redirect may ask for, by their privacy:erasureRequests.notices key. */
const NOTICES = { approved: 'approved', declined: 'declined', decided: 'decided' } as const;

export function createErasureAdminHandlers(deps: { erasure: Erasure; portalKeepsComments: boolean }) {
  const { erasure } = deps;
  const listHref = (res: Response) => `${staffContext(res).base}/erasure-requests`;

  async function showRequest(req: Request, res: Response, form: { errors?: FieldErrors; note?: string } = {}, status = 200) {
    const { workspace, i18n } = staffContext(res);
    const { t } = i18n;
    const id = parseParam(ErasureRequestIdParam, req.params.requestId);
    const review = await erasure.review(workspace.id, id);
    if (!review) throw notFound(REQUEST_NOT_FOUND);
    const { request, user, contact, counts } = review;
    const action = `${listHref(res)}/${encodeURIComponent(request.id)}`;
    renderAdminPage(
      req,
      res,
      'admin/erasure-request',
      t('privacy:erasureRequests.titleOne', { person: personLabel(user, t) }),
      {
        request: presentRequestRow(staffContext(res).base, request, user, i18n),
        reason: request.reason,
        decisionNote: request.decision_note,
        erased: request.erased,
        person: presentPerson(user, contact),
        effects: counts ? presentErasureEffects(counts, deps.portalKeepsComments, t) : null,
        approveAction: `${action}/approve`,
        declineAction: `${action}/decline`,
        backHref: listHref(res),
        note: form.note ?? '',
        noteMax: REASON_MAX_LENGTH,
        errors: form.errors ?? {},
      },
      status,
    );
  }

  const submittedNote = (req: Request) => {
    const note = (req.body as Record<string, unknown> | undefined)?.note;
    return typeof note === 'string' ? note : '';
  };

  return {
    list: async (req: Request, res: Response) => {
      const { workspace, base, i18n } = staffContext(res);
      const notice = (res.locals.query as ErasureRequestsQueryInput | undefined)?.notice;
      const rows = await erasure.list(workspace.id);
      renderAdminPage(req, res, 'admin/erasure-requests', i18n.t('privacy:erasureRequests.title'), {
        requests: rows.map(({ request, user }) => presentRequestRow(base, request, user, i18n)),
        notice: notice ? i18n.t(`privacy:erasureRequests.notices.${NOTICES[notice]}`) : null,
      });
    },

    show: (req: Request, res: Response) => showRequest(req, res),

    invalid: (req: Request, res: Response, errors: FieldErrors) => showRequest(req, res, { errors, note: submittedNote(req) }, 400),

    approve: async (req: Request, res: Response) => {
      const id = parseParam(ErasureRequestIdParam, req.params.requestId);
      const { note } = req.body as ApproveErasureInput;
      const decided = await erasure.decide(staffActor(req, res), id, { approve: true, note });
      res.redirect(303, `${listHref(res)}?notice=${decided ? 'approved' : 'decided'}`);
    },

    decline: async (req: Request, res: Response) => {
      const id = parseParam(ErasureRequestIdParam, req.params.requestId);
      const { note } = req.body as DeclineErasureInput;
      const decided = await erasure.decide(staffActor(req, res), id, { approve: false, note });
      res.redirect(303, `${listHref(res)}?notice=${decided ? 'declined' : 'decided'}`);
    },
  };
}

export type ErasureAdminHandlers = ReturnType<typeof createErasureAdminHandlers>;
