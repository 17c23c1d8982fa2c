// Rendering inside the admin layout: a plain page that sits inside the CRM's settings, with a way
// back to them, the admin sub-navigation, and the CSRF token for forms and htmx.
import path from 'node:path';
import type { Request, Response } from 'express';
import type { PortalConfig } from '../config.ts';
import type { ErrorPageRenderer } from '../web/error-handler.ts';
import { renderTemplate, sendPage } from '../web/render.ts';
import { adminContext, maybeAdminContext, type AdminContext } from './admin-context.ts';

const SECTIONS = [
  { label: 'Settings', path: '' },
  { label: 'Client users', path: '/clients' },
  { label: 'Activity log', path: '/activity' },
  { label: 'Payments', path: '/payments' },
] as const;

/** The admin pages live inside the host's settings area, so "back to settings" is their parent path. */
export function hostSettingsPath(adminPath: string): string {
  return path.posix.dirname(adminPath.replace(/\/+$/, '')) || '/';
}

function currentPath(req: Request): string {
  return (req.originalUrl.split('?')[0] ?? '').replace(/\/+$/, '');
}

interface ChromeInput {
  assets: string;
  adminPath: string;
  context: AdminContext | null;
  path: string;
}

function adminChrome({ assets, adminPath, context, path: current }: ChromeInput) {
  const base = context?.base ?? adminPath;
  return {
    assets,
    crmSettingsUrl: hostSettingsPath(adminPath),
    workspaceName: context?.workspace.name ?? null,
    staffName: context?.staff.name ?? null,
    portalSignInUrl: context ? `${context.portalBase}/sign-in` : null,
    csrfHeaders: JSON.stringify({ 'X-CSRF-Token': context?.csrfToken ?? '' }),
    // Without a workspace (not signed in, not allowed, portal off) there is nothing to navigate to.
    nav: context
      ? SECTIONS.map((section) => {
          const href = `${base}${section.path}`;
          return { label: section.label, href: href || '/', current: current === href.replace(/\/+$/, '') };
        })
      : [],
  };
}

export function renderAdminPage(req: Request, res: Response, view: string, title: string, model: object = {}, status = 200): void {
  const context = adminContext(res);
  const chrome = adminChrome({ assets: context.assets, adminPath: context.base, context, path: currentPath(req) });
  sendPage(req, res, view, { ...model, base: context.base, csrfToken: context.csrfToken }, { layout: 'admin/layout', title, status, chrome });
}

/**
 * Errors on the admin side, inside the admin layout. A 401, 403 or 404 from the guards comes before
 * the workspace is known, so the page then shows only the way back to the CRM settings. An htmx
 * request gets the whole page with headers that put its main region in place of the current one,
 * instead of swapping an error into a table cell.
 */
export function adminErrorPage(config: Pick<PortalConfig, 'adminPath' | 'portalPath'>): ErrorPageRenderer {
  return (req, res, page) => {
    const context = maybeAdminContext(res);
    const chrome = adminChrome({ assets: `${config.portalPath}/assets`, adminPath: config.adminPath, context, path: currentPath(req) });
    const body = renderTemplate('admin/error', { ...page, homeUrl: context ? context.base || '/' : chrome.crmSettingsUrl, hasWorkspace: Boolean(context) });
    if (req.get('HX-Request') === 'true') res.set({ 'HX-Retarget': '#admin-main', 'HX-Reswap': 'outerHTML', 'HX-Reselect': '#admin-main' });
    res
      .status(page.status)
      .type('html')
      .send(renderTemplate('admin/layout', { ...chrome, title: page.heading, body }));
  };
}
