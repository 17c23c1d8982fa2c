// The agency's side of client admins' requests for new colleagues: the list (open ones first, the
// longest waiting on top) and one request, with who asked, the company, whether the CRM already
// has the contact, and the two decisions: add (creating the contact through the host where it
// allows that) and invite, or decline with a reason the client admin reads.
import type { Request, Response } from 'express';
import { type FieldErrors, notFound, parseParam, renderAdminPage, staffActor, staffContext } from '../../core/index.ts';
import type { ColleagueRequests } from './colleague-requests.ts';
import {
  type AddColleagueInput,
  ColleagueRequestIdParam,
  type ColleagueRequestsQueryInput,
  DEFAULT_COLLEAGUE_ROLE,
  type DeclineColleagueInput,
  NOTE_MAX_LENGTH,
} from './commands.ts';
import { presentRequestRow, presentStaffRoleChoices, requestedRoleValue } from './presenters.ts';

/** The notices a redirect may ask for, by their team:colleagues.notices key. */
const NOTICES = { added: 'added', declined: 'declined', decided: 'decided' } as const;

export function createColleagueRequestAdminHandlers(deps: { requests: ColleagueRequests; crmName: string }) {
  const { requests } = deps;
  const listHref = (res: Response) => `${staffContext(res).base}/colleague-requests`;

  async function showRequest(req: Request, res: Response, form: { errors?: FieldErrors; note?: string; role?: string } = {}, status = 200) {
    const { workspace, base, i18n } = staffContext(res);
    const { t } = i18n;
    const id = parseParam(ColleagueRequestIdParam, req.params.requestId);
    const review = await requests.review(workspace.id, id);
    if (!review) throw notFound(t('team:staffRefused.requestNotFound'));
    const { request, requester, company, contact, roles } = review;
    const asked = requestedRoleValue(request, DEFAULT_COLLEAGUE_ROLE);
    const action = `${listHref(res)}/${encodeURIComponent(request.id)}`;
    renderAdminPage(
      req,
      res,
      'admin/colleague-request',
      t('team:colleagues.titleOne', { name: request.name }),
      {
        request: presentRequestRow(base, request, company?.name ?? null, i18n),
        name: request.name,
        email: request.email,
        note: request.note,
        decisionNote: request.decision_note,
        requester: requester ? requester.email : t('team:colleagues.formerUser'),
        contact: contact ? { name: contact.name, email: contact.email } : null,
        canAdd: Boolean(contact) || requests.canCreate,
        askedRole: presentStaffRoleChoices(t, roles, asked).find((choice) => choice.selected)?.label ?? null,
        roleChoices: presentStaffRoleChoices(t, roles, form.role ?? asked),
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
      renderAdminPage(req, res, 'admin/colleague-requests', i18n.t('team:colleagues.title'), {
        requests: rows.map(({ request, company }) => presentRequestRow(base, request, company, i18n)),
        notice: notice ? i18n.t(`team:colleagues.notices.${NOTICES[notice]}`) : null,
      });
    },

    show: (req: Request, res: Response) => showRequest(req, res),

    invalid: (req: Request, res: Response, errors: FieldErrors) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const text = (value: unknown) => (typeof value === 'string' ? value : '');
      return showRequest(req, res, { errors, note: text(body.note), ...(typeof body.role === 'string' ? { role: body.role } : {}) }, 400);
    },

    add: async (req: Request, res: Response) => {
      const id = parseParam(ColleagueRequestIdParam, req.params.requestId);
      const { role } = req.body as AddColleagueInput;
      const outcome = await requests.add(staffActor(req, res), id, role);
      // A role that is not one of this workspace's (another's, or one removed since the page was shown).
      if (outcome === 'unknownRole')
        return showRequest(req, res, { errors: { role: staffContext(res).i18n.t('validation:chooseTeamRole') } }, 400);
      res.redirect(303, `${listHref(res)}?notice=${outcome}`);
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
