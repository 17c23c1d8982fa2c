// The team page for client admins: their company's people, invitations, roles and disabling a
// colleague (asked first on a page of its own). Post/redirect/get with a fixed notice.
import type { Request, Response } from 'express';
import { canSeeSection } from '../../core/policies/portal-policy.ts';
import { portalContext, portalI18n, renderPortalPage, signedInClient } from '../../core/web/portal-context.ts';
import { requestMeta } from '../../core/web/request-meta.ts';
import { parseParam } from '../../core/web/validate.ts';
import { type ChangeRoleInput, ColleagueIdParam, type InviteColleagueInput, type TeamQueryInput } from './commands.ts';
import { presentMembers, presentRoleChoices } from './presenters.ts';
import type { Team, TeamActor } from './service.ts';

export function createTeamHandlers(team: Team) {
  const actor = (req: Request, res: Response): TeamActor => {
    const { workspace } = portalContext(res);
    const { user, contact } = signedInClient(res);
    return { workspace, user, name: contact.name, meta: requestMeta(req), t: portalI18n(res).t };
  };
  const back = (res: Response, notice: NonNullable<TeamQueryInput['notice']>) =>
    res.redirect(303, `${portalContext(res).base}/team?notice=${notice}`);

  return {
    show: async (req: Request, res: Response) => {
      const { workspace, base, settings, sectionPages } = portalContext(res);
      const { user, contact } = signedInClient(res);
      const i18n = portalI18n(res);
      const { notice } = res.locals.query as TeamQueryInput;
      const { members, roles } = await team.overview(workspace.id, user.client_id, user.id);
      renderPortalPage(req, res, 'team/index', i18n.t('team:title'), {
        company: contact.clientName,
        members: presentMembers(i18n, base, members, roles),
        roleChoices: presentRoleChoices(i18n, roles),
        notice: notice ? i18n.t(`team:notices.${notice}`) : null,
        messagesHref: sectionPages.has('messages') && canSeeSection(settings, 'messages') ? `${base}/messages` : null,
      });
    },

    invite: async (req: Request, res: Response) => {
      const outcome = await team.invite(actor(req, res), (req.body as InviteColleagueInput).contactId);
      back(res, outcome);
    },

    changeRole: async (req: Request, res: Response) => {
      const id = parseParam(ColleagueIdParam, req.params.clientUserId);
      await team.changeRole(actor(req, res), id, (req.body as ChangeRoleInput).role);
      back(res, 'role');
    },

    confirmDisable: async (req: Request, res: Response) => {
      const id = parseParam(ColleagueIdParam, req.params.clientUserId);
      const colleague = await team.colleagueToDisable(actor(req, res), id);
      renderPortalPage(req, res, 'team/disable', portalI18n(res).t('team:disable.title', { email: colleague.email }), {
        colleague: { id: colleague.id, email: colleague.email },
      });
    },

    disable: async (req: Request, res: Response) => {
      const id = parseParam(ColleagueIdParam, req.params.clientUserId);
      await team.disable(actor(req, res), id);
      back(res, 'disabled');
    },
  };
}

export type TeamHandlers = ReturnType<typeof createTeamHandlers>;
