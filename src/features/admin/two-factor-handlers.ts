// The agency's side of client two-factor: resetting a client's two-factor when they lost their
// phone and their recovery codes (the switch that requires two-factor is on the settings form). A reset is confirmed on
// its own page first, removes the authenticator and recovery codes, signs the client out everywhere,
// is logged, and emails the client (through the outbox, in the same transaction).
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  announceSessionsEnded,
  deleteOtherSessions,
  type EventBus,
  findClientUserById,
  findSettings,
  insertStaffActivity,
  isLocale,
  notFound,
  type OutboxMailer,
  parseParam,
  type PortalLinks,
  renderAdminPage,
  staffActor,
  staffContext,
  translator,
  type WorkspaceCache,
} from '../../core/index.ts';
import { twoFactorResetEmail } from '../account/index.ts';
import { deleteTwoFactor, isTwoFactorEnabled } from '../account/index.ts';
import { ClientUserIdParam, type ClientUserInput } from './commands.ts';

export function createAdminTwoFactorHandlers(deps: {
  db: Knex;
  mailer: OutboxMailer;
  links: PortalLinks;
  workspaces: Pick<WorkspaceCache, 'changed'>;
  bus?: EventBus;
}) {
  const { db, mailer, links } = deps;

  const back = (res: Response, client: string | undefined, notice: string) => {
    const params = new URLSearchParams();
    if (client) params.set('client', client);
    params.set('notice', notice);
    res.redirect(303, `${staffContext(res).base}/clients?${params.toString()}`);
  };

  const loadWithTwoFactor = async (req: Request, res: Response) => {
    const id = parseParam(ClientUserIdParam, req.params.clientUserId);
    const { workspace } = staffContext(res);
    const user = await findClientUserById(db, workspace.id, id);
    if (!user || !(await isTwoFactorEnabled(db, workspace.id, user.id)))
      throw notFound('That client user has no two-factor authentication to reset.');
    return user;
  };

  return {
    confirmReset: async (req: Request, res: Response) => {
      const user = await loadWithTwoFactor(req, res);
      const client = typeof req.query.client === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(req.query.client) ? req.query.client : '';
      renderAdminPage(req, res, 'admin/two-factor-reset', staffContext(res).i18n.t('admin:twoFactor.title'), {
        user: { id: user.id, email: user.email },
        filter: client,
      });
    },

    reset: async (req: Request, res: Response) => {
      const input = req.body as ClientUserInput;
      const { workspace } = staffContext(res);
      const user = await loadWithTwoFactor(req, res);
      const settings = await findSettings(db, workspace.id);
      const locale = [user.locale, settings.defaultLocale].find(isLocale) ?? 'en';
      const accountUrl = `${await links.baseOf(workspace)}/account/two-factor`;
      await db.transaction(async (trx) => {
        await deleteTwoFactor(trx, workspace.id, user.id);
        // Whoever holds a session made with the old authenticator is signed out too.
        const sessionsEnded = await deleteOtherSessions(trx, workspace.id, user.id, null);
        await mailer.send(twoFactorResetEmail(translator(locale), { to: user.email, workspace, accountUrl }), { trx });
        await insertStaffActivity(
          trx,
          staffActor(req, res),
          'two_factor.reset',
          { sessionsEnded },
          {
            clientUserId: user.id,
            clientId: user.client_id,
            email: user.email,
          },
        );
      });
      await announceSessionsEnded(deps.bus, { workspaceId: workspace.id, clientUserId: user.id, reason: 'two-factor-reset' });
      back(res, input.client, 'two-factor-reset');
    },
  };
}
