// What every staff page knows once the staff chain (staff-chain.ts) let the request through: who,
// in which workspace, the form token, and where things are. One res.locals key for the admin
// pages, the inbox, the record pages and the notifications alike.
import type { Request, Response } from 'express';
import type { StaffPage } from '../host/feature-ports.ts';
import type { HostLayoutPort, HostStaffUser, HostWorkspace } from '../ports/host.ts';
import type { RequestI18n } from '../i18n/request-i18n.ts';
import type { Locale } from '../i18n/translations.ts';
import { type RequestMeta, requestMeta } from '../http/request-meta.ts';

export interface StaffContext {
  staff: HostStaffUser;
  workspace: HostWorkspace;
  /** The per-staff HMAC form token (admin-csrf.ts): it names the staff user and the workspace. */
  csrfToken: string;
  /** Where the router serving this request is mounted, e.g. /settings/client-portal. */
  base: string;
  /** The portal's static assets (CSS, htmx), served by the client router. */
  assets: string;
  /** This workspace's portal, e.g. /portal/acme: where its clients sign in and its logo is served. */
  portalBase: string;
  /** The host's page around the staff pages, when the host offers one (its header and navigation stay). */
  hostLayout?: HostLayoutPort | undefined;
  /** The staff member's language, time zone, t() and formatters (staffRequestI18n). */
  i18n: RequestI18n;
  /** Where the staff member chooses their language for the portal's staff side. */
  languageUrl: string;
  /** The language they chose there; null follows the host's setting, then the browser. */
  chosenLocale: Locale | null;
  /** The features' staff pages this host has (their manifests name them), in the navigation's order. */
  pagesShown?: readonly StaffPage[];
}

const LOCALS_KEY = 'customerPortalStaff';

export function setStaffContext(res: Response, context: StaffContext): void {
  res.locals[LOCALS_KEY] = context;
}

export function staffContext(res: Response): StaffContext {
  const context = res.locals[LOCALS_KEY] as StaffContext | undefined;
  if (!context) throw new Error('staff context used before the staff user was loaded');
  return context;
}

/** The context when the chain got that far; error pages use it to show the staff navigation. */
export function maybeStaffContext(res: Response): StaffContext | null {
  return (res.locals[LOCALS_KEY] as StaffContext | undefined) ?? null;
}

/**
 * Who acts on a staff page, as a service that logs the act needs them, with their language: a
 * service's refusal is written in it, as the client side's services write theirs.
 */
export interface StaffActor {
  workspace: HostWorkspace;
  staff: HostStaffUser;
  meta: RequestMeta;
  t: RequestI18n['t'];
}

export function staffActor(req: Request, res: Response): StaffActor {
  const { workspace, staff, i18n } = staffContext(res);
  return { workspace, staff, meta: requestMeta(req), t: i18n.t };
}
