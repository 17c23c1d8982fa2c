// Rendering the admin pages: inside the host's own page when the host offers one (HostLayoutPort:
// its header and navigation stay), else in a plain layout of their own with a way back to the host's
// settings; either way with the admin sub-navigation and the CSRF token for forms and htmx.
import path from 'node:path';
import type { Request, Response } from 'express';
import type { PortalConfig } from '../config.ts';
import type { HostLayoutPort } from '../ports/host.ts';
import type { ErrorPageRenderer } from '../web/error-handler.ts';
import { renderTemplate, sendPage } from '../web/render.ts';
import { staffContext, maybeStaffContext, type StaffContext } from './staff-context.ts';

const SECTIONS = [
  { label: 'Settings', path: '' },
  { label: 'Client users', path: '/clients' },
  { label: 'Client roles', path: '/roles' },
  { label: 'Activity log', path: '/activity' },
  { label: 'Payments', path: '/payments' },
  { label: 'Client uploads', path: '/uploads' },
  { label: 'Colleague requests', path: '/colleague-requests' },
  { label: 'Erasure requests', path: '/erasure-requests' },
] as const;

/** The admin pages live inside the host's settings area, so "back to settings" is their parent path. */
function hostSettingsPath(adminPath: string): string {
  return path.posix.dirname(adminPath.replace(/\/+$/, '')) || '/';
}

function currentPath(req: Request): string {
  return (req.originalUrl.split('?')[0] ?? '').replace(/\/+$/, '');
}

interface ChromeInput {
  assets: string;
  adminPath: string;
  context: StaffContext | null;
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

/**
 * The layout to use and, with the host's page, how to put it inside that page. The staff pages
 * outside the admin area (notifications, the inbox) pass their own pair of layouts.
 */
export function hostFrame(
  req: Request,
  res: Response,
  hostLayout: HostLayoutPort | undefined,
  chrome: { assets: string },
  title: string,
  layouts: { plain: string; embedded: string } = { plain: 'admin/layout', embedded: 'admin/embedded' },
): { layout: string; frame?: (html: string) => string } {
  if (!hostLayout) return { layout: layouts.plain };
  return {
    layout: layouts.embedded,
    frame: (html: string) =>
      hostLayout.staffPage(req, res, { title: `${title} · Client portal`, head: renderTemplate('admin/_head', chrome), body: html }),
  };
}
const adminFrame = hostFrame;

export function renderAdminPage(req: Request, res: Response, view: string, title: string, model: object = {}, status = 200): void {
  const context = staffContext(res);
  const chrome = adminChrome({ assets: context.assets, adminPath: context.base, context, path: currentPath(req) });
  const { layout, frame } = adminFrame(req, res, context.hostLayout, chrome, title);
  sendPage(req, res, view, { ...model, base: context.base, csrfToken: context.csrfToken }, { layout, frame, title, status, chrome });
}

/**
 * Errors on the admin side, inside the admin layout. A 401, 403 or 404 from the guards comes before
 * the workspace is known, so the page then shows only the way back to the CRM settings. An htmx
 * request gets the whole page with headers that put its main region in place of the current one,
 * instead of swapping an error into a table cell.
 */
export function adminErrorPage(config: Pick<PortalConfig, 'adminPath' | 'portalPath'>, hostLayout?: HostLayoutPort): ErrorPageRenderer {
  return (req, res, page) => {
    const context = maybeStaffContext(res);
    const chrome = adminChrome({ assets: `${config.portalPath}/assets`, adminPath: config.adminPath, context, path: currentPath(req) });
    const body = renderTemplate('admin/error', {
      ...page,
      homeUrl: context ? context.base || '/' : chrome.crmSettingsUrl,
      hasWorkspace: Boolean(context),
    });
    if (req.get('HX-Request') === 'true') res.set({ 'HX-Retarget': '#admin-main', 'HX-Reswap': 'outerHTML', 'HX-Reselect': '#admin-main' });
    // The host's page only around a staff member the host knows: before that, the plain layout.
    const { layout, frame } = adminFrame(req, res, context ? hostLayout : undefined, chrome, page.heading);
    const html = renderTemplate(layout, { ...chrome, title: page.heading, body });
    res
      .status(page.status)
      .type('html')
      .send(frame ? frame(html) : html);
  };
}
