// The client's notifications: the list (newest first, paged), opening one (marked read, then on to
// its record), marking all read, and the choice per kind of how to be told. Post/redirect/get.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { notFound, parseParam, portalContext, portalI18n, renderPortalPage, signedInClient } from '../../core/index.ts';
import { type ChannelsInput, type ChannelsQueryInput, NotificationIdParam, type NotificationsQueryInput } from './commands.ts';
import { type Channel, channelFor, KIND_RULES, visibleKinds } from './kinds.ts';
import { presentChannelChoices, presentNotifications } from './presenters.ts';
import { findChannels, findNotification, listNotifications, markAllRead, markRead, saveChannels } from './queries.ts';
import { subjectPath } from './service.ts';
import type { AppPush } from '../app-push/index.ts';

const PAGE = 25;

export function createClientNotificationHandlers(deps: { db: Knex; now: () => Date; push: Pick<AppPush, 'publicKey'> }) {
  const { db } = deps;
  const who = (res: Response) => ({ workspaceId: portalContext(res).workspace.id, userId: signedInClient(res).user.id });

  return {
    list: async (req: Request, res: Response) => {
      const { base, settings } = portalContext(res);
      const { workspaceId, userId } = who(res);
      const i18n = portalI18n(res);
      const { before, notice } = res.locals.query as NotificationsQueryInput;
      const rows = await listNotifications(db, workspaceId, userId, visibleKinds(settings), { limit: PAGE + 1, beforeId: before });
      const items = presentNotifications(i18n, base, rows.slice(0, PAGE));
      renderPortalPage(req, res, 'client-notifications/index', i18n.t('clientNotifications:title'), {
        items,
        anyUnread: signedInClient(res).unreadNotifications > 0,
        olderHref: rows.length > PAGE ? `${base}/notifications?before=${items[items.length - 1]!.id}` : null,
        newestHref: before ? `${base}/notifications` : null,
        notice: notice ? i18n.t(`clientNotifications:notices.${notice}`) : null,
      });
    },

    open: async (req: Request, res: Response) => {
      const { base, settings } = portalContext(res);
      const { workspaceId, userId } = who(res);
      const id = parseParam(NotificationIdParam, req.params.notificationId);
      const row = await findNotification(db, workspaceId, userId, id);
      if (!row || !visibleKinds(settings).includes(row.kind)) throw notFound(portalI18n(res).t('clientNotifications:notFound'));
      if (!row.read_at) await markRead(db, workspaceId, userId, id, deps.now());
      res.redirect(303, `${base}${subjectPath(row)}`);
    },

    readAll: async (_req: Request, res: Response) => {
      const { workspaceId, userId } = who(res);
      await markAllRead(db, workspaceId, userId, deps.now());
      res.redirect(303, `${portalContext(res).base}/notifications?notice=allRead`);
    },

    showChannels: async (req: Request, res: Response) => {
      const { settings, assets } = portalContext(res);
      const { workspaceId, userId } = who(res);
      const i18n = portalI18n(res);
      const { notice } = res.locals.query as ChannelsQueryInput;
      const [chosen, pushKey] = await Promise.all([findChannels(db, workspaceId, userId), deps.push.publicKey(workspaceId)]);
      renderPortalPage(req, res, 'client-notifications/channels', i18n.t('clientNotifications:channelsTitle'), {
        groups: presentChannelChoices(i18n, visibleKinds(settings), chosen),
        pushKey,
        // The push control's own script (public/push-device.js) is loaded with it.
        assets,
        notice: notice ? i18n.t('clientNotifications:notices.saved') : null,
      });
    },

    saveChannels: async (req: Request, res: Response) => {
      const { workspaceId, userId } = who(res);
      const input = req.body as ChannelsInput;
      const before = await findChannels(db, workspaceId, userId);
      // Kinds left out of the form (hidden from this person) keep what they were.
      const channels = Object.fromEntries(
        (Object.keys(KIND_RULES) as Array<keyof typeof KIND_RULES>).map((kind) => {
          const sent = input[kind];
          const value: Channel = sent && KIND_RULES[kind].channels.includes(sent) ? sent : channelFor(kind, before);
          return [kind, value];
        }),
      );
      await saveChannels(db, workspaceId, userId, channels);
      res.redirect(303, `${portalContext(res).base}/account/notifications?notice=saved`);
    },
  };
}

export type ClientNotificationHandlers = ReturnType<typeof createClientNotificationHandlers>;
