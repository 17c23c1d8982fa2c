// The staff notifications page, mounted by the host behind its staff sign-in (any staff user of a
// workspace with the portal on, not only admins): security headers and no-store → staff → workspace → flag →
// form bodies → CSRF → the list and "mark all as read" (303 back to the list).
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { PortalConfig } from '../config.ts';
import { countText } from '../db/bounded-count.ts';
import { PORTAL_FLAG } from '../flags/flag-names.ts';
import type { HostAdapter } from '../ports/host.ts';
import { clientNamesOf } from '../host/client-names.ts';
import type { FeatureFlags } from '../ports/services.ts';
import { adminCsrfToken, verifyAdminCsrf } from '../admin/admin-csrf.ts';
import { adminContext, type AdminContext } from '../admin/admin-context.ts';
import { HttpError, notFound } from '../web/http-error.ts';
import { sendPage } from '../web/render.ts';
import { securityHeaders } from '../web/security-headers.ts';
import { noStore } from '../web/cache-control.ts';
import { validateQuery } from '../web/validate.ts';
import { z } from 'zod';
import type { Notifications } from './service.ts';

const PAGE_SIZE = 30;
const ListQuery = z.object({
  page: z.string().regex(/^[1-9][0-9]{0,5}$/, 'The page number must be a whole number from 1 up, like ?page=2.').transform(Number).default(1),
});

export function notificationsRouter(deps: { adapter: HostAdapter; flags: FeatureFlags; config: PortalConfig; notifications: Notifications }): Router {
  const router = Router();
  const { config, notifications } = deps;

  const loadStaff = async (req: Request, res: Response, next: NextFunction) => {
    const staff = await deps.adapter.staff.current(req);
    if (!staff) return next(new HttpError(401, 'Please sign in to the CRM first.'));
    const workspace = await deps.adapter.workspaces.findById(staff.workspaceId);
    if (!workspace || !deps.flags.isEnabled(PORTAL_FLAG, { workspaceId: workspace.id, workspaceSlug: workspace.slug })) return next(notFound());
    const context: AdminContext = {
      staff,
      workspace,
      csrfToken: adminCsrfToken(config.sessionSecret, staff, workspace.id),
      base: config.notificationsPath,
      assets: `${config.portalPath}/assets`,
      portalBase: `${config.portalPath}/${encodeURIComponent(workspace.slug)}`,
    };
    res.locals.customerPortalAdmin = context;
    next();
  };

  router.use(securityHeaders({ secure: config.secureCookies }));
  router.use(noStore);
  router.use(loadStaff);
  router.use(express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }));
  router.use(verifyAdminCsrf);

  router.get('/', validateQuery(ListQuery), async (req: Request, res: Response) => {
    const context = adminContext(res);
    const { page } = res.locals.query as { page: number };
    const [{ rows, names }, unread] = await Promise.all([
      notifications.list(context.staff, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE }).then(async (rows) => ({
        rows,
        names: await clientNamesOf(deps.adapter.clients, context.workspace.id, rows.flatMap((row) => (row.client_id ? [row.client_id] : []))),
      })),
      notifications.unreadCount(context.staff),
    ]);
    const items = rows.slice(0, PAGE_SIZE).map((row) => ({
      id: String(row.id),
      unread: Boolean(row.unread),
      label: notifications.label(row.event),
      text: notifications.describe(row, names),
      at: row.created_at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
      iso: row.created_at.toISOString(),
    }));
    const chrome = {
      assets: context.assets,
      crmSettingsUrl: '/',
      workspaceName: context.workspace.name,
      staffName: context.staff.name,
      portalSignInUrl: null,
      csrfHeaders: JSON.stringify({ 'X-CSRF-Token': context.csrfToken }),
      nav: [{ label: 'Notifications', href: config.notificationsPath, current: true }],
    };
    const unreadText = countText(unread);
    sendPage(req, res, 'notifications/index', {
      items,
      unread,
      unreadText,
      base: config.notificationsPath,
      csrfToken: context.csrfToken,
      page,
      next: rows.length > PAGE_SIZE ? `${config.notificationsPath}?page=${page + 1}` : null,
      previous: page > 1 ? `${config.notificationsPath}?page=${page - 1}` : null,
      read: req.query.read === '1',
    }, { layout: 'admin/layout', title: unread > 0 ? `Notifications (${unreadText} unread)` : 'Notifications', status: 200, chrome });
  });

  router.post('/read', async (_req: Request, res: Response) => {
    await notifications.markAllRead(adminContext(res).staff);
    res.redirect(303, `${config.notificationsPath}?read=1`);
  });

  router.use((_req, _res, next) => next(notFound()));
  return router;
}
