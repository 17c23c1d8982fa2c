// The agency's side of messages, mounted by the host behind its staff sign-in (like the admin
// pages, but for every staff member, not only admins). In the order a request meets it:
// security headers and no-store → staff → workspace → feature flag → messages policy → form bodies
// (attachments parsed before the CSRF check: a multipart form carries `_csrf` inside) → CSRF →
// inbox and conversation routes → 404.
import express, { Router } from 'express';
import {
  authorizeAnswerMessages,
  type FeatureFlags,
  type HostAdapter,
  notFound,
  type PortalConfig,
  staffChain,
  verifyAdminCsrf,
  type WorkspaceCache,
  type StaffPage,
} from '../../core/index.ts';
import { parseMessageForm } from './uploads.ts';

export interface StaffRouterDeps {
  /** The workspace cache: a staff page reads its workspace and the staff member's language from it. */
  workspaces: Pick<WorkspaceCache, 'byId'>;
  adapter: HostAdapter;
  /** The features' staff pages the navigation links (CoreServices.staffPagesShown). */
  staffPagesShown: readonly StaffPage[];
  flags: FeatureFlags;
  config: PortalConfig;
  routes: Router;
}

const ENGLISH: Record<string, string> = {
  'common:attachments.attachmentSize': 'Each file can be at most 10 MB.',
  'common:attachments.attachmentCount': 'Attach at most 5 files to one message.',
  'common:attachments.formTooLarge': 'That form was too large.',
  'common:attachments.formUnreadable': 'We could not read that form. Please try again.',
};

export function staffMessagesRouter(deps: StaffRouterDeps): Router {
  const router = Router();

  router.use(staffChain(deps, { base: deps.config.messagesPath, authorize: authorizeAnswerMessages }));
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 20 }));
  router.use(parseMessageForm((_res, key) => ENGLISH[key] ?? key));
  router.use(verifyAdminCsrf);
  router.use(deps.routes);
  router.use((_req, _res, next) => next(notFound()));
  return router;
}
