// The agency's side of messages, mounted by the host behind its staff sign-in (like the admin
// pages, but for every staff member, not only admins). In the order a request meets it:
// security headers and no-store → staff → workspace → feature flag → messages policy → form bodies
// (attachments parsed before the CSRF check: a multipart form carries `_csrf` inside) → CSRF →
// inbox and conversation routes → 404.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { PortalConfig } from '../config.ts';
import { PORTAL_FLAG } from '../flags/flag-names.ts';
import type { HostAdapter, HostLayoutPort, HostStaffUser, HostWorkspace } from '../ports/host.ts';
import type { FeatureFlags } from '../ports/services.ts';
import { authorizeAnswerMessages } from '../policies/portal-policy.ts';
import { adminCsrfToken } from '../admin/admin-csrf.ts';
import { CSRF_MESSAGE, submittedCsrfTokens, tokensMatch } from '../web/csrf.ts';
import { HttpError, notFound } from '../web/http-error.ts';
import { securityHeaders } from '../web/security-headers.ts';
import { noStore } from '../web/cache-control.ts';
import { parseMessageForm } from './uploads.ts';

export interface StaffContext {
  staff: HostStaffUser;
  workspace: HostWorkspace;
  csrfToken: string;
  /** Where this router is mounted, e.g. /client-messages. */
  base: string;
  assets: string;
  /** The host's page around the inbox, when the host offers one (its header and navigation stay). */
  hostLayout?: HostLayoutPort | undefined;
}

export function staffContext(res: Response): StaffContext {
  const context = res.locals.customerPortalStaff as StaffContext | undefined;
  if (!context) throw new Error('staff messages context used before the staff user was loaded');
  return context;
}

export interface StaffRouterDeps {
  adapter: HostAdapter;
  flags: FeatureFlags;
  config: PortalConfig;
  routes: Router;
}

const ENGLISH: Record<string, string> = {
  'messages:errors.attachmentSize': 'Each file can be at most 10 MB.',
  'messages:errors.attachmentCount': 'Attach at most 5 files to one message.',
  'messages:errors.formTooLarge': 'That form was too large.',
  'messages:errors.formUnreadable': 'We could not read that form. Please try again.',
};

export function staffMessagesRouter(deps: StaffRouterDeps): Router {
  const router = Router();

  const loadStaff = async (req: Request, res: Response, next: NextFunction) => {
    const staff = await deps.adapter.staff.current(req);
    if (!staff) return next(new HttpError(401, 'Please sign in to the CRM first.'));
    const workspace = await deps.adapter.workspaces.findById(staff.workspaceId);
    if (!workspace || !deps.flags.isEnabled(PORTAL_FLAG, { workspaceId: workspace.id, workspaceSlug: workspace.slug })) return next(notFound());
    authorizeAnswerMessages(staff, workspace.id);
    const context: StaffContext = {
      staff,
      workspace,
      // The same per-staff HMAC token as the admin pages; it names the staff user and workspace.
      csrfToken: adminCsrfToken(deps.config.sessionSecret, staff, workspace.id),
      base: deps.config.messagesPath,
      assets: `${deps.config.portalPath}/assets`,
      hostLayout: deps.adapter.layout,
    };
    res.locals.customerPortalStaff = context;
    next();
  };

  const verifyCsrf = (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    if (!submittedCsrfTokens(req).some((token) => tokensMatch(staffContext(res).csrfToken, token))) return next(new HttpError(403, CSRF_MESSAGE));
    next();
  };

  router.use(securityHeaders({ secure: deps.config.secureCookies }));
  router.use(noStore);
  router.use(loadStaff);
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 20 }));
  router.use(parseMessageForm((_res, key) => ENGLISH[key] ?? key));
  router.use(verifyCsrf);
  router.use(deps.routes);
  router.use((_req, _res, next) => next(notFound()));
  return router;
}
