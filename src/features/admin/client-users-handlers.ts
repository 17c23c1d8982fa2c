// The clients page: every contact of the host's clients with their portal access, and the actions
// an admin takes on it (invite, send the invitation again, disable, re-enable).
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  announceSessionsEnded,
  authorizeClientUserAction,
  disablePerson,
  type EventBus,
  findClientUserById,
  findSettings,
  type HostAdapter,
  insertStaffActivity,
  listClientUsers,
  listRoles,
  notFound,
  parseParam,
  renderAdminPage,
  type RepeatGuard,
  requestMeta,
  setClientUserStatus,
  staffActor,
  staffContext,
  statusWhenReenabled,
} from '../../core/index.ts';
import type { AuthService } from '../account/index.ts';
import { voidUserLinks } from '../account/index.ts';
import { staffWordsFor } from './access-refusals.ts';
import { listTwoFactorUserIds } from '../account/index.ts';
import { checkInvitation, CONTACT_NOT_FOUND } from './invitation-checks.ts';
import { ClientUserIdParam, type ClientUserInput, type ClientsQueryInput, type InviteInput } from './commands.ts';
import { noticeText, presentClientGroups, presentClientOptions, type NoticeKey } from './presenters.ts';

const CLIENT_NOT_FOUND = 'We could not find that client.';
const CLIENT_USER_NOT_FOUND = 'We could not find that client user.';

export function createClientUsersHandlers(deps: { db: Knex; adapter: HostAdapter; auth: AuthService; guard: RepeatGuard; bus?: EventBus }) {
  const { db, adapter, auth, guard } = deps;

  /** Back to the clients page, with the same client filter and one of the fixed notices. */
  const backToClients = (res: Response, client: string | undefined, notice: NoticeKey) => {
    const params = new URLSearchParams();
    if (client) params.set('client', client);
    params.set('notice', notice);
    res.redirect(303, `${staffContext(res).base}/clients?${params.toString()}`);
  };

  /** A client user of this workspace, by the id in the URL; any other id is simply not found. */
  const loadClientUser = async (req: Request, res: Response) => {
    const id = parseParam(ClientUserIdParam, req.params.clientUserId);
    const user = await findClientUserById(db, staffContext(res).workspace.id, id);
    if (!user) throw notFound(CLIENT_USER_NOT_FOUND);
    return user;
  };

  return {
    list: async (req: Request, res: Response) => {
      const { client, notice } = res.locals.query as ClientsQueryInput;
      const { workspace, i18n } = staffContext(res);
      if (client && !(await adapter.clients.findById(workspace.id, client))) throw notFound(CLIENT_NOT_FOUND);
      const [clients, contacts, users, twoFactorUsers, settings, roles] = await Promise.all([
        adapter.clients.list(workspace.id),
        adapter.contacts.list(workspace.id, client ? { clientId: client } : {}),
        listClientUsers(db, workspace.id),
        listTwoFactorUserIds(db, workspace.id),
        findSettings(db, workspace.id),
        listRoles(db, workspace.id),
      ]);
      renderAdminPage(req, res, 'admin/clients', i18n.t('admin:clients.title'), {
        twoFactorUsers,
        requireTwoFactor: settings.requireTwoFactor,
        groups: presentClientGroups(contacts, users, new Map(roles.map((role) => [role.id, role])), i18n),
        clientOptions: presentClientOptions(clients, client),
        filter: client ?? '',
        notice: noticeText(notice, i18n.t),
      });
    },

    invite: async (req: Request, res: Response) => {
      const input = req.body as InviteInput;
      const { workspace, staff } = staffContext(res);
      const { contact, existing } = await checkInvitation(db, adapter, workspace, input.contactId);
      // A double click (or a second submit while the first runs) sends no second invitation and
      // is answered as the first was.
      const notice: NoticeKey = existing ? 'resent' : 'invited';
      const subject = `${workspace.id}:${contact.id}`;
      const seen = await guard.claim('invite', subject);
      if (!seen.first)
        return backToClients(res, input.client, seen.outcome === 'invited' || seen.outcome === 'resent' ? seen.outcome : notice);
      const user = await auth.invite(workspace, contact.id, staff, requestMeta(req)).catch(async (err: unknown) => {
        await guard.release('invite', subject);
        throw err;
      });
      if (!user) {
        await guard.release('invite', subject);
        throw notFound(CONTACT_NOT_FOUND);
      }
      await guard.remember('invite', subject, notice);
      backToClients(res, input.client, notice);
    },

    /**
     * Disabling signs the client out everywhere, so it is asked first: the list links here, a GET
     * page (it works without JavaScript, and a reload shows it again) whose one button disables.
     */
    confirmDisable: async (req: Request, res: Response) => {
      const { client } = res.locals.query as ClientsQueryInput;
      const { base, i18n } = staffContext(res);
      const { t } = i18n;
      const user = await loadClientUser(req, res);
      authorizeClientUserAction(user.status, 'disable');
      const back = `${base}/clients${client ? `?client=${encodeURIComponent(client)}` : ''}`;
      renderAdminPage(req, res, 'staff/confirm', t('admin:clients.disable.title'), {
        heading: t('admin:clients.disable.heading', { email: user.email }),
        consequences: [t('admin:clients.disable.signedOut'), t('admin:clients.disable.linksStop'), t('admin:clients.disable.reEnable')],
        action: `${base}/clients/${encodeURIComponent(user.id)}/disable`,
        fields: client ? { client } : {},
        confirmLabel: t('admin:clients.disable.confirm'),
        cancelHref: back,
      });
    },

    disable: async (req: Request, res: Response) => {
      const input = req.body as ClientUserInput;
      const { workspace } = staffContext(res);
      const user = await loadClientUser(req, res);
      authorizeClientUserAction(user.status, 'disable');
      // Disabled and signed out everywhere at once: no session outlives the decision.
      await db.transaction(async (trx) => {
        // The last client admin of a company is not disabled: the access service refuses, as on the team page.
        // Its links and codes are voided with it: none works again once the client is re-enabled.
        const { sessionsEnded } = await disablePerson(trx, workspace.id, user).catch(staffWordsFor);
        await insertStaffActivity(
          trx,
          staffActor(req, res),
          'client_user.disabled',
          { sessionsEnded },
          {
            clientUserId: user.id,
            clientId: user.client_id,
            email: user.email,
          },
        );
      });
      // After the commit: every instance ends the client's open live streams.
      await announceSessionsEnded(deps.bus, { workspaceId: workspace.id, clientUserId: user.id, reason: 'user-disabled' });
      backToClients(res, input.client, 'disabled');
    },

    enable: async (req: Request, res: Response) => {
      const input = req.body as ClientUserInput;
      const { workspace } = staffContext(res);
      const user = await loadClientUser(req, res);
      authorizeClientUserAction(user.status, 'enable');
      const status = statusWhenReenabled(user);
      await db.transaction(async (trx) => {
        await setClientUserStatus(trx, workspace.id, user.id, status);
        // Also here, for links issued while disabled or before a disable that predates this rule.
        await voidUserLinks(trx, workspace.id, user.id);
        await insertStaffActivity(
          trx,
          staffActor(req, res),
          'client_user.enabled',
          { status },
          {
            clientUserId: user.id,
            clientId: user.client_id,
            email: user.email,
          },
        );
      });
      backToClients(res, input.client, 'enabled');
    },
  };
}
