// The staff notifications page, mounted by the host behind its staff sign-in (any staff user of a
// workspace with the portal on, not only admins): security headers and no-store → staff → workspace → flag →
// form bodies → CSRF → the list, "mark as read" per entry and "mark all as read" (each 303 back to
// the list). Inside the host's own page when it offers one (HostLayoutPort), as the admin pages are.
import type { Knex } from 'knex';
import express, { Router, type Request, type Response } from 'express';
import {
  clientNamesOf,
  countText,
  type FeatureFlags,
  type HostAdapter,
  hostFrame,
  notFound,
  parseParam,
  type PortalConfig,
  sendPage,
  staffChain,
  staffChrome,
  staffContext,
  staffWords,
  validateBody,
  validateQuery,
  verifyAdminCsrf,
  type WorkspaceCache,
  type StaffPage,
} from '../../core/index.ts';
import { languageRoutes } from './language.ts';
import { presentNotifications } from './presenters.ts';
import { z } from 'zod';
import type { Notifications } from './service.ts';

const PAGE_SIZE = 30;
const PAGE_NUMBER = z
  .string()
  .regex(/^[1-9][0-9]{0,5}$/, 'The page number must be a whole number from 1 up, like ?page=2.')
  .transform(Number);
const ListQuery = z.object({ page: PAGE_NUMBER.default(1) });
/** "Mark as read" on one entry: which page of the list to go back to. */
const MarkReadCommand = z.object({ page: PAGE_NUMBER.optional() });
const NotificationIdParam = z
  .string()
  .regex(/^[1-9][0-9]{0,17}$/)
  .transform(Number);

export function notificationsRouter(deps: {
  db: Knex;
  workspaces: Pick<WorkspaceCache, 'byId' | 'changed'>;
  adapter: HostAdapter;
  staffPagesShown: readonly StaffPage[];
  flags: FeatureFlags;
  config: PortalConfig;
  notifications: Notifications;
}): Router {
  const router = Router();
  const { config, notifications } = deps;

  router.use(staffChain(deps, { base: config.notificationsPath }));
  router.use(express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }));
  router.use(verifyAdminCsrf);

  router.get('/', validateQuery(ListQuery), async (req: Request, res: Response) => {
    const context = staffContext(res);
    const { page } = res.locals.query as { page: number };
    const [{ rows, names }, unread] = await Promise.all([
      notifications.list(context.staff, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE }).then(async (rows) => ({
        rows,
        names: await clientNamesOf(
          deps.adapter.clients,
          context.workspace.id,
          rows.flatMap((row) => (row.client_id ? [row.client_id] : [])),
        ),
      })),
      notifications.unreadCount(context.staff),
    ]);
    const items = presentNotifications(rows.slice(0, PAGE_SIZE), {
      clientNames: names,
      paths: {
        adminPath: config.adminPath,
        messagesPath: config.messagesPath,
        notificationsPath: config.notificationsPath,
        ticketPage: (ticketId) => deps.adapter.tickets?.staffPageOf?.(ticketId) ?? null,
        recordPage: (kind, id) => {
          const { requests, appointments, approvals, orders, contracts } = deps.adapter;
          const port = { request: requests, appointment: appointments, approval: approvals, order: orders, contract: contracts }[kind];
          return port?.staffPageOf?.(id) ?? null;
        },
      },
      admin: context.staff.role === 'admin',
      i18n: context.i18n,
    });
    const { t } = context.i18n;
    const chrome = staffChrome(
      context,
      [{ label: t('notifications:list.title'), href: config.notificationsPath, current: true }],
      config.notificationsPath,
    );
    const unreadText = countText(unread);
    const title = unread > 0 ? t('notifications:list.titleUnread', { shown: unreadText }) : t('notifications:list.title');
    sendPage(
      req,
      res,
      'notifications/index',
      {
        ...staffWords(context.i18n),
        items,
        unread,
        unreadText,
        base: config.notificationsPath,
        csrfToken: context.csrfToken,
        page,
        next: rows.length > PAGE_SIZE ? `${config.notificationsPath}?page=${page + 1}` : null,
        previous: page > 1 ? `${config.notificationsPath}?page=${page - 1}` : null,
        read: req.query.read === '1',
        readOne: req.query.read === 'one',
      },
      { ...hostFrame(req, res, context.hostLayout, chrome, title), title, status: 200, chrome },
    );
  });

  router.post('/read', async (_req: Request, res: Response) => {
    await notifications.markAllRead(staffContext(res).staff);
    res.redirect(303, `${config.notificationsPath}?read=1`);
  });

  // One entry, for this staff user alone; an entry of another workspace (or none) is not found.
  router.post('/:id/read', validateBody(MarkReadCommand), async (req: Request, res: Response) => {
    const id = parseParam(NotificationIdParam, req.params.id);
    if (!(await notifications.markRead(staffContext(res).staff, id))) throw notFound('We could not find that notification.');
    const { page } = req.body as z.infer<typeof MarkReadCommand>;
    res.redirect(
      303,
      `${config.notificationsPath}?${new URLSearchParams({ ...(page && page > 1 ? { page: String(page) } : {}), read: 'one' })}#notification-${id}`,
    );
  });

  router.use(languageRoutes(deps));

  router.use((_req, _res, next) => next(notFound()));
  return router;
}
