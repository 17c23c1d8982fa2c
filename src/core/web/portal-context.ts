// The per-request context of the client portal, kept under one res.locals key so nothing leaks
// into the host's locals. Set step by step by the workspace router's middleware.
import type { Request, Response } from 'express';
import type { ClientActor } from '../activity/queries.ts';
import type { Branding } from '../branding/branding.ts';
import type { ClientUserRow } from '../client-users/queries.ts';
import { managesColleagues, type ClientAccess } from '../policies/client-access.ts';
import type { HostContact, HostWorkspace } from '../ports/host.ts';
import type { PortalSettings } from '../settings/portal-settings.ts';
import { visibleSections, type PortalSection } from '../policies/portal-policy.ts';
import type { RequestI18n } from '../i18n/request-i18n.ts';
import { sendPage } from './render.ts';
import { requestMeta } from '../http/request-meta.ts';

export interface SignedInClient {
  user: ClientUserRow;
  contact: HostContact;
  /** What the person's company, role and own overrides say; already applied to the context's settings. */
  access: ClientAccess;
  /** The workspace's own switches, before this person's access: to tell "switched off" from "not yours". */
  workspaceSettings: PortalSettings;
  /** Their unread notifications (up to 100), read with them: the navigation's count. */
  unreadNotifications: number;
  /** Of those, the agency's answers in the messages: counted on Messages too, where they are read. */
  unreadMessages: number;
}

export interface PortalContext {
  workspace: HostWorkspace;
  /**
   * The workspace's settings; once a client is signed in, as they apply to that person (their
   * role and the agency's overrides switch more off: client-access.ts).
   */
  settings: PortalSettings;
  branding: Branding;
  /** `${portalPath}/${slug}`: every portal link starts here. */
  base: string;
  assets: string;
  /** The sections that have a page of their own; the navigation links only to these. */
  sectionPages: ReadonlySet<PortalSection>;
  /** Language, time zone, t() and formatters; settled once the client (if any) is known. */
  i18n: RequestI18n;
  client?: SignedInClient;
  /** Every page says that payments are a demo (config.demoPaymentBanner). */
  demoPaymentBanner: boolean;
  /** The CSRF token for this request's forms; set by the CSRF middleware (absent before it ran). */
  csrfToken?: () => string;
}

export function portalContext(res: Response): PortalContext {
  const context = res.locals.customerPortal as PortalContext | undefined;
  if (!context) throw new Error('portal context used before the workspace was loaded');
  return context;
}

export function signedInClient(res: Response): SignedInClient {
  const client = portalContext(res).client;
  if (!client) throw new Error('signedInClient used on a route without requireClient');
  return client;
}

/** The signed-in person, as the activity log records what they do (`insertClientActivity`). */
export function clientActor(req: Request, res: Response): ClientActor {
  return { workspace: portalContext(res).workspace, user: signedInClient(res).user, meta: requestMeta(req) };
}

export function portalI18n(res: Response): RequestI18n {
  return portalContext(res).i18n;
}

/**
 * The reader's languages in order, for what a host keeps in several (articles, ticket categories):
 * their own, then the workspace's.
 */
export function readerLanguages(res: Response): string[] {
  const { settings, i18n } = portalContext(res);
  return [...new Set([i18n.locale, ...(settings.defaultLocale ? [settings.defaultLocale] : [])])];
}

/** The label with the unread count, or null with none unread ("99+" past 99). */
function countText(count: number, label: (count: string) => string): string | null {
  return count > 0 ? label(count > 99 ? '99+' : String(count)) : null;
}

/** What the layout needs: branding, navigation, the CSRF token for htmx, who is signed in. */
function portalChrome(req: Request, res: Response) {
  const context = portalContext(res);
  const { t } = context.i18n;
  const path = req.originalUrl.split('?')[0] ?? '';
  const within = (href: string) => path === href || path.startsWith(`${href}/`);
  const nav = context.client
    ? [
        { label: t('common:nav.dashboard'), href: `${context.base}/`, current: path === `${context.base}/` || path === context.base },
        ...visibleSections(context.settings)
          .filter((section) => context.sectionPages.has(section))
          .map((section) => {
            const unread = section === 'messages' ? context.client!.unreadMessages : 0;
            return {
              label: countText(unread, (count) => t('common:nav.messagesUnread', { count })) ?? t(`common:nav.${section}`),
              href: `${context.base}/${section}`,
              current: within(`${context.base}/${section}`),
              unread: unread > 0,
            };
          }),
        ...(managesColleagues(context.client.access)
          ? [{ label: t('common:nav.team'), href: `${context.base}/team`, current: within(`${context.base}/team`) }]
          : []),
        {
          label:
            countText(context.client.unreadNotifications, (count) => t('common:nav.notificationsUnread', { count })) ??
            t('common:nav.notifications'),
          href: `${context.base}/notifications`,
          current: within(`${context.base}/notifications`),
          unread: context.client.unreadNotifications > 0,
        },
        { label: t('common:nav.account'), href: `${context.base}/account`, current: within(`${context.base}/account`) },
      ]
    : [];
  const csrfToken = context.csrfToken?.() ?? '';
  return {
    t,
    fmt: context.i18n.fmt,
    locale: context.i18n.locale,
    branding: context.branding,
    base: context.base,
    assets: context.assets,
    csrfToken,
    csrfHeaders: csrfToken ? JSON.stringify({ 'X-CSRF-Token': csrfToken }) : '{}',
    nav,
    clientName: context.client?.contact.name ?? null,
    demoPaymentBanner: context.demoPaymentBanner,
  };
}

export function renderPortalPage(
  req: Request,
  res: Response,
  view: string,
  title: string,
  model: object = {},
  status = 200,
  page: { withoutHtmx?: boolean } = {},
): void {
  const chrome = { ...portalChrome(req, res), withoutHtmx: page.withoutHtmx === true };
  sendPage(
    req,
    res,
    view,
    { ...model, base: chrome.base, csrfToken: chrome.csrfToken, t: chrome.t, fmt: chrome.fmt, locale: chrome.locale },
    { layout: 'layout', title, status, chrome },
  );
}
