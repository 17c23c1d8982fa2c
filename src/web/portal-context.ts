// The per-request context of the client portal, kept under one res.locals key so nothing leaks
// into the host's locals. Set step by step by the workspace router's middleware.
import type { Request, Response } from 'express';
import type { Branding } from '../branding/branding.ts';
import type { ClientUserRow } from '../client-users/queries.ts';
import type { HostContact, HostWorkspace } from '../ports/host.ts';
import type { PortalSettings } from '../settings/portal-settings.ts';
import { visibleSections, SECTION_LABELS } from '../policies/portal-policy.ts';
import { DASHBOARD_SECTIONS } from '../dashboard/presenters.ts';
import { sendPage } from './render.ts';

export interface SignedInClient {
  user: ClientUserRow;
  contact: HostContact;
}

export interface PortalContext {
  workspace: HostWorkspace;
  settings: PortalSettings;
  branding: Branding;
  /** `${portalPath}/${slug}`: every portal link starts here. */
  base: string;
  assets: string;
  client?: SignedInClient;
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

/** What the layout needs: branding, navigation, the CSRF token for htmx, who is signed in. */
export function portalChrome(req: Request, res: Response) {
  const context = portalContext(res);
  const path = req.originalUrl.split('?')[0] ?? '';
  const nav = context.client
    ? [
        { label: 'Dashboard', href: `${context.base}/`, current: path === `${context.base}/` || path === context.base },
        ...visibleSections(context.settings).filter((section) => DASHBOARD_SECTIONS.includes(section)).map((section) => ({
          label: SECTION_LABELS[section],
          href: `${context.base}/#section-${section}`,
          current: false,
        })),
        { label: 'Account', href: `${context.base}/account`, current: path.startsWith(`${context.base}/account`) },
      ]
    : [];
  const csrfToken = context.csrfToken?.() ?? '';
  return {
    branding: context.branding,
    base: context.base,
    assets: context.assets,
    csrfToken,
    csrfHeaders: csrfToken ? JSON.stringify({ 'X-CSRF-Token': csrfToken }) : '{}',
    nav,
    clientName: context.client?.contact.name ?? null,
  };
}

export function renderPortalPage(req: Request, res: Response, view: string, title: string, model: object = {}, status = 200): void {
  const chrome = portalChrome(req, res);
  sendPage(req, res, view, { ...model, base: chrome.base, csrfToken: chrome.csrfToken }, { layout: 'layout', title, status, chrome });
}
