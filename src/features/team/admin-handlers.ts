// The agency's side of client admins' requests for new colleagues: the list (open ones first, the
// longest waiting on top) and one request, with who asked, the company, whether the CRM already
// has the contact, and the two decisions: add (creating the contact through the host where it
// allows that) and invite, or decline with a reason the client admin reads.
import type { Request, Response } from 'express';
import { renderAdminPage } from '../../core/staff/admin-page.ts';
import { staffActor, staffContext } from '../../core/staff/staff-context.ts';
import { notFound } from '../../core/web/http-error.ts';
import { type FieldErrors, parseParam } from '../../core/web/validate.ts';
import type { ColleagueRequests } from './colleague-requests.ts';
import { ColleagueRequestIdParam, type ColleagueRequestsQueryInput, type DeclineColleagueInput, NOTE_MAX_LENGTH } from './commands.ts';
import { presentRequestRow } from './presenters.ts';

const REQUEST_NOT_FOUND = 'We could not find that request.';
/** The notices a redirect may ask for, by their staff:colleagues.notices key. */
const NOTICES = { added: 'added', declined: 'declined', decided: 'decided' } as const;

export function createColleagueRequestAdminHandlers(deps: { requests: ColleagueRequests; crmName: string }) {
  const { requests } = deps;
  const listHref = (res: Response) => `${staffContext(res).base}/colleague-requests`;

  async function showRequest(req: Request, res: Response, form: { errors?: FieldErrors; note?: string } = {}, status = 200) {
    const { workspace, base, i18n } = staffContext(res);
    const { t } = i18n;
    const id = parseParam(ColleagueRequestIdParam, req.params.requestId);
    const review = await requests.review(workspace.id, id);
    if (!review) throw notFound(REQUEST_NOT_FOUND);
    const { request, requester, company, contact } = review;
    const action = `${listHref(res)}/${encodeURIComponent(request.id)}`;
    renderAdminPage(
      req,
      res,
      'admin/colleague-request',
      t('staff:colleagues.titleOne', { name: request.name }),
      {
        request: presentRequestRow(base, request, company?.name ?? null, i18n),
        name: request.name,
        email: request.email,
        note: request.note,
        decisionNote: request.decision_note,
        requester: requester ? requester.email : t('staff:colleagues.formerUser'),
        contact: contact ? { name: contact.name, email: contact.email } : null,
        canAdd: Boolean(contact) || requests.canCreate,
        crmName: deps.crmName,
        addAction: `${action}/add`,
        declineAction: `${action}/decline`,
        backHref: listHref(res),
        declineNote: form.note ?? '',
        noteMax: NOTE_MAX_LENGTH,
        errors: form.errors ?? {},
      },
      status,
    );
  }

  return {
    list: async (req: Request, res: Response) => {
      const { workspace, base, i18n } = staffContext(res);
      const notice = (res.locals.query as ColleagueRequestsQueryInput | undefined)?.notice;
      const rows = await requests.list(workspace.id);
      renderAdminPage(req, res, 'admin/colleague-requests', i18n.t('staff:colleagues.title'), {
        requests: rows.map(({ request, company }) => presentRequestRow(base, request, company, i18n)),
        notice: notice ? i18n.t(`staff:colleagues.notices.${NOTICES[notice]}`) : null,
      });
    },

    show: (req: Request, res: Response) => showRequest(req, res),

    invalid: (req: Request, res: Response, errors: FieldErrors) => {
      const note = (req.body as Record<string, unknown> | undefined)?.note;
      return showRequest(req, res, { errors, note: typeof note === 'string' ? note : '' }, 400);
    },

    add: async (req: Request, res: Response) => {
      const id = parseParam(ColleagueRequestIdParam, req.params.requestId);
      const added = await requests.add(staffActor(req, res), id);
      res.redirect(303, `${listHref(res)}?notice=${added ? 'added' : 'decided'}`);
    },

    decline: async (req: Request, res: Response) => {
      const id = parseParam(ColleagueRequestIdParam, req.params.requestId);
      const { note } = req.body as DeclineColleagueInput;
      const declined = await requests.decline(staffActor(req, res), id, note);
      res.redirect(303, `${listHref(res)}?notice=${declined ? 'declined' : 'decided'}`);
    },
  };
}

export type ColleagueRequestAdminHandlers = ReturnType<typeof createColleagueRequestAdminHandlers>;
