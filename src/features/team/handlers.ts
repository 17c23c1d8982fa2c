// The team page for client admins: their company's people, invitations, roles, disabling a
// colleague (asked first on a page of its own) and asking the agency for a new one (a refused form
// comes back with what was typed). Post/redirect/get with a fixed notice.
import type { Request, Response } from 'express';
import {
  type FieldErrors,
  grantableRoles,
  HttpError,
  type LimitRule,
  parseParam,
  portalContext,
  portalI18n,
  type RateLimiter,
  renderPortalPage,
  requestMeta,
  signedInClient,
  tooManyRequests,
} from '../../core/index.ts';
import type { ColleagueRequests } from './colleague-requests.ts';
import {
  type ChangeRoleInput,
  ColleagueIdParam,
  DEFAULT_COLLEAGUE_ROLE,
  type InviteColleagueInput,
  NOTE_MAX_LENGTH,
  type RequestColleagueInput,
  type TeamQueryInput,
} from './commands.ts';
import { presentCompanyRequests, presentInviteRoles, presentMembers, presentRoleChoices } from './presenters.ts';
import type { Team, TeamActor } from './service.ts';

interface RequestForm {
  values: { name: string; email: string; note: string; role: string };
  errors: FieldErrors;
}

const EMPTY_FORM: RequestForm = { values: { name: '', email: '', note: '', role: DEFAULT_COLLEAGUE_ROLE }, errors: {} };

/** Colleague requests per client user: each one notifies and emails the agency. */
const COLLEAGUE_REQUEST_LIMIT: LimitRule = { name: 'colleague-request:user', points: 10, windowSeconds: 3600, blockSeconds: 3600 };

export function createTeamHandlers(team: Team, requests: ColleagueRequests, limiter: RateLimiter) {
  const actor = (req: Request, res: Response): TeamActor => {
    const { workspace } = portalContext(res);
    const { user, contact, access } = signedInClient(res);
    return { workspace, user, access, name: contact.name, meta: requestMeta(req), t: portalI18n(res).t };
  };
  const back = (res: Response, notice: NonNullable<TeamQueryInput['notice']>) =>
    res.redirect(303, `${portalContext(res).base}/team?notice=${notice}`);

  async function showTeam(req: Request, res: Response, form: RequestForm, status = 200, refusal: string | null = null) {
    const { workspace, base } = portalContext(res);
    const { user, contact, access, workspaceSettings } = signedInClient(res);
    const i18n = portalI18n(res);
    const notice = status === 200 ? (res.locals.query as TeamQueryInput | undefined)?.notice : undefined;
    const [{ members, roles }, asked] = await Promise.all([
      team.overview(workspace.id, user.client_id, user.id),
      requests.forCompany(workspace.id, user.client_id),
    ]);
    renderPortalPage(
      req,
      res,
      'team/index',
      i18n.t('team:title'),
      {
        company: contact.clientName,
        members: presentMembers(i18n, base, members, roles),
        roleChoices: presentRoleChoices(i18n, roles),
        inviteRoles: presentInviteRoles(i18n, roles, grantableRoles(workspaceSettings, access, roles), DEFAULT_COLLEAGUE_ROLE),
        notice: notice ? i18n.t(`team:notices.${notice}`) : null,
        refusal,
        requests: presentCompanyRequests(i18n, asked),
        requestAction: `${base}/team/requests`,
        form: form.values,
        errors: form.errors,
        noteMax: NOTE_MAX_LENGTH,
      },
      status,
    );
  }

  /**
   * An action the rules refuse (the last admin giving herself another role, a colleague disabled
   * meanwhile) is answered on the team page itself, with why at its top, not on a page of its own.
   */
  const onTeamPage =
    (action: (req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        await action(req, res);
      } catch (err) {
        if (!(err instanceof HttpError && err.status === 409)) throw err;
        await showTeam(req, res, EMPTY_FORM, 409, err.message);
      }
    };

  return {
    show: (req: Request, res: Response) => showTeam(req, res, EMPTY_FORM),

    invalidRequest: (req: Request, res: Response, errors: FieldErrors) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const text = (value: unknown) => (typeof value === 'string' ? value : '');
      const values = {
        name: text(body.name),
        email: text(body.email),
        note: text(body.note),
        role: text(body.role) || DEFAULT_COLLEAGUE_ROLE,
      };
      return showTeam(req, res, { values, errors }, 400);
    },

    requestColleague: async (req: Request, res: Response) => {
      const asker = actor(req, res);
      const limit = await limiter.consume(COLLEAGUE_REQUEST_LIMIT, `${asker.workspace.id}:${asker.user.id}`);
      if (!limit.allowed) throw tooManyRequests(limit.retryAfterSeconds, asker.t);
      await requests.ask(asker, req.body as RequestColleagueInput);
      back(res, 'requested');
    },

    invite: onTeamPage(async (req: Request, res: Response) => {
      const { contactId, role } = req.body as InviteColleagueInput;
      const outcome = await team.invite(actor(req, res), contactId, role ?? DEFAULT_COLLEAGUE_ROLE);
      back(res, outcome);
    }),

    changeRole: onTeamPage(async (req: Request, res: Response) => {
      const id = parseParam(ColleagueIdParam, req.params.clientUserId);
      await team.changeRole(actor(req, res), id, (req.body as ChangeRoleInput).role);
      back(res, 'role');
    }),

    confirmDisable: onTeamPage(async (req: Request, res: Response) => {
      const id = parseParam(ColleagueIdParam, req.params.clientUserId);
      const colleague = await team.colleagueToDisable(actor(req, res), id);
      renderPortalPage(req, res, 'team/disable', portalI18n(res).t('team:disable.title', { email: colleague.email }), {
        colleague: { id: colleague.id, email: colleague.email },
      });
    }),

    disable: onTeamPage(async (req: Request, res: Response) => {
      const id = parseParam(ColleagueIdParam, req.params.clientUserId);
      await team.disable(actor(req, res), id);
      back(res, 'disabled');
    }),
  };
}

export type TeamHandlers = ReturnType<typeof createTeamHandlers>;
