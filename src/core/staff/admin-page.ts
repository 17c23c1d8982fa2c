// Rendering the admin pages: inside the host's own page when the host offers one (HostLayoutPort:
// its header and navigation stay), else in a plain layout of their own with a way back to the host's
// settings; either way with the admin sub-navigation and the CSRF token for forms and htmx.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';
import type { PortalConfig } from '../config.ts';
import type { StaffPage } from '../host/feature-ports.ts';
import type { HostLayoutPort } from '../ports/host.ts';
import type { ErrorPageRenderer } from '../web/error-handler.ts';
import { renderTemplate, sendPage } from '../web/render.ts';
import { staffContext, maybeStaffContext, type StaffContext } from './staff-context.ts';
import type { Formatters } from '../i18n/formatters.ts';
import { requestI18n, type RequestI18n } from '../i18n/request-i18n.ts';
import { translateErrorMessage } from '../i18n/validation.ts';
import { LOCALE_NAMES, LOCALES_DIR, type Translate } from '../i18n/translations.ts';

// The staff handlers' error messages keep their English text (the logs read it); the staff
// namespace holds them by key, so the error page finds a message's key by its English text and
// shows it in the staff member's language. Any other message goes through the client side's lookup.
const staffEnglish = JSON.parse(readFileSync(path.join(LOCALES_DIR, 'en', 'staff.json'), 'utf8')) as {
  errors: { messages: Record<string, string> };
};
const STAFF_ERROR_KEYS = new Map(Object.entries(staffEnglish.errors.messages).map(([key, message]) => [message, key]));

function translateStaffError(message: string, t: Translate): string {
  const key = STAFF_ERROR_KEYS.get(message);
  return key ? t(`staff:errors.messages.${key}`) : translateErrorMessage(message, t);
}

/**
 * The core's own staff pages, in the navigation: the portal's settings and what every workspace
 * has beside them. Each feature names its own (its manifest's staffPages), numbered to stand
 * among these, so the core names none of them.
 */
const CORE_PAGES: readonly StaffPage[] = [
  { label: 'staff:nav.settings', path: '', order: 10 },
  { label: 'staff:nav.clients', path: '/clients', order: 20 },
  { label: 'staff:nav.roles', path: '/roles', order: 30 },
  { label: 'staff:nav.activity', path: '/activity', order: 40 },
  { label: 'staff:nav.uploads', path: '/uploads', order: 60 },
  { label: 'staff:nav.satisfaction', path: '/satisfaction', order: 70 },
  { label: 'staff:nav.catalogue', path: '/catalogue', order: 90 },
];

/** The core's pages and the features' this host has (StaffContext.pagesShown), in the navigation's order. */
const navigationOf = (context: StaffContext): StaffPage[] =>
  [...CORE_PAGES, ...(context.pagesShown ?? [])].sort((a, b) => a.order - b.order);

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
  i18n: RequestI18n;
}

/** What every staff template reads to speak the staff member's language: t(), the formatters, the lang attribute. */
export function staffWords(i18n: RequestI18n): { t: Translate; fmt: Formatters; locale: string; languageName: string; timeZone: string } {
  return { t: i18n.t, fmt: i18n.fmt, locale: i18n.locale, languageName: LOCALE_NAMES[i18n.locale], timeZone: i18n.timeZone };
}

/**
 * The header's crumbs: a link on each but the last. `outside` marks the host's own page, which
 * htmx must load whole. The portal's own crumb links to its admin home, for an admin away from it:
 * a record page or an error page, where a bare "Client portal" led nowhere.
 */
interface Crumb {
  label: string;
  href: string | null;
  outside?: boolean;
}

function adminCrumbs(t: Translate, settingsUrl: string, context: StaffContext | null, current: string): Crumb[] {
  const home = context && context.staff.role === 'admin' && current !== context.base.replace(/\/+$/, '') ? context.base || '/' : null;
  return [
    { label: t('staff:crumbs.settings'), href: settingsUrl, outside: true },
    { label: t('staff:portalTitle'), href: home },
  ];
}

function adminChrome({ assets, adminPath, context, path: current, i18n }: ChromeInput) {
  const base = context?.base ?? adminPath;
  const { t } = i18n;
  return {
    ...staffWords(i18n),
    assets,
    crmSettingsUrl: hostSettingsPath(adminPath),
    crumbs: adminCrumbs(t, hostSettingsPath(adminPath), context, current),
    workspaceName: context?.workspace.name ?? null,
    staffName: context?.staff.name ?? null,
    portalSignInUrl: context ? `${context.portalBase}/sign-in` : null,
    languageUrl: context ? `${context.languageUrl}?${new URLSearchParams({ returnTo: current || base })}` : null,
    csrfHeaders: JSON.stringify({ 'X-CSRF-Token': context?.csrfToken ?? '' }),
    // Without a workspace (not signed in, not allowed, portal off) there is nothing to navigate to.
    nav: context
      ? navigationOf(context).map((section) => {
          const href = `${base}${section.path}`;
          return { label: t(section.label), href: href || '/', current: current === href.replace(/\/+$/, '') };
        })
      : [],
  };
}

/** One entry of the staff navigation under the portal's header. */
export interface StaffNavItem {
  label: string;
  href: string;
  current: boolean;
}

/**
 * The header of the staff pages outside the admin area (notifications, the language page, the
 * inbox): the workspace and the staff member, their language link (coming back to `returnTo`; none
 * on the language page itself) and the form token htmx sends. They sit outside the CRM's settings,
 * so the way back is the CRM itself, and there is no portal sign-in to open.
 */
export function staffChrome(context: StaffContext, nav: StaffNavItem[], returnTo: string | null) {
  return {
    ...staffWords(context.i18n),
    assets: context.assets,
    // Outside the CRM's settings: the way back is the CRM itself.
    crumbs: [
      { label: context.i18n.t('staff:crumbs.crm'), href: '/', outside: true },
      { label: context.i18n.t('staff:portalTitle'), href: null },
    ] satisfies Crumb[],
    workspaceName: context.workspace.name,
    staffName: context.staff.name,
    portalSignInUrl: null,
    languageUrl: returnTo === null ? null : `${context.languageUrl}?${new URLSearchParams({ returnTo })}`,
    csrfHeaders: JSON.stringify({ 'X-CSRF-Token': context.csrfToken }),
    nav,
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
  chrome: { assets: string; t: Translate },
  title: string,
  layouts: { plain: string; embedded: string } = { plain: 'staff/layout', embedded: 'staff/embedded' },
): { layout: string; frame?: (html: string) => string } {
  if (!hostLayout) return { layout: layouts.plain };
  return {
    layout: layouts.embedded,
    frame: (html: string) =>
      hostLayout.staffPage(req, res, {
        title: `${title} · ${chrome.t('staff:portalTitle')}`,
        head: renderTemplate('staff/_head', chrome),
        body: html,
      }),
  };
}
const adminFrame = hostFrame;

export function renderAdminPage(req: Request, res: Response, view: string, title: string, model: object = {}, status = 200): void {
  const context = staffContext(res);
  const chrome = adminChrome({ assets: context.assets, adminPath: context.base, context, path: currentPath(req), i18n: context.i18n });
  const { layout, frame } = adminFrame(req, res, context.hostLayout, chrome, title);
  // Field errors keep the schemas' English (the logs read it); the page shows them in the staff member's language.
  const errors = (model as { errors?: unknown }).errors;
  const translated =
    errors && typeof errors === 'object'
      ? {
          errors: Object.fromEntries(
            Object.entries(errors as Record<string, unknown>).map(([field, message]) => [
              field,
              typeof message === 'string' ? translateStaffError(message, context.i18n.t) : message,
            ]),
          ),
        }
      : {};
  sendPage(
    req,
    res,
    view,
    { ...staffWords(context.i18n), ...model, ...translated, base: context.base, csrfToken: context.csrfToken },
    { layout, frame, title, status, chrome },
  );
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
    // Before the chain knew the staff member, the browser's language.
    const i18n = context?.i18n ?? requestI18n(req);
    const chrome = adminChrome({
      assets: `${config.portalPath}/assets`,
      adminPath: config.adminPath,
      context,
      path: currentPath(req),
      i18n,
    });
    const heading = i18n.t(`common:errors.${page.status}`, { defaultValue: page.heading });
    const message = translateStaffError(page.message, i18n.t);
    const body = renderTemplate('staff/error', {
      ...chrome,
      ...page,
      heading,
      message,
      homeUrl: context ? context.base || '/' : chrome.crmSettingsUrl,
      hasWorkspace: Boolean(context),
    });
    if (req.get('HX-Request') === 'true') res.set({ 'HX-Retarget': '#admin-main', 'HX-Reswap': 'outerHTML', 'HX-Reselect': '#admin-main' });
    // The host's page only around a staff member the host knows: before that, the plain layout.
    const { layout, frame } = adminFrame(req, res, context ? hostLayout : undefined, chrome, heading);
    const html = renderTemplate(layout, { ...chrome, title: heading, body });
    res
      .status(page.status)
      .type('html')
      .send(frame ? frame(html) : html);
  };
}
